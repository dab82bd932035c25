/* clusterctl VERB … -H HOST…: the verb run by each host's own clusterctl over ssh. start, scale,
 * stop, restart and delete go one host after the other and stop at the first that fails
 * (--parallel: all at once, bounded); reload, status and logs have files of their own. */
#include "hosts.h"
#include "output.h"
#include "util.h"
#include "verb-common.h"

void hosts_report_not_reached(const HostsRun *h) {
        _cleanup_buffer_ Buffer b = {};
        for (size_t i = 0; i < h->n; i++)
                if (!host_run_reached(&h->runs[i]))
                        (void) buffer_printf(&b, "%s%s", b.len ? ", " : "", h->runs[i].host->display);
        if (b.len)
                log_info("not reached, left as they were: %s", b.data);
}

static int hosts_simple(int argc, char **argv) {
        _cleanup_(hosts_run_done) HostsRun h = {};
        _cleanup_strv_free_ char **args = NULL;
        _cleanup_free_ char *text = NULL, *app = NULL;
        const char *verb = argv[0];
        int r;

        if (streq(verb, "start") && (arg_is_config_path(argv[1]) || arg_config)) {
                if ((r = read_config_for_hosts(arg_is_config_path(argv[1]) ? argv[1] : arg_config, &text, &app)))
                        return r;
                if (!arg_is_config_path(argv[1]) && !streq(argv[1], app)) {
                        log_error("%s defines no app named '%s'", arg_config, argv[1]);
                        return EXIT_USAGE;
                }
                if (strv_extend(&args, "start") < 0 || strv_extend(&args, "--config-stdin") < 0 ||
                    strv_extend(&args, app) < 0)
                        return EXIT_FAILURE_;
        } else {
                if ((r = check_app_name(argv[1])))
                        return r;
                for (int i = 0; i < argc; i++)
                        if (strv_extend(&args, argv[i]) < 0)
                                return EXIT_FAILURE_;
        }
        if ((arg_force && strv_extend(&args, "--force") < 0) || (arg_wait && strv_extend(&args, "--wait") < 0))
                return EXIT_FAILURE_;
        if ((r = hosts_run_new(args, text, &h)))
                return r;

        FanoutOps ops = { .on_object = hosts_on_object, .on_text = hosts_on_text,
                          .on_exit = arg_parallel ? hosts_on_exit_continue : hosts_on_exit_stop_on_failure };
        r = fanout_run(h.runs, h.n, arg_parallel ? HOSTS_PARALLEL_MAX : 1, &ops, &h);
        if (r == -EINTR)
                log_error("interrupted: hosts not yet reached were left as they were");
        else if (r < 0) {
                log_error("cannot run ssh: %s", strerror(-r));
                return EXIT_FAILURE_;
        }
        int result = EXIT_OK;
        for (size_t i = 0; i < h.n; i++)
                if (host_run_reached(&h.runs[i]) && host_exit_code(&h, i) != EXIT_OK && result == EXIT_OK)
                        result = host_exit_code(&h, i);
        if (result != EXIT_OK || r == -EINTR) {
                hosts_report_not_reached(&h);
                return result != EXIT_OK ? result : EXIT_FAILURE_;
        }
        return EXIT_OK;
}

int hosts_dispatch(const Verb *v, int argc, char **argv) {
        static const char *const simple[] = { "start", "stop", "restart", "scale", "delete" };

        if (streq(v->name, "reload"))
                return hosts_reload(argc, argv);
        if (streq(v->name, "status") || streq(v->name, "ls"))
                return hosts_status(argc, argv);
        if (streq(v->name, "logs"))
                return hosts_logs(argc, argv);
        for (size_t i = 0; i < ELEMENTSOF(simple); i++)
                if (streq(v->name, simple[i]))
                        return hosts_simple(argc, argv);
        log_error("%s: -H and --hosts are for the commands that act on an app (start, stop, restart, reload, "
                  "scale, status, logs, delete)", v->name);
        return EXIT_USAGE;
}
