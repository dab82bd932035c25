/* testapp: a tiny HTTP server that behaves like an app run by clusterctl, for integration tests.
 * It takes its sockets the systemd way (sd_listen_fds), says READY=1 when it can serve, stops
 * gracefully on SIGTERM, and can be told to misbehave (fail, start slowly, crash, log) by flags
 * given on the command line or in $TESTAPP_FLAGS, so a config can change it through env alone.
 * With --hostile-output it writes what a compromised app might, for clusterctl to show inert:
 * terminal escape sequences in a log line and in its sd_notify STATUS=, and a journal entry
 * whose PRIORITY= is no syslog level.
 *
 * Endpoints (any method; every response carries Connection: close):
 *   /env/NAME   value of $NAME plus "\n", or 404
 *   /sleep/MS   the default body, answered MS milliseconds later (to test in-flight requests)
 *   anything    "instance=<I> pid=<PID> version=<V> port=<P>\n"
 *
 * Exit codes: 0 graceful stop, 1 runtime error, 2 usage, 3 --fail-before-ready, 5 --crash-after. */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE  /* accept4, asprintf; the top level may define it too */
#endif
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>
#include <systemd/sd-journal.h>

#include "numbers.h"

#define LISTENERS_MAX 64
#define CONNS_MAX 1024
#define REQUEST_MAX 8192
/* Slow clients must never hold the single-threaded loop; they just lose their slot. */
#define READ_TIMEOUT_MS 2000
#define WRITE_TIMEOUT_MS 5000
#define SLEEP_MAX_MS 60000

static int arg_port = -1;
static const char *arg_instance_var = "NODE_APP_INSTANCE";
static bool arg_fail_before_ready;
static double arg_ready_delay;
static double arg_crash_after = -1;
static bool arg_crash_signal;
static long arg_log_lines;
static double arg_log_every;
static bool arg_verbose;
static bool arg_hostile_output;

typedef enum ConnState {
        CONN_READING,
        CONN_SLEEPING,  /* request read, answer held back by /sleep/MS */
        CONN_WRITING,
} ConnState;

typedef struct Conn {
        int fd;
        ConnState state;
        int64_t deadline_ms;  /* read/write deadline, or the wake-up time when sleeping */
        size_t in_len;
        char in[REQUEST_MAX];
        char *out;
        size_t out_len, out_off;
} Conn;

