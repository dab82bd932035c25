/* clusterctl stop APP: stop every instance, the socket(s) and the target. They stay enabled. */
#include "output.h"
#include "util.h"
#include "verb-common.h"

int verb_stop(int argc, char **argv, Cluster *c) {
        const char *app = argv[1];
        uint64_t begin = now_usec();
        char took[32];
        int r;
        (void) argc;

        r = stop_app_units(c, app, NULL);
        if (r < 0)
                return r;
        format_duration(now_usec() - begin, took, sizeof(took));
        if (!arg_quiet)
                log_info("%s: stopped in %s", app, took);
        return EXIT_OK;
}
