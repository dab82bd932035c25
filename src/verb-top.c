/* clusterctl top APP (status APP --watch): a live table of the instances with the newest log
 * lines under it, redrawn every second and on resize, sized to the terminal. Plain ANSI
 * sequences only, so it works over ssh. q or Ctrl-C quits and restores the terminal. */
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <termios.h>

#include "app-status.h"
#include "journal.h"
#include "output.h"
#include "printable.h"
#include "util.h"
#include "verb-common.h"

#define REFRESH_USEC 1000000ULL
#define LOG_KEEP 200

static volatile sig_atomic_t quit, resized;

static void on_quit(int sig) {
        (void) sig;
        quit = 1;
}

static void on_winch(int sig) {
        (void) sig;
        resized = 1;
}

typedef struct Screen {
        struct termios saved;
        bool raw;
        unsigned rows, cols;
} Screen;

static void screen_size(Screen *s) {
        struct winsize ws;
        if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0) {
                s->rows = ws.ws_row;
                s->cols = ws.ws_col;
        } else {
                s->rows = 24;
                s->cols = 80;
        }
}

static int screen_enter(Screen *s) {
        struct termios t;

        if (tcgetattr(STDIN_FILENO, &s->saved) < 0)
                return -errno;
        t = s->saved;
        t.c_lflag &= ~(tcflag_t) (ICANON | ECHO); /* keys one by one, unechoed; Ctrl-C still signals */
        t.c_cc[VMIN] = 0;
        t.c_cc[VTIME] = 0;
        if (tcsetattr(STDIN_FILENO, TCSANOW, &t) < 0)
                return -errno;
        s->raw = true;
        fputs("\033[?1049h\033[?25l", stdout); /* alternate screen, hidden cursor */
        screen_size(s);
        return 0;
}

static void screen_leave(Screen *s) {
        fputs("\033[?25h\033[?1049l", stdout);
        fflush(stdout);
        if (s->raw)
                (void) tcsetattr(STDIN_FILENO, TCSANOW, &s->saved);
        s->raw = false;
}

/* One line, cut to the width, cleared to its end. */
static void put_line(const Screen *s, const char *text, const char *style) {
        printf("%s%.*s\033[0m\033[K\n", style ? style : "", (int) s->cols, text);
}

/* The newest log lines, kept as "web@2 | message". */
typedef struct LogRing {
        char *lines[LOG_KEEP];
        size_t start, n;
} LogRing;

static void ring_push(LogRing *r, char *line) {
        if (r->n == LOG_KEEP) {
                free(r->lines[r->start]);
                r->lines[r->start] = line;
                r->start = (r->start + 1) % LOG_KEEP;
        } else
                r->lines[(r->start + r->n++) % LOG_KEEP] = line;
}

static void ring_done(LogRing *r) {
        for (size_t i = 0; i < r->n; i++)
                free(r->lines[(r->start + i) % LOG_KEEP]);
}

static void read_new_logs(LogReader *reader, const char *app, LogRing *ring) {
        LogEntry e;
        while (log_reader_next(reader, &e) > 0) {
                _cleanup_free_ char *text = printable_text(e.message);
                char *line = NULL;
                /* A tab would take more columns than the line is cut to. */
                for (char *p = text; p && *p; p++)
                        if (*p == '\t')
                                *p = ' ';
                if (e.instance >= 0)
                        asprintf_safe(&line, "%s@%d | %s", app, e.instance, strempty(text));
                else
                        asprintf_safe(&line, "%s | %s", app, strempty(text));
                if (line)
                        ring_push(ring, line);
                log_entry_done(&e);
        }
}

