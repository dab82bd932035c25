/* clusterctl restart APP: every enabled instance at once, as PM2's restart does. */
#include "output.h"
#include "util.h"
#include "verb-common.h"

int verb_restart(int argc, char **argv, Cluster *c) {
        _cleanup_strv_free_ char **units = NULL;
        _cleanup_free_ unsigned *enabled = NULL;
        const char *app = argv[1];
        size_t n = 0;
        int r;
        (void) argc;

        r = cluster_enabled(c, app, &enabled, &n);
        if (r < 0 || n == 0) {
                log_error("%s: no enabled instances", app);
                return EXIT_FAILURE_;
        }
        units = instance_units(app, enabled, n, ".service");
        uint64_t begin = now_usec();
        r = units ? run_jobs_and_report(c, "RestartUnit", units, "restarting") : EXIT_FAILURE_;
        if (!r && !arg_quiet) {
                char took[32];
                format_duration(now_usec() - begin, took, sizeof(took));
                log_info("%s: %zu instance%s restarted and ready in %s", app, n, n == 1 ? "" : "s", took);
        }
        return r;
}
