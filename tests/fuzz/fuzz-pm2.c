/* libFuzzer target: clusterctl import's mapping of a PM2 ecosystem file (JSON, as node's
 * evaluator or json-c hands it over) to config text. Whatever the file holds, mapping must not
 * crash, and every config it writes must be one libconfig reads, whose name is the app's: a value
 * that could break out of its string (a quote, a backslash, a newline) would show here. */
#include <libconfig.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pm2-map.h"
#include "util.h"

static void check_config_text(const Pm2App *app) {
        config_t cfg;
        const char *name = NULL;

        config_init(&cfg);
        if (config_read_string(&cfg, app->text) != CONFIG_TRUE) {
                fprintf(stderr, "fuzz-pm2: the mapped config does not parse (line %d: %s):\n%s\n", config_error_line(&cfg),
                        config_error_text(&cfg), app->text);
                abort();
        }
        if (!config_lookup_string(&cfg, "name", &name) || strcmp(name, app->name) != 0) {
                fprintf(stderr, "fuzz-pm2: the config's name is not the app's '%s':\n%s\n", app->name, app->text);
                abort();
        }
        config_destroy(&cfg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        json_tokener *tok = json_tokener_new_ex(64);
        json_object *root, **apps = NULL;
        char **warnings = NULL, *error = NULL;
        size_t n = 0;

        if (!tok)
                abort();
        root = json_tokener_parse_ex(tok, (const char *) data, (int) (size > 65536 ? 65536 : size));
        json_tokener_free(tok);
        if (!root)
                return 0;
        if (pm2_ecosystem_apps(root, &apps, &n, &warnings, &error) >= 0)
                for (size_t i = 0; i < n && i < 16; i++) {
                        Pm2MapOptions opts = { .source = "/srv/app/ecosystem.config.js", .source_dir = "/srv/app",
                                               .env_name = i % 2 ? "production" : NULL, .user_manager = i % 3 == 0 };
                        Pm2App app = {};
                        char *e = NULL;
                        if (pm2_map_app(apps[i], i, &opts, &app, &e) >= 0)
                                check_config_text(&app);
                        else if (!e || strchr(e, '\n')) {
                                fprintf(stderr, "fuzz-pm2: an error without a message, or with a newline: %s\n", e ? e : "(none)");
                                abort();
                        }
                        free(e);
                        pm2_app_done(&app);
                }
        free(apps);
        free(error);
        strv_free(warnings);
        json_object_put(root);
        return 0;
}
