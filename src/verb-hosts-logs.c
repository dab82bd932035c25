/* clusterctl logs APP -H …: every host's `logs --json` at the same time, merged in time order,
 * each line prefixed with its host and instance (`b web@2 | …`). With -f the last lines of all
 * hosts are merged first, then new lines are printed as they arrive from any host. */
#include <time.h>

#include "hosts.h"
#include "output.h"
#include "printable.h"
#include "util.h"
#include "verb-common.h"

typedef struct MergedLine {
        size_t host;
        size_t seq;
        uint64_t realtime_usec;
        json_object *entry;
} MergedLine;

typedef struct HostsLogs {
        HostsRun h;
        const char *app;
        MergedLine *lines;
        size_t n_lines, seq;
        bool *caught_up; /* per host: its last lines are all here (following, or ended) */
        size_t n_caught_up;
        bool streaming;
        bool colour;
} HostsLogs;

static const char *const colours[] = { "\033[36m", "\033[33m", "\033[35m", "\033[32m", "\033[34m", "\033[31m" };

static void print_line(HostsLogs *l, size_t host, json_object *e) {
        const char *name = l->h.runs[host].host->display;
        int64_t instance = json_int(e, "instance", -1);
        int priority = (int) json_int(e, "priority", 6);
        _cleanup_free_ char *message = NULL;
        char who[96];

        if (arg_json) {
                json_object_object_add(e, "host", json_object_new_string(name));
                printf("%s\n", json_object_to_json_string_ext(e, JSON_C_TO_STRING_PLAIN));
                return;
        }
        /* The host's JSON carried the app's line exactly, escape sequences included. */
        message = printable_text(json_str(e, "message"));
        if (!message)
                return;
        if (arg_raw) {
                printf("%s\n", message);
                return;
        }
        if (instance >= 0)
                snprintf(who, sizeof(who), "%s@%lld", l->app, (long long) instance);
        else
                snprintf(who, sizeof(who), "%s", l->app);
        if (l->colour)
                printf("%s%-*s %s |\033[0m %s%s%s\n", colours[host % ELEMENTSOF(colours)], l->h.name_width, name, who,
                       priority <= 3 ? "\033[1;31m" : "", message, priority <= 3 ? "\033[0m" : "");
        else
                printf("%-*s %s | %s\n", l->h.name_width, name, who, message);
}

static int compare_lines(const void *a, const void *b) {
        const MergedLine *x = a, *y = b;
        if (x->realtime_usec != y->realtime_usec)
                return x->realtime_usec < y->realtime_usec ? -1 : 1;
        if (x->host != y->host)
                return x->host < y->host ? -1 : 1;
        return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Every host's last lines are in: print them merged, then whatever comes as it comes. */
static void flush_merged(HostsLogs *l) {
        if (l->n_lines > 0)
                qsort(l->lines, l->n_lines, sizeof(MergedLine), compare_lines);
        for (size_t i = 0; i < l->n_lines; i++) {
                print_line(l, l->lines[i].host, l->lines[i].entry);
                json_object_put(l->lines[i].entry);
        }
        free(l->lines);
        l->lines = NULL;
        l->n_lines = 0;
        l->streaming = true;
        if (fflush(stdout) != 0)
                fanout_stop();
}

static void caught_up(HostsLogs *l, size_t host) {
        if (l->caught_up[host])
                return;
        l->caught_up[host] = true;
        if (++l->n_caught_up == l->h.n && !l->streaming)
                flush_merged(l);
}

static void on_object(HostRun *run, json_object *o, void *userdata) {
        HostsLogs *l = userdata;
        size_t i = host_index(&l->h, run);
        const char *event = json_str(o, "event");

        if (streq_ptr(event, "following"))
                caught_up(l, i);
        else if (event)
                hosts_on_object(run, o, &l->h);
        else if (l->streaming) {
                print_line(l, i, o);
                /* Nobody reads any more (logs -f | head): stop, as a Ctrl-C would. */
                if (fflush(stdout) != 0)
                        fanout_stop();
        } else {
                MergedLine *n = realloc(l->lines, sizeof(MergedLine) * (l->n_lines + 1));
                if (!n)
                        return;
                l->lines = n;
                n[l->n_lines++] = (MergedLine) { .host = i, .seq = l->seq++, .entry = json_object_get(o),
                                                 .realtime_usec = (uint64_t) json_int(o, "realtime_usec", 0) };
        }
}

static void on_text(HostRun *run, const char *line, void *userdata) {
        hosts_on_text(run, line, &((HostsLogs *) userdata)->h);
}

static bool on_host_exit(HostRun *run, void *userdata) {
        HostsLogs *l = userdata;
        (void) hosts_on_exit_continue(run, &l->h);
        caught_up(l, host_index(&l->h, run));
        return true;
}

static int add_option(char ***args, const char *name, const char *value) {
        return value && (strv_extend(args, name) < 0 || strv_extend(args, value) < 0) ? -ENOMEM : 0;
}

int hosts_logs(int argc, char **argv) {
        _cleanup_strv_free_ char **args = NULL;
        HostsLogs l = { .app = argv[1] };
        char lines[16];
        int r, result = EXIT_OK;
        (void) argc;

        if (check_app_name(l.app) < 0)
                return EXIT_USAGE;
        snprintf(lines, sizeof(lines), "%d", arg_lines);
        if (strv_extend(&args, "logs") < 0 || strv_extend(&args, l.app) < 0 || strv_extend(&args, "--json") < 0 ||
            add_option(&args, "-n", arg_lines >= 0 ? lines : NULL) < 0 || (arg_follow && strv_extend(&args, "-f") < 0) ||
            add_option(&args, "--since", arg_since) < 0 || add_option(&args, "--until", arg_until) < 0 ||
            add_option(&args, "--priority", arg_priority) < 0)
                return EXIT_FAILURE_;
        for (size_t i = 0; i < arg_n_instances; i++) {
                char k[16];
                snprintf(k, sizeof(k), "%u", arg_instances[i]);
                if (add_option(&args, "--instance", k) < 0)
                        return EXIT_FAILURE_;
        }
        if ((r = hosts_run_new(args, NULL, &l.h)))
                return r;
        if (!(l.caught_up = calloc(l.h.n, sizeof(bool)))) {
                hosts_run_done(&l.h);
                return EXIT_FAILURE_;
        }
        l.colour = !arg_json && !arg_raw && isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
        FanoutOps ops = { .on_object = on_object, .on_text = on_text, .on_exit = on_host_exit };
        r = fanout_run(l.h.runs, l.h.n, HOSTS_PARALLEL_MAX, &ops, &l);
        if (!l.streaming)
                flush_merged(&l);
        if (r < 0 && r != -EINTR) {
                log_error("cannot run ssh: %s", strerror(-r));
                result = EXIT_FAILURE_;
        }
        for (size_t i = 0; i < l.h.n; i++)
                if (r != -EINTR && host_exit_code(&l.h, i) != EXIT_OK)
                        result = EXIT_FAILURE_;
        free(l.caught_up);
        hosts_run_done(&l.h);
        return result;
}
