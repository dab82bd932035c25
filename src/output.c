/* Printing helpers and the failed-instance report. */
#include "output.h"

#include <inttypes.h>
#include <pwd.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <stdarg.h>
#include <sys/wait.h>

#include "bus.h"
#include "journal.h"
#include "printable.h"

#define REPORT_LOG_LINES 10

static bool as_events;

void log_set_events(bool on) {
        as_events = on;
}

static void vlog(const char *prefix, const char *fmt, va_list ap) {
        if (as_events) {
                _cleanup_free_ char *text = NULL;
                const char *level = *prefix == 0 ? "info" : strstr(prefix, "warning") ? "warning" : "error";
                if (vasprintf(&text, fmt, ap) < 0)
                        return;
                printf("{\"event\":\"message\",\"level\":\"%s\",\"text\":", level);
                json_print_string(stdout, text);
                printf("}\n");
                fflush(stdout);
                return;
        }
        fputs(prefix, stderr);
        vfprintf(stderr, fmt, ap);
        fputc('\n', stderr);
}

void log_error(const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        vlog("clusterctl: ", fmt, ap);
        va_end(ap);
}

int log_error_errno(int r, const char *fmt, ...) {
        va_list ap;

        if (r >= 0)
                r = -EIO; /* a caller's bug, but it must still fail */
        fputs("clusterctl: ", stderr);
        errno = -r; /* what %m prints */
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputc('\n', stderr);
        return r;
}

int log_oom(void) {
        return log_error_errno(-ENOMEM, "out of memory");
}

void log_warning(const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        vlog("clusterctl: warning: ", fmt, ap);
        va_end(ap);
}

void log_info(const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        vlog("", fmt, ap);
        va_end(ap);
}

size_t output_width(void) {
        struct winsize ws;
        const char *env = getenv("COLUMNS");
        unsigned n;

        if (!isatty(STDOUT_FILENO))
                return 0;
        if (env && safe_atou(env, &n) >= 0 && n > 0)
                return n;
        if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
                return ws.ws_col;
        return 80;
}

void json_print_string(FILE *f, const char *s) {
        _cleanup_free_ char *quoted = json_string(s);
        fputs(quoted ? quoted : "null", f);
}

void json_event(const char *event, const char *unit, const char *fmt, ...) {
        /* When it happened, on CLOCK_MONOTONIC (the manager's clock too): what a reader needs to
         * line events up with the manager's timestamps, or with each other. */
        printf("{\"event\":\"%s\",\"monotonic_usec\":%" PRIu64, event, now_usec());
        if (unit) {
                printf(",\"unit\":");
                json_print_string(stdout, unit);
        }
        if (fmt) {
                va_list ap;
                va_start(ap, fmt);
                putchar(',');
                vprintf(fmt, ap);
                va_end(ap);
        }
        printf("}\n");
        fflush(stdout);
}

void format_duration(uint64_t usec, char *buf, size_t size) {
        uint64_t s = usec / 1000000ULL;

        if (s < 60)
                snprintf(buf, size, "%.2fs", (double) usec / 1e6);
        else if (s < 3600)
                snprintf(buf, size, "%lum%02lus", (unsigned long) (s / 60), (unsigned long) (s % 60));
        else if (s < 86400)
                snprintf(buf, size, "%luh%02lum", (unsigned long) (s / 3600), (unsigned long) (s % 3600 / 60));
        else
                snprintf(buf, size, "%lud%02luh", (unsigned long) (s / 86400), (unsigned long) (s % 86400 / 3600));
}

void format_bytes(uint64_t bytes, char *buf, size_t size) {
        const char *units = "BKMGT";
        double v = (double) bytes;
        size_t i = 0;

        while (v >= 1024 && i < 4) {
                v /= 1024;
                i++;
        }
        if (i == 0)
                snprintf(buf, size, "%luB", (unsigned long) bytes);
        else
                snprintf(buf, size, "%.1f%c", v, units[i]);
}

static const struct {
        const char *result;
        const char *text;
} result_texts[] = {
        { "exit-code", "the main process exited with a non-zero status" },
        { "signal", "the main process was killed by a signal" },
        { "core-dump", "the main process dumped core" },
        { "timeout", "it did not become ready (READY=1) within its timeout" },
        { "watchdog", "the watchdog timed out" },
        { "start-limit-hit", "it was restarted too often and hit the start limit" },
        { "resources", "the manager could not set it up (missing user, directory or socket?)" },
        { "protocol", "it broke the readiness protocol (exited or closed before READY=1)" },
        { "exec-condition", "its ExecCondition failed" },
        { "oom-kill", "it was killed for using too much memory" },
        { "success", "it exited cleanly" },
};

const char *service_result_text(const char *result) {
        for (size_t i = 0; i < ELEMENTSOF(result_texts); i++)
                if (streq_ptr(result, result_texts[i].result))
                        return result_texts[i].text;
        return NULL;
}

