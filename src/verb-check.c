/* clusterctl check FILE: validate a config and render its units, changing nothing. */
#include "listen.h"
#include "manager-facts.h"
#include "output.h"
#include "util.h"
#include "verb-common.h"

int verb_check(int argc, char **argv, Cluster *c) {
        _cleanup_(app_list_done) AppList apps = {};
        SandboxLimits limits;
        int r;
        (void) argc;
        (void) c;

        r = load_config(argv[1], &apps);
        if (r < 0)
                return config_error_status(r);
        r = check_accounts(&apps);
        if (r < 0)
                return config_error_status(r);
        manager_sandbox_limits(arg_scope, &limits);
        for (size_t i = 0; i < apps.n_apps; i++) {
                const App *app = &apps.apps[i];
                _cleanup_(unit_set_done) UnitSet set = {};
                unsigned count;

                r = render_configured(argv[1], app, &limits, &set, &count);
                if (r < 0)
                        return config_error_status(r);
                warn_if_root(app);
                warn_if_sandbox_limited(app, &limits);
                if (!arg_quiet)
                        printf("%s: %s: ok, %u instance%s, %s%s%s\n", argv[1], app->name, count, count == 1 ? "" : "s",
                               app->listen ? socket_mode_to_string(app->socket_mode) : "no sockets",
                               app->listen ? " socket on " : "", app->listen ? app->listen[0] : "");
        }
        return EXIT_OK;
}
