/* clusterctl stop APP: stop every instance, the socket(s) and the target. They stay enabled. */
#include "output.h"
#include "util.h"
#include "verb-common.h"

int verb_stop(int argc, char **argv) {
        _cleanup_(cluster_close) Cluster c = {};
        _cleanup_strv_free_ char **units = NULL;
        AppLock lock = APP_LOCK_NULL;
        const char *app = argv[1];
        int r;
        (void) argc;

        if ((r = check_app_name(app)) || (r = open_cluster(&c)))
                return r;
        if (!cluster_app_exists(&c, app)) {
                log_error("no app '%s' is installed in %s", app, c.unit_dir);
                return EXIT_FAILURE_;
        }
        if ((r = lock_app(app, &lock)))
                return r;
        r = cluster_loaded_units(&c, app, &units);
        if (r < 0) {
                log_error("cannot list the units of '%s': %s", app, strerror(-r));
                r = EXIT_FAILURE_;
        } else {
                uint64_t begin = now_usec();
                char took[32];
                r = run_jobs_and_report(&c, "StopUnit", units, "stopping");
                format_duration(now_usec() - begin, took, sizeof(took));
                if (!r && !arg_quiet)
                        log_info("%s: stopped in %s", app, took);
        }
        app_lock_release(&lock);
        return r;
}
