/* clusterctl check FILE: validate a config and render its units, changing nothing. */
#include "instances.h"
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

        if ((r = load_config(argv[1], &apps)) || (r = check_accounts(&apps)))
                return r;
        manager_sandbox_limits(arg_scope, &limits);
        for (size_t i = 0; i < apps.n_apps; i++) {
                const App *app = &apps.apps[i];
                _cleanup_(unit_set_done) UnitSet set = {};
                _cleanup_free_ char *error = NULL;
                unsigned count = instance_spec_resolve(&app->instances, usable_cpus());

                r = render_app_all(app, arg_scope, &limits, count, &set, &error);
                if (r < 0) {
                        log_error("%s: app '%s': %s", argv[1], app->name, error ? error : strerror(-r));
                        return EXIT_USAGE;
                }
                warn_if_root(app);
                warn_if_sandbox_limited(app, &limits);
                if (!arg_quiet)
                        printf("%s: %s: ok, %u instance%s, %s%s%s\n", argv[1], app->name, count, count == 1 ? "" : "s",
                               app->listen ? socket_mode_to_string(app->socket_mode) : "no sockets",
                               app->listen ? " socket on " : "", app->listen ? app->listen[0] : "");
        }
        return EXIT_OK;
}