static int64_t now_ms(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *instance_name(void) {
        const char *v = getenv(arg_instance_var);
        return v ? v : "-";
}

static const char *env_or_dash(const char *name) {
        const char *v = getenv(name);
        return v ? v : "-";
}

static void usage(FILE *f) {
        fprintf(f,
                "usage: testapp [--port N] [--instance-var NAME] [--fail-before-ready]\n"
                "               [--ready-delay SECS] [--crash-after SECS [--crash-signal]]\n"
                "               [--log-lines N] [--log-every SECS] [--verbose] [--hostile-output]\n"
                "Sockets come from LISTEN_FDS (sd_listen_fds); without it, --port or $PORT\n"
                "on 127.0.0.1. Flags are also read from $TESTAPP_FLAGS (space separated).\n");
}

static int parse_seconds(const char *s, double *ret) {
        return parse_double_in(s, 0, 1e6, ret);
}

static int parse_long(const char *s, long min, long max, long *ret) {
        long long v;
        int r = parse_ll_in(s, min, max, &v);
        if (r >= 0)
                *ret = (long) v;
        return r;
}

/* $TESTAPP_FLAGS go first so that explicit command-line flags override them. */
static int parse_argv(int argc, char **argv) {
        enum { ARG_PORT = 0x100, ARG_INSTANCE_VAR, ARG_FAIL, ARG_READY_DELAY, ARG_CRASH_AFTER,
               ARG_CRASH_SIGNAL, ARG_LOG_LINES, ARG_LOG_EVERY, ARG_VERBOSE, ARG_HOSTILE, ARG_HELP };
        static const struct option options[] = {
                { "port",              required_argument, NULL, ARG_PORT },
                { "instance-var",      required_argument, NULL, ARG_INSTANCE_VAR },
                { "fail-before-ready", no_argument,       NULL, ARG_FAIL },
                { "ready-delay",       required_argument, NULL, ARG_READY_DELAY },
                { "crash-after",       required_argument, NULL, ARG_CRASH_AFTER },
                { "crash-signal",      no_argument,       NULL, ARG_CRASH_SIGNAL },
                { "log-lines",         required_argument, NULL, ARG_LOG_LINES },
                { "log-every",         required_argument, NULL, ARG_LOG_EVERY },
                { "verbose",           no_argument,       NULL, ARG_VERBOSE },
                { "hostile-output",    no_argument,       NULL, ARG_HOSTILE },
                { "help",              no_argument,       NULL, ARG_HELP },
                {}
        };

        /* Static: the arg_* globals point into these strings until exit. */
        static char *flags, **args;
        const char *env = getenv("TESTAPP_FLAGS");
        flags = strdup(env ? env : "");
        args = calloc(argc + strlen(flags ? flags : "") / 2 + 2, sizeof(char *));
        if (!flags || !args)
                return -ENOMEM;
        int n = 0;
        args[n++] = argv[0];
        char *save = NULL;
        for (char *tok = strtok_r(flags, " \t\n", &save); tok; tok = strtok_r(NULL, " \t\n", &save))
                args[n++] = tok;
        for (int i = 1; i < argc; i++)
                args[n++] = argv[i];

        long l;
        int c, idx = 0;
        while ((c = getopt_long(n, args, "", options, &idx)) >= 0) {
                int r = 0;
                switch (c) {
                case ARG_PORT:
                        r = parse_long(optarg, 1, 65535, &l);
                        arg_port = (int) l;
                        break;
                case ARG_INSTANCE_VAR:
                        arg_instance_var = optarg;
                        break;
                case ARG_FAIL:
                        arg_fail_before_ready = true;
                        break;
                case ARG_READY_DELAY:
                        r = parse_seconds(optarg, &arg_ready_delay);
                        break;
                case ARG_CRASH_AFTER:
                        r = parse_seconds(optarg, &arg_crash_after);
                        break;
                case ARG_CRASH_SIGNAL:
                        arg_crash_signal = true;
                        break;
                case ARG_LOG_LINES:
                        r = parse_long(optarg, 0, 10000000, &arg_log_lines);
                        break;
                case ARG_LOG_EVERY:
                        r = parse_seconds(optarg, &arg_log_every);
                        if (r >= 0 && arg_log_every < 0.001)
                                r = -EINVAL;
                        break;
                case ARG_VERBOSE:
                        arg_verbose = true;
                        break;
                case ARG_HOSTILE:
                        arg_hostile_output = true;
                        break;
                case ARG_HELP:
                        usage(stdout);
                        exit(0);
                default:
                        usage(stderr);
                        return -EINVAL;
                }
                if (r < 0) {
                        fprintf(stderr, "testapp: invalid value for --%s: '%s'\n", options[idx].name, optarg);
                        return r;
                }
        }
        if (optind < n) {
                fprintf(stderr, "testapp: unexpected argument '%s'\n", args[optind]);
                return -EINVAL;
        }
        return 0;
}

static int set_nonblock(int fd) {
        int flags = fcntl(fd, F_GETFL);
        if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
                return -errno;
        return 0;
}

/* Listening fds are non-blocking because in the shared-socket mode several instances wake
 * up for one connection; the losers must get EAGAIN, not hang in accept(). */
static int take_listeners(int *fds, int *ret_n) {
        int n = sd_listen_fds(0);
        if (n < 0) {
                fprintf(stderr, "testapp: sd_listen_fds: %s\n", strerror(-n));
                return n;
        }

        int k = 0;
        for (int fd = SD_LISTEN_FDS_START; fd < SD_LISTEN_FDS_START + n; fd++) {
                if (sd_is_socket(fd, AF_UNSPEC, SOCK_STREAM, 1) <= 0) {
                        fprintf(stderr, "testapp: fd %d is not a listening stream socket, ignored\n", fd);
                        continue;
                }
                if (k == LISTENERS_MAX)
                        break;
                int r = set_nonblock(fd);
                if (r < 0)
                        return r;
                fds[k++] = fd;
        }
        if (n > 0) {
                if (k == 0) {
                        fprintf(stderr, "testapp: LISTEN_FDS=%d but none is a listening stream socket\n", n);
                        return -EBADF;
                }
                *ret_n = k;
                return 0;
        }

        /* Manual use, or an app config that hands out $PORT instead of sockets. */
        long port = arg_port;
        if (port < 0 && (!getenv("PORT") || parse_long(getenv("PORT"), 1, 65535, &port) < 0)) {
                fprintf(stderr, "testapp: no sockets: LISTEN_FDS is unset and neither --port nor a valid $PORT is given\n");
                return -EINVAL;
        }
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -errno;
        struct sockaddr_in sa = {
                .sin_family = AF_INET,
                .sin_port = htons((uint16_t) port),
                .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
        };
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (bind(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0 || listen(fd, SOMAXCONN) < 0) {
                int r = -errno;
                fprintf(stderr, "testapp: cannot listen on 127.0.0.1:%ld: %s\n", port, strerror(errno));
                close(fd);
                return r;
        }
        fds[0] = fd;
        *ret_n = 1;
        return 0;
}

static int make_signalfd(void) {
        sigset_t mask;
        sigemptyset(&mask);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
                return -errno;
        int fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
        return fd < 0 ? -errno : fd;
}

/* Returns true if a stop signal arrived while waiting. */
static bool wait_for_signal(int sigfd, int64_t deadline_ms) {
        for (int64_t now = now_ms(); now < deadline_ms; now = now_ms()) {
                struct pollfd p = { .fd = sigfd, .events = POLLIN };
                if (poll(&p, 1, (int) (deadline_ms - now)) > 0)
                        return true;
        }
        return false;
}

static void print_log_lines(void) {
        for (long k = 1; k <= arg_log_lines; k++)
                printf("line %ld of %ld from instance %s\n", k, arg_log_lines, instance_name());
        if (arg_log_lines > 0)
                /* SD_ERR ("<3>"): journald stores the line at priority 3, as apps mark their errors. */
                fprintf(stderr, SD_ERR "stderr line from instance %s\n", instance_name());
        fflush(stdout);
}

/* A retitled window, a cleared screen, a line overwritten after a carriage return, a colour
 * that never ends: each escape spelled out in the line, so a test can find it printed inert. */
#define HOSTILE_LINE "hostile \033]0;HOSTILE-TITLE\007\033[2J\033[H\rHOSTILE-OVERWRITE \033[31mHOSTILE-RED"
#define HOSTILE_STATUS "STATUS=hostile \033]0;HOSTILE-TITLE\007\033[2J"

static void print_hostile_output(void) {
        if (!arg_hostile_output)
                return;
        printf(HOSTILE_LINE "\n");
        fflush(stdout);
        sd_journal_send("MESSAGE=hostile priority", "PRIORITY=99999999999999999999", NULL);
}

static void conn_free(Conn *c) {
        if (!c)
                return;
        if (c->fd >= 0)
                close(c->fd);
        free(c->out);
        free(c);
}

static int conn_set_response(Conn *c, int status, const char *reason, const char *body) {
        int body_len = (int) strlen(body);
        free(c->out);
        int n = asprintf(&c->out,
                         "HTTP/1.1 %d %s\r\n"
                         "Content-Type: text/plain\r\n"
                         "Content-Length: %d\r\n"
                         "Connection: close\r\n"
                         "\r\n"
                         "%s",
                         status, reason, body_len, body);
        if (n < 0) {
                c->out = NULL;
                return -ENOMEM;
        }
        c->out_len = (size_t) n;
        c->out_off = 0;
        c->state = CONN_WRITING;
        c->deadline_ms = now_ms() + WRITE_TIMEOUT_MS;
        return 0;
}

static int conn_respond_default(Conn *c) {
        char body[512];
        snprintf(body, sizeof(body), "instance=%s pid=%d version=%s port=%s\n",
                 instance_name(), (int) getpid(), env_or_dash("APP_VERSION"), env_or_dash("PORT"));
        return conn_set_response(c, 200, "OK", body);
}

/* Only the request line matters; headers are read (to the blank line) and ignored. */
static int conn_handle_request(Conn *c) {
        char *sp1 = memchr(c->in, ' ', c->in_len);
        char *line_end = memchr(c->in, '\n', c->in_len);
        if (!sp1 || !line_end || sp1 > line_end)
                return conn_set_response(c, 400, "Bad Request", "bad request\n");
        char *path = sp1 + 1;
        size_t path_len = strcspn(path, " \r\n");
        path[path_len] = '\0';

        if (strncmp(path, "/env/", 5) == 0) {
                const char *v = getenv(path + 5);
                if (!v)
                        return conn_set_response(c, 404, "Not Found", "not set\n");
                char *body;
                if (asprintf(&body, "%s\n", v) < 0)
                        return -ENOMEM;
                int r = conn_set_response(c, 200, "OK", body);
                free(body);
                return r;
        }
        long ms;
        if (strncmp(path, "/sleep/", 7) == 0 && parse_long(path + 7, 0, SLEEP_MAX_MS, &ms) >= 0) {
                c->state = CONN_SLEEPING;
                c->deadline_ms = now_ms() + ms;
                return 0;
        }
        return conn_respond_default(c);
}

/* Returns false when the connection is done (answered, failed or timed out). */
static bool conn_step(Conn *c, short revents, int64_t now) {
        if (c->state == CONN_READING && (revents & (POLLIN | POLLHUP | POLLERR))) {
                ssize_t n = recv(c->fd, c->in + c->in_len, sizeof(c->in) - 1 - c->in_len, 0);
                if (n < 0 && (errno == EAGAIN || errno == EINTR))
                        return true;
                if (n <= 0)
                        return false;
                c->in_len += (size_t) n;
                c->in[c->in_len] = '\0';
                if (strstr(c->in, "\r\n\r\n") || strstr(c->in, "\n\n")) {
                        if (conn_handle_request(c) < 0)
                                return false;
                } else if (c->in_len == sizeof(c->in) - 1) {
                        if (conn_set_response(c, 431, "Request Header Fields Too Large", "too large\n") < 0)
                                return false;
                }
        } else if (c->state == CONN_SLEEPING && (revents & (POLLHUP | POLLERR))) {
                return false;  /* the client gave up; polling it again would spin */
        } else if (c->state == CONN_SLEEPING && now >= c->deadline_ms) {
                if (conn_respond_default(c) < 0)
                        return false;
        } else if (now >= c->deadline_ms) {
                return false;
        }

        if (c->state == CONN_WRITING) {
                ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off, MSG_NOSIGNAL | MSG_DONTWAIT);
                if (n < 0)
                        return errno == EAGAIN || errno == EINTR;
                c->out_off += (size_t) n;
                if (c->out_off == c->out_len) {
                        /* FIN first so the client reads the whole answer before close(). */
                        shutdown(c->fd, SHUT_WR);
                        return false;
                }
        }
        return true;
}

static void accept_all(int lfd, Conn **conns, size_t *n_conns) {
        while (*n_conns < CONNS_MAX) {
                int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
                if (fd < 0) {
                        if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
                                fprintf(stderr, "testapp: accept: %s\n", strerror(errno));
                        return;
                }
                Conn *c = calloc(1, sizeof(Conn));
                if (!c) {
                        close(fd);
                        return;
                }
                c->fd = fd;
                c->state = CONN_READING;
                c->deadline_ms = now_ms() + READ_TIMEOUT_MS;
                conns[(*n_conns)++] = c;
        }
}

static void crash(void) {
        fprintf(stderr, "testapp: crashing as asked (--crash-after%s)\n", arg_crash_signal ? " --crash-signal" : "");
        fflush(stdout);
        if (arg_crash_signal)
                abort();
        exit(5);
}

static int64_t min_deadline(int64_t a, int64_t b) {
        return b >= 0 && (a < 0 || b < a) ? b : a;
}

/* One poll loop for everything: stop signal, listeners, connections and the timers. After a
 * stop signal the listeners are closed (systemd keeps its copy, other instances keep serving)
 * and the loop runs until the in-flight connections are answered. */
static int serve(int sigfd, int *listeners, int n_listeners) {
        static Conn *conns[CONNS_MAX];
        static struct pollfd pfds[1 + LISTENERS_MAX + CONNS_MAX];
        size_t n_conns = 0;
        bool stopping = false;
        int64_t start = now_ms();
        int64_t crash_at = arg_crash_after >= 0 ? start + (int64_t) (arg_crash_after * 1000) : -1;
        int64_t tick_period = (int64_t) (arg_log_every * 1000);
        int64_t next_tick = tick_period > 0 ? start + tick_period : -1;
        long tick = 0;

        while (!stopping || n_conns > 0) {
                size_t np = 0;
                pfds[np++] = (struct pollfd) { .fd = sigfd, .events = POLLIN };
                bool accepting = !stopping && n_conns < CONNS_MAX;
                for (int i = 0; i < n_listeners; i++)
                        pfds[np++] = (struct pollfd) { .fd = accepting ? listeners[i] : -1, .events = POLLIN };
                int64_t deadline = min_deadline(crash_at, stopping ? -1 : next_tick);
                for (size_t i = 0; i < n_conns; i++) {
                        short ev = conns[i]->state == CONN_READING ? POLLIN :
                                   conns[i]->state == CONN_WRITING ? POLLOUT : 0;
                        pfds[np++] = (struct pollfd) { .fd = conns[i]->fd, .events = ev };
                        deadline = min_deadline(deadline, conns[i]->deadline_ms);
                }

                int64_t now = now_ms();
                int timeout = deadline < 0 ? -1 : deadline <= now ? 0 : (int) (deadline - now);
                if (poll(pfds, np, timeout) < 0 && errno != EINTR) {
                        fprintf(stderr, "testapp: poll: %s\n", strerror(errno));
                        return -errno;
                }
                now = now_ms();

                if (pfds[0].revents & POLLIN) {
                        struct signalfd_siginfo si;
                        if (read(sigfd, &si, sizeof(si)) > 0 && !stopping) {
                                stopping = true;
                                sd_notify(0, "STOPPING=1\nSTATUS=stopping");
                                if (arg_verbose)
                                        fprintf(stderr, "testapp: signal %u, finishing %zu in-flight connection(s)\n",
                                                si.ssi_signo, n_conns);
                                for (int i = 0; i < n_listeners; i++)
                                        close(listeners[i]);
                        }
                }

                /* Connections first, while pfds still lines up with conns[]. */
                size_t kept = 0;
                for (size_t i = 0; i < n_conns; i++) {
                        if (conn_step(conns[i], pfds[1 + n_listeners + i].revents, now))
                                conns[kept++] = conns[i];
                        else
                                conn_free(conns[i]);
                }
                n_conns = kept;

                if (!stopping)
                        for (int i = 0; i < n_listeners; i++)
                                if (pfds[1 + i].revents & POLLIN)
                                        accept_all(listeners[i], conns, &n_conns);

                if (crash_at >= 0 && now >= crash_at)
                        crash();
                if (next_tick >= 0 && now >= next_tick) {
                        printf("tick %ld instance %s\n", ++tick, instance_name());
                        next_tick += tick_period;
                        if (next_tick <= now)
                                next_tick = now + tick_period;
                }
        }
        return 0;
}

int main(int argc, char **argv) {
        /* The journal gets our lines as they are written, not when a 4 KiB buffer fills. */
        setvbuf(stdout, NULL, _IOLBF, 0);
        signal(SIGPIPE, SIG_IGN);

        int r = parse_argv(argc, argv);
        if (r < 0)
                return 2;

        int sigfd = make_signalfd();
        if (sigfd < 0) {
                fprintf(stderr, "testapp: signalfd: %s\n", strerror(-sigfd));
                return 1;
        }

        int listeners[LISTENERS_MAX], n_listeners = 0;
        if (take_listeners(listeners, &n_listeners) < 0)
                return 1;

        print_log_lines();
        print_hostile_output();

        /* A stop request during a slow start is honoured at once, as a real app would. */
        if (arg_ready_delay > 0 && wait_for_signal(sigfd, now_ms() + (int64_t) (arg_ready_delay * 1000)))
                return 0;

        if (arg_fail_before_ready) {
                fprintf(stderr, "fatal: refusing to start (--fail-before-ready)\n");
                return 3;
        }

        sd_notify(0, arg_hostile_output ? "READY=1\n" HOSTILE_STATUS : "READY=1\nSTATUS=serving");
        if (arg_verbose)
                fprintf(stderr, "testapp: instance %s pid %d serving on %d socket(s)\n",
                        instance_name(), (int) getpid(), n_listeners);

        r = serve(sigfd, listeners, n_listeners);
        if (arg_verbose)
                fprintf(stderr, "testapp: stopped\n");
        return r < 0 ? 1 : 0;
}
