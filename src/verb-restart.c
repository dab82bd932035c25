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

        r = read_enabled(c, app, &enabled, &n);
        if (r < 0)
                return r;
        if (n == 0)
                return log_error_errno(-ENOENT, "%s: no enabled instances; use 'clusterctl scale %s N'", app, app);
        units = instance_units(app, enabled, n, ".service");
        if (!units)
                return log_oom();
        uint64_t begin = now_usec();
        r = run_jobs_and_report(c, "RestartUnit", units, "restarting");
        if (r < 0)
                return r;
        if (!arg_quiet) {
                char took[32];
                format_duration(now_usec() - begin, took, sizeof(took));
                log_info("%s: %zu instance%s restarted and ready in %s", app, n, n == 1 ? "" : "s", took);
        }
        return EXIT_OK;
}