/* What tells the unit's own lines in the journal: its unit, its user, its last main process. */
static UnitLogSource unit_log_source(Scope scope, const char *unit, const UnitInfo *u) {
        UnitLogSource s = { .scope = scope, .unit = unit, .uid = scope == SCOPE_SYSTEM ? 0 : getuid() };

        if (!u)
                return s;
        if (scope == SCOPE_SYSTEM && u->user && *u->user) {
                struct passwd *pw = getpwnam(u->user);
                unsigned uid;
                if (pw)
                        s.uid = pw->pw_uid;
                else if (safe_atou(u->user, &uid) >= 0)
                        s.uid = uid; /* User= takes a numeric ID too */
                else
                        return s; /* without its uid, the lines its unit field names only */
        }
        s.main_pid = u->exec_main_pid;
        return s;
}

/* The unit's last lines, as inert text (printable_text). */
static void report_last_lines(Scope scope, const char *unit, const UnitInfo *u, uint64_t since_realtime_usec) {
        UnitLogSource source = unit_log_source(scope, unit, u);
        JournalLine *lines = NULL;
        size_t n = 0;

        if (journal_last_lines(&source, since_realtime_usec, REPORT_LOG_LINES, 500000, &lines, &n) < 0)
                return;
        if (n > 0)
                log_info("    last log lines:");
        for (size_t l = 0; l < n; l++) {
                _cleanup_free_ char *text = printable_text(lines[l].message);
                log_info("    %s | %s", unit, strna(text));
        }
        journal_lines_free(lines, n);
}

static void describe_exit(const UnitInfo *u, char *buf, size_t size) {
        buf[0] = 0;
        if (u->exec_main_code == CLD_EXITED && u->exec_main_status != 0)
                snprintf(buf, size, " (exit status %d)", u->exec_main_status);
        else if (u->exec_main_code == CLD_KILLED || u->exec_main_code == CLD_DUMPED)
                snprintf(buf, size, " (signal %s)", strsignal(u->exec_main_status));
}

size_t report_job_failures(Cluster *c, const JobWaiter *w, uint64_t since_realtime_usec, bool timed_out) {
        _cleanup_strv_free_ char **failed = NULL;
        UnitInfo *infos = NULL;
        size_t n_failed = 0;

        for (size_t i = 0; i < job_waiter_count(w); i++) {
                const Job *j = job_waiter_get(w, i);
                if (j->state == JOB_FINISHED && streq_ptr(j->result, "done"))
                        continue;
                if (strv_extend(&failed, j->unit) < 0)
                        return n_failed + 1;
        }
        n_failed = strv_length(failed);
        if (n_failed == 0)
                return 0;
        /* What the report says: state, result and exit, and who its last lines may come from. */
        if (bus_get_unit_infos(c->bus, failed,
                               UNIT_PROPERTIES_STATE | UNIT_PROPERTY_BIT(SERVICE_RESULT) |
                                       UNIT_PROPERTY_BIT(SERVICE_EXEC_MAIN_CODE) |
                                       UNIT_PROPERTY_BIT(SERVICE_EXEC_MAIN_STATUS) |
                                       UNIT_PROPERTY_BIT(SERVICE_EXEC_MAIN_PID) | UNIT_PROPERTY_BIT(SERVICE_USER),
                               &infos, now_usec() + 10 * 1000000ULL) < 0)
                infos = NULL;

        for (size_t i = 0, k = 0; i < job_waiter_count(w); i++) {
                const Job *j = job_waiter_get(w, i);
                char status[64] = "";
                if (j->state == JOB_FINISHED && streq_ptr(j->result, "done"))
                        continue;
                const UnitInfo *u = infos ? &infos[k] : NULL;
                k++;

                if (j->state == JOB_CALL_FAILED) {
                        _cleanup_free_ char *error = printable_text(j->error);
                        log_error("%s: the manager refused %s: %s", j->unit, j->method, strna(error));
                } else if (j->state != JOB_FINISHED)
                        log_error("%s: still not finished when clusterctl stopped waiting%s", j->unit,
                                  timed_out ? " (deadline passed)" : "");
                else {
                        const char *why = u ? service_result_text(u->result) : NULL;
                        if (u)
                                describe_exit(u, status, sizeof(status));
                        log_error("%s: %s job %s: %s%s%s%s", j->unit, j->method, strna(j->result),
                                  u && u->result ? u->result : "?", status, why ? " — " : "", why ? why : "");
                }
                if (u && u->active_state)
                        log_info("    now: %s (%s)%s", u->active_state, strna(u->sub_state),
                                 streq_ptr(u->sub_state, "auto-restart") ? ", the manager will try again" : "");

                report_last_lines(c->scope, j->unit, u, since_realtime_usec);
        }
        unit_infos_free(infos, n_failed);
        return n_failed;
}
