/* libFuzzer target: the ownership marker, read back from a unit file on disk. `scale` renders new
 * instances' drop-ins from what app_from_marker() finds in the installed template, without the
 * config: whatever that file holds, reading it must not crash, and what it accepts must be what
 * render could have written (a valid app name, increment_base in the config's range), and the
 * drop-ins rendered from it must mean exactly that (check.h). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "appgen.h"
#include "check.h"
#include "escape.h"
#include "render.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        char *text = strndup((const char *) data, size);
        App app = {};

        if (!text)
                abort();
        (void) marker_find(text, NULL);
        (void) marker_find(text, "web");
        (void) marker_hash_matches(text);
        free(marker_get(text, "App"));
        free(marker_get(text, "Config"));
        free(marker_get(text, "IncrementVar"));

        if (app_from_marker(text, &app) >= 0) {
                if (!app.name || !app.config_path) {
                        fprintf(stderr, "fuzz-marker: app_from_marker() succeeded without name or config path\n");
                        abort();
                }
                /* The name becomes a path ("../x" would escape the unit directory) and the base is
                 * added to an index: app_from_marker() accepts only what render writes. */
                bool name_ok = app_name_is_valid(app.name);
                bool base_ok = !app.increment_var || (app.increment_base >= 0 && app.increment_base <= 1000000000);
                if (!name_ok || !base_ok) {
                        char *d = app_describe(&app);
                        fprintf(stderr, "fuzz-marker: app_from_marker() accepts what render never writes (%s):\n%s\n",
                                name_ok ? "increment_base out of range" : "invalid app name", d);
                        free(d);
                        abort();
                } else {
                        static const unsigned indices[] = { 0, 1, 1023 };
                        (void) known_bugs_avoid(&app);
                        for (size_t i = 0; i < sizeof(indices) / sizeof(indices[0]); i++) {
                                char *report = check_instance_dropin(&app, indices[i], 0);
                                if (report) {
                                        fprintf(stderr, "fuzz-marker: a drop-in rendered from the marker does not mean it:\n%s\n",
                                                report);
                                        abort();
                                }
                        }
                }
                app_done(&app);
        }
        free(text);
        return 0;
}
