/* clusterctl logs APP: the journal of every instance merged in time order, each line prefixed
 * with its instance (web@2 |), read with sd-journal — the same lines journalctl shows. */
#include <poll.h>
#include <signal.h>
#include <time.h>

#include "journal.h"
#include "output.h"
#include "printable.h"
#include "remote.h"
#include "timeparse.h"
#include "unitfs.h"
#include "util.h"
#include "verb-common.h"

#define DEFAULT_LINES 15

static volatile sig_atomic_t interrupted;

static void on_signal(int sig) {
        (void) sig;
        interrupted = 1;
}

/* One colour per instance, cycling; bright enough on dark and light terminals. */
static const char *const colours[] = { "\033[36m", "\033[33m", "\033[35m", "\033[32m", "\033[34m", "\033[31m" };

static void print_entry(const char *app, const LogEntry *e, bool colour) {
        _cleanup_free_ char *text = NULL;
        char prefix[96];

        if (e->instance >= 0)
                snprintf(prefix, sizeof(prefix), "%s@%d", app, e->instance);
        else
                snprintf(prefix, sizeof(prefix), "%s", app);
        if (arg_json) {
                char ts[64];
                time_t t = (time_t) (e->realtime_usec / 1000000);
                struct tm tm;
                gmtime_r(&t, &tm);
                strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
                printf("{\"instance\":");
                if (e->instance >= 0)
                        printf("%d", e->instance);
                else
                        printf("null");
                printf(",\"unit\":");
                if (e->instance >= 0)
                        printf("\"%s@%d.service\"", app, e->instance);
                else
                        printf("null");
                printf(",\"timestamp\":\"%s.%06luZ\",\"realtime_usec\":%lu,\"pid\":%u,\"priority\":%d,\"message\":", ts,
                       (unsigned long) (e->realtime_usec % 1000000), (unsigned long) e->realtime_usec, e->pid,
                       e->priority);
                json_print_string(stdout, e->message);
                printf("}\n");
                return;
        }
        /* The app wrote it: shown, never obeyed, on a terminal or in a file. */
        text = printable_text(e->message);
        if (!text)
                return;
        if (arg_raw)
                printf("%s\n", text);
        else if (colour) {
                const char *c = colours[(e->instance < 0 ? 0 : e->instance) % (int) ELEMENTSOF(colours)];
                /* Errors (priority ≤ 3) stand out in bold red, as journalctl shows them. */
                printf("%s%s |\033[0m %s%s%s\n", c, prefix, e->priority <= 3 ? "\033[1;31m" : "", text,
                       e->priority <= 3 ? "\033[0m" : "");
        } else
                printf("%s | %s\n", prefix, text);
}

static int parse_priority(const char *s, int *ret) {
        static const char *const names[] = { "emerg", "alert", "crit", "err", "warning", "notice", "info", "debug" };
        unsigned v;

        for (int i = 0; i < (int) ELEMENTSOF(names); i++)
                if (streq(s, names[i])) {
                        *ret = i;
                        return 0;
                }
        if (safe_atou(s, &v) >= 0 && v <= 7) {
                *ret = (int) v;
                return 0;
        }
        return -EINVAL;
}

static int build_query(Cluster *c, const char *app, LogQuery *q, unsigned **ret_known) {
        _cleanup_free_ unsigned *known = NULL;
        size_t n_known = 0;
        uint64_t now = realtime_usec();

        *q = (LogQuery) { .scope = arg_scope, .app = app, .max_priority = -1 };
        if (arg_since && parse_time(arg_since, now, &q->since_usec) < 0) {
                log_error("--since: '%s' is not a time (\"2026-11-27 09:30\", \"09:30\", \"-5m\", \"1h ago\", "
                          "\"today\", \"@EPOCH\")", arg_since);
                return -EINVAL;
        }
        if (arg_until && parse_time(arg_until, now, &q->until_usec) < 0) {
                log_error("--until: '%s' is not a time", arg_until);
                return -EINVAL;
        }
        if (arg_priority && parse_priority(arg_priority, &q->max_priority) < 0) {
                log_error("--priority: '%s' is not a priority (0-7, or emerg, alert, crit, err, warning, notice, "
                          "info, debug)", arg_priority);
                return -EINVAL;
        }
        q->instances = arg_instances;
        q->n_instances = arg_n_instances;
        /* Instances that have not logged yet still match when following. */
        if (cluster_enabled(c, app, &known, &n_known) >= 0) {
                q->known = known;
                q->n_known = n_known;
        }
        *ret_known = TAKE_PTR(known);
        return 0;
}

int verb_logs(int argc, char **argv, Cluster *unused) {
        _cleanup_(log_reader_freep) LogReader *reader = NULL;
        _cleanup_free_ unsigned *known = NULL;
        _cleanup_free_ char *unit_dir = NULL;
        Cluster c = { .scope = arg_scope };
        const char *app = argv[1];
        LogQuery q;
        LogEntry e;
        int r;
        (void) argc;
        (void) unused;

        /* Logs need no manager: only the unit directory, for the enabled instances. */
        c.unit_dir = unit_dir_for_scope(arg_scope, &unit_dir) >= 0 ? unit_dir : (char *) "/nonexistent";
        if (build_query(&c, app, &q, &known) < 0)
                return EXIT_USAGE;
        r = log_reader_open(&q, &reader);
        if (r < 0)
                return log_error_errno(r, "cannot open the journal: %m");
        /* --since without -n shows everything since then, as journalctl does. */
        unsigned lines = arg_lines >= 0 ? (unsigned) arg_lines : arg_since ? 0 : DEFAULT_LINES;
        r = log_reader_seek_tail(reader, lines);
        if (r < 0)
                return log_error_errno(r, "cannot read the journal: %m");

        bool colour = !arg_json && !arg_raw && isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
        signal(SIGINT, on_signal);
        signal(SIGTERM, on_signal);
        signal(SIGPIPE, on_signal);
        bool announced = false;
        for (;;) {
                while (!interrupted && (r = log_reader_next(reader, &e)) > 0) {
                        print_entry(app, &e, colour);
                        log_entry_done(&e);
                }
                fflush(stdout);
                if (r < 0)
                        return log_error_errno(r, "cannot read the journal: %m");
                if (!arg_follow || interrupted)
                        break;
                if (remote_mode()) {
                        /* Tell the controller the last lines are all out, and end with its connection. */
                        struct pollfd out = { .fd = STDOUT_FILENO };
                        if (!announced)
                                json_event("following", NULL, NULL);
                        announced = true;
                        if (poll(&out, 1, 0) > 0 && (out.revents & (POLLERR | POLLHUP)))
                                break;
                }
                r = log_reader_wait(reader, 250000);
                if (r < 0 && r != -EINTR)
                        return log_error_errno(r, "cannot wait for the journal: %m");
        }
        return EXIT_OK;
}
