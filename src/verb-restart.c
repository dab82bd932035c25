/* clusterctl restart APP: every enabled instance at once, as PM2's restart does. */
#include "output.h"
#include "util.h"
#include "verb-common.h"

int verb_restart(int argc, char **argv) {
        _cleanup_(cluster_close) Cluster c = {};
        _cleanup_strv_free_ char **units = NULL;
        _cleanup_free_ unsigned *enabled = NULL;
        AppLock lock = APP_LOCK_NULL;
        const char *app = argv[1];
        size_t n = 0;
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
        r = cluster_enabled(&c, app, &enabled, &n);
        if (r < 0 || n == 0) {
                log_error("%s: no enabled instances", app);
                app_lock_release(&lock);
                return EXIT_FAILURE_;
        }
        units = instance_units(app, enabled, n, ".service");
        uint64_t begin = now_usec();
        r = units ? run_jobs_and_report(&c, "RestartUnit", units, "restarting") : EXIT_FAILURE_;
        if (!r && !arg_quiet) {
                char took[32];
                format_duration(now_usec() - begin, took, sizeof(took));
                log_info("%s: %zu instance%s restarted and ready in %s", app, n, n == 1 ? "" : "s", took);
        }
        app_lock_release(&lock);
        return r;
}
