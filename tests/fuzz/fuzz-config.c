/* libFuzzer target: the config parser and validator. Any bytes given to config_load_string()
 * must give apps or an error with a message, never a crash or a leak; every app it accepts must
 * render (or be refused with a message, user/group for the user manager) into units that mean
 * exactly that app (check.h), in both scopes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "appgen.h"
#include "check.h"
#include "config.h"

#define FUZZ_CONFIG_PATH "/etc/clusterctl/fuzz.conf"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        AppList list = {};
        ConfigError error = {};
        char *text;
        int r;

        /* @include reads other files (even /dev/zero): the input alone must decide the outcome. */
        if (memmem(data, size, "@include", strlen("@include")))
                return 0;
        text = strndup((const char *) data, size);
        if (!text)
                abort();
        r = config_load_string(text, FUZZ_CONFIG_PATH, &list, &error);
        free(text);
        if (r < 0) {
                char *s = config_error_format(&error);
                if (!error.message || !*error.message || !error.file || !s) {
                        fprintf(stderr, "fuzz-config: config_load_string() failed (%d) without a message\n", r);
                        abort();
                }
                free(s);
                config_error_done(&error);
                return 0;
        }
        if (list.n_apps == 0) {
                fprintf(stderr, "fuzz-config: config_load_string() succeeded with no app\n");
                abort();
        }
        static const unsigned dropins[] = { 0, 2 };
        for (size_t i = 0; i < list.n_apps; i++) {
                App *app = &list.apps[i];
                (void) known_bugs_avoid(app);
                for (Scope scope = 0; scope < _SCOPE_MAX; scope++) {
                        char *report = check_app(app, scope, CHECK_CONFIG_ACCEPTED, dropins, 2);
                        if (report) {
                                fprintf(stderr, "fuzz-config: an app the config accepts renders to units that do not "
                                                "mean it:\n%s\n", report);
                                abort();
                        }
                }
        }
        app_list_done(&list);
        return 0;
}
