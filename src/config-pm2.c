/* The keys for apps written for PM2 (node_compat, shutdown_with_message, cron_restart), and the
 * checks that need every key of the app: node_compat runs only node, ready = "listen" needs the
 * preload and a socket, the preload must be there. */
#include "config-parser.h"
#include "cron.h"
#include "datadir.h"
#include "hardening.h"

static const char *const node_compat_table[_NODE_COMPAT_MAX] = {
        [NODE_COMPAT_NONE] = "none",
        [NODE_COMPAT_PM2] = "pm2",
};

int parse_node_compat(Parser *p, const config_setting_t *s, App *app) {
        int v, r = parse_enum(p, s, node_compat_table, _NODE_COMPAT_MAX, &v);
        if (r >= 0)
                app->node_compat = (NodeCompat) v;
        return r;
}

int parse_shutdown_with_message(Parser *p, const config_setting_t *s, App *app) {
        if (config_setting_type(s) != CONFIG_TYPE_BOOL)
                return fail_at(p, s, "shutdown_with_message: expected true or false, got %s",
                               type_name(config_setting_type(s)));
        app->shutdown_with_message = config_setting_get_bool(s);
        return 0;
}

int parse_cron_restart(Parser *p, const config_setting_t *s, App *app) {
        _cleanup_free_ char *error = NULL;
        const char *v = NULL;
        int r = get_string(p, s, &v);
        if (r < 0)
                return r;
        strv_free(app->cron_calendar);
        app->cron_calendar = NULL;
        r = cron_to_calendar(v, &app->cron_calendar, &error);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return fail_at(p, s, "cron_restart: %s", strempty(error));
        return dup_string(p, s, &app->cron_restart);
}

static const config_setting_t *lookup(const config_setting_t *group, const char *key) {
        return config_setting_lookup((config_setting_t *) group, key);
}

int validate_pm2_keys(Parser *p, const config_setting_t *group, App *app) {
        int r;

        if (app->cron_calendar && clusterctl_self_path(&app->clusterctl_path) < 0)
                return fail_at(p, lookup(group, "cron_restart"),
                               "cron_restart: cannot find the clusterctl binary for the timer to run");
        if (app->node_compat != NODE_COMPAT_PM2) {
                if (app->ready == READY_LISTEN)
                        return fail_at(p, lookup(group, "ready"), "ready: \"listen\" needs node_compat = \"pm2\", "
                                       "whose preload sees the app's listen()");
                if (app->shutdown_with_message)
                        return fail_at(p, lookup(group, "shutdown_with_message"), "shutdown_with_message: needs "
                                       "node_compat = \"pm2\", whose preload delivers the message");
                return 0;
        }
        const config_setting_t *key = lookup(group, "node_compat");
        const char *base = strrchr(app->argv[0], '/') ? strrchr(app->argv[0], '/') + 1 : app->argv[0];
        if (!startswith(base, "node"))
                return fail_at(p, key, "node_compat: the app runs %s, not node (give interpreter = \"node\", or "
                               "exec = \"node …\")", app->argv[0]);
        if (app->ready == READY_LISTEN && !(app->listen && app->listen[0]))
                return fail_at(p, lookup(group, "ready"), "ready: \"listen\" needs a listen address, whose socket "
                               "the app's listen() receives");
        free(app->node_preload);
        app->node_preload = NULL;
        if ((r = clusterctl_data_file(NODE_PM2_PRELOAD, &app->node_preload)) < 0)
                return r;
        if (access(app->node_preload, R_OK) < 0)
                return fail_at(p, key, "node_compat: the preload %s cannot be read (%s); is clusterctl installed "
                               "whole?", app->node_preload, strerror(errno));
        const char *why = hidden_by_hardening(app->hardening, app->node_preload);
        if (why)
                return fail_at(p, key, "node_compat: the preload %s is hidden from the app by hardening = \"%s\" "
                               "(%s)", app->node_preload, hardening_to_string(app->hardening), why);
        /* PM2 stops apps with SIGINT. */
        if (!app->kill_signal && !(app->kill_signal = strdup("SIGINT")))
                return -ENOMEM;
        return 0;
}
