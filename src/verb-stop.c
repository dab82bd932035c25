/* clusterctl stop APP: stop every instance, the socket(s) and the target. They stay enabled. */
#include "output.h"
#include "util.h"
#include "verb-common.h"

int verb_stop(int argc, char **argv, Cluster *c) {
        _cleanup_strv_free_ char **units = NULL;
        const char *app = argv[1];
        uint64_t begin = now_usec();
        char took[32];
        int r;
        (void) argc;

        r = cluster_loaded_units(c, app, &units);
        if (r < 0) {
                log_error("cannot list the units of '%s': %s", app, strerror(-r));
                return EXIT_FAILURE_;
        }
        r = run_jobs_and_report(c, "StopUnit", units, "stopping");
        if (r)
                return r;
        format_duration(now_usec() - begin, took, sizeof(took));
        if (!arg_quiet)
                log_info("%s: stopped in %s", app, took);
        return EXIT_OK;
}