static void draw(const Screen *s, const AppStatus *st, const LogRing *ring, const char *error) {
        char line[1024];
        unsigned used = 0;

        fputs("\033[H", stdout);
        format_status_summary(st, line, sizeof(line));
        char title[1100];
        snprintf(title, sizeof(title), "clusterctl top — %s   (q: quit)", line);
        put_line(s, title, "\033[1m");
        put_line(s, error ? error : "", error ? "\033[31m" : NULL);
        /* The table fitted to the terminal: the columns that matter least give way first. */
        _cleanup_(table_done) Table t = {};
        _cleanup_free_ size_t *widths = NULL;
        _cleanup_free_ char *header = NULL;
        if (status_instance_table(st, true, &t) < 0 || !(widths = calloc(t.n_columns, sizeof(size_t))) ||
            table_layout(&t, s->cols, widths) < 0 || table_format_header(&t, widths, &header) < 0)
                return;
        put_line(s, header, "\033[7m");
        used = 3;
        /* Instances first; keep at least a few rows for the logs. */
        unsigned table_max = s->rows > used + 5 ? s->rows - used - 5 : 1;
        for (size_t i = 0; i < st->n && i < table_max; i++, used++) {
                _cleanup_free_ char *row = NULL;
                if (table_format_row(&t, i, widths, &row) < 0)
                        return;
                put_line(s, row, unit_is_active(&st->instances[i].info) ? NULL : "\033[33m");
        }
        if (st->n > table_max) {
                snprintf(line, sizeof(line), "… %zu more instances (enlarge the terminal)", st->n - table_max);
                put_line(s, line, NULL);
                used++;
        }
        put_line(s, "── newest log lines ──", "\033[2m");
        used++;
        unsigned room = s->rows > used ? s->rows - used : 0;
        size_t from = ring->n > room ? ring->n - room : 0;
        for (size_t i = from; i < ring->n; i++) {
                bool last = used + 1 >= s->rows;
                const char *l = ring->lines[(ring->start + i) % LOG_KEEP];
                /* The last row gets no newline, or the screen would scroll. */
                if (last) {
                        printf("%.*s\033[K", (int) s->cols, l);
                        used++;
                        break;
                }
                put_line(s, l, NULL);
                used++;
        }
        fputs("\033[J", stdout);
        fflush(stdout);
}

int verb_top(int argc, char **argv, Cluster *c) {
        _cleanup_(log_reader_freep) LogReader *reader = NULL;
        _cleanup_free_ unsigned *known = NULL;
        AppStatus prev = {}, cur = {};
        LogRing ring = {};
        Screen screen = {};
        const char *app = argv[1];
        size_t n_known = 0;
        uint64_t prev_t = 0;
        int r;
        (void) argc;

        if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
                log_error("top needs a terminal; for scripts use 'clusterctl status %s --json'", app);
                return EXIT_USAGE;
        }
        (void) cluster_enabled(c, app, &known, &n_known);
        LogQuery q = { .scope = arg_scope, .app = app, .known = known, .n_known = n_known, .max_priority = -1 };
        if (log_reader_open(&q, &reader) >= 0)
                (void) log_reader_seek_tail(reader, 50);

        signal(SIGINT, on_quit);
        signal(SIGTERM, on_quit);
        signal(SIGHUP, on_quit);
        signal(SIGWINCH, on_winch);
        if ((r = screen_enter(&screen)) < 0)
                return log_error_errno(r, "cannot set up the terminal: %m");
        fputs("\033[2J", stdout);

        int result = EXIT_OK;
        uint64_t next_refresh = 0;
        char error[256] = "";
        while (!quit) {
                uint64_t now = now_usec();
                if (now >= next_refresh || resized) {
                        if (resized) {
                                resized = 0;
                                screen_size(&screen);
                                fputs("\033[2J", stdout);
                        }
                        if (now >= next_refresh) {
                                app_status_done(&prev);
                                prev = cur;
                                cur = (AppStatus) {};
                                r = collect_status(c, app, &cur);
                                if (r < 0) {
                                        snprintf(error, sizeof(error), "cannot read the status: %s", strerror(-r));
                                        cur = (AppStatus) { .app = strdup(app) };
                                } else
                                        error[0] = 0;
                                if (prev.n > 0)
                                        status_cpu_between(&cur, &prev, now - prev_t);
                                prev_t = now;
                                next_refresh = now + REFRESH_USEC;
                        }
                        if (reader)
                                read_new_logs(reader, app, &ring);
                        draw(&screen, &cur, &ring, error[0] ? error : NULL);
                }

                struct pollfd fds[2] = { { .fd = STDIN_FILENO, .events = POLLIN }, { .fd = -1 } };
                short events = 0;
                if (reader && (fds[1].fd = log_reader_fd(reader, &events)) >= 0)
                        fds[1].events = events;
                now = now_usec();
                int timeout = next_refresh > now ? (int) ((next_refresh - now) / 1000) + 1 : 0;
                if (poll(fds, 2, timeout) < 0) {
                        if (errno == EINTR)
                                continue;
                        result = EXIT_FAILURE_;
                        break;
                }
                if (fds[0].revents & POLLIN) {
                        char key;
                        if (read(STDIN_FILENO, &key, 1) == 1 && (key == 'q' || key == 'Q' || key == 3))
                                break;
                }
                if (fds[0].revents & (POLLHUP | POLLERR))
                        break; /* the terminal went away (ssh dropped) */
                if (reader && fds[1].fd >= 0 && fds[1].revents) {
                        (void) log_reader_process(reader);
                        read_new_logs(reader, app, &ring);
                        draw(&screen, &cur, &ring, error[0] ? error : NULL);
                }
        }
        screen_leave(&screen);
        app_status_done(&prev);
        app_status_done(&cur);
        ring_done(&ring);
        return result;
}
