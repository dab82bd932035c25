/* Reading an app's lines from the journal: logs, top and the failure reports. */
#include "journal.h"

#include <systemd/sd-journal.h>
#include <systemd/sd-messages.h>

#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>

#include "unit-name.h"
#include "util.h"

void journal_lines_free(JournalLine *lines, size_t n) {
        for (size_t i = 0; i < n; i++)
                free(lines[i].message);
        free(lines);
}

/* The field journald fills in from the cgroup of the process that logged: a process cannot
 * choose it, and only root can put a process in a unit's cgroup. */
static const char *unit_field(Scope scope) {
        return scope == SCOPE_SYSTEM ? "_SYSTEMD_UNIT" : "_SYSTEMD_USER_UNIT";
}

static int add_match_printf(sd_journal *j, const char *fmt, ...) _printf_(2, 3);
static int add_match_printf(sd_journal *j, const char *fmt, ...) {
        char buf[256];
        va_list ap;
        int n;

        va_start(ap, fmt);
        n = vsnprintf(buf, sizeof(buf), fmt, ap);
        va_end(ap);
        if (n < 0 || (size_t) n >= sizeof(buf))
                return -ENAMETOOLONG;
        return sd_journal_add_match(j, buf, 0);
}

/* A user manager's unit names are its user's alone: another user's manager can have a unit of
 * the same name, so its lines must also carry our _UID. */
static int add_user_match(sd_journal *j, Scope scope, uid_t uid) {
        return scope == SCOPE_USER ? add_match_printf(j, "_UID=%u", (unsigned) uid) : 0;
}

/* (the unit's own processes [and its user]) OR (its last main process AND its user). */
static int add_source_matches(sd_journal *j, const UnitLogSource *s) {
        int r;

        if ((r = add_match_printf(j, "%s=%s", unit_field(s->scope), s->unit)) < 0 ||
            (r = add_user_match(j, s->scope, s->uid)) < 0)
                return r;
        if (s->main_pid == 0)
                return 0;
        if ((r = sd_journal_add_disjunction(j)) < 0 || (r = add_match_printf(j, "_PID=%u", s->main_pid)) < 0)
                return r;
        return add_match_printf(j, "_UID=%u", (unsigned) s->uid);
}

static char *entry_field(sd_journal *j, const char *field) {
        const void *data;
        size_t len, fl = strlen(field);

        if (sd_journal_get_data(j, field, &data, &len) < 0 || len <= fl)
                return NULL;
        return strndup((const char *) data + fl + 1, len - fl - 1);
}

/* PRIORITY= is the sender's: a syslog level 0-7, or info (6) when it is anything else. */
static int entry_priority(sd_journal *j) {
        _cleanup_free_ char *s = entry_field(j, "PRIORITY");
        int p;

        if (!s || safe_atoi(s, &p) < 0 || p < 0 || p > 7)
                return 6;
        return p;
}

static int read_tail(sd_journal *j, uint64_t since_usec, unsigned max, JournalLine **ret, size_t *ret_n) {
        JournalLine *lines = calloc(max ? max : 1, sizeof(JournalLine));
        size_t n = 0;
        int r;

        if (!lines)
                return -ENOMEM;
        r = sd_journal_seek_tail(j);
        if (r < 0)
                goto fail;
        /* Walk backwards from the end, then reverse into time order. */
        while (n < max && (r = sd_journal_previous(j)) > 0) {
                uint64_t t;
                if (sd_journal_get_realtime_usec(j, &t) < 0)
                        continue;
                if (since_usec && t < since_usec)
                        break;
                char *msg = entry_field(j, "MESSAGE");
                if (!msg)
                        continue;
                lines[n++] = (JournalLine) { .realtime_usec = t, .priority = entry_priority(j), .message = msg };
        }
        if (r < 0)
                goto fail;
        for (size_t i = 0; i < n / 2; i++) {
                JournalLine tmp = lines[i];
                lines[i] = lines[n - 1 - i];
                lines[n - 1 - i] = tmp;
        }
        *ret = lines;
        *ret_n = n;
        return 0;
fail:
        journal_lines_free(lines, n);
        return r;
}

int journal_last_lines(const UnitLogSource *source, uint64_t since_usec, unsigned max, uint64_t wait_usec,
                       JournalLine **ret, size_t *ret_n) {
        sd_journal *j = NULL;
        uint64_t deadline = now_usec() + wait_usec;
        int r;

        r = sd_journal_open(&j, SD_JOURNAL_LOCAL_ONLY);
        if (r < 0)
                return r;
        r = add_source_matches(j, source);
        if (r < 0)
                goto out;
        for (;;) {
                JournalLine *lines = NULL;
                size_t n = 0;
                r = read_tail(j, since_usec, max, &lines, &n);
                if (r < 0)
                        break;
                /* The app's last words travel through a stream to journald and may arrive after
                 * the manager reported the failure: give them a moment. One reading of the
                 * clock, so the time left cannot wrap around below zero. */
                uint64_t now = now_usec();
                if (n > 0 || now >= deadline || sd_journal_wait(j, deadline - now) < 0) {
                        *ret = lines;
                        *ret_n = n;
                        break;
                }
                journal_lines_free(lines, n);
        }
out:
        sd_journal_close(j);
        return r < 0 ? r : 0;
}

struct LogReader {
        sd_journal *j;
        LogQuery q;
        size_t app_len;
        bool has_matches;
        bool on_entry; /* the read pointer stands on an entry next() has not returned yet */
};

/* "web@3.service" → 3 for app "web"; -1 otherwise. */
static int instance_of(const char *app, size_t app_len, const char *value, size_t len) {
        unsigned k;
        (void) app_len;

        if (unit_name_parse_instance(value, len, app, ".service", &k) < 0)
                return -1;
        return (int) k;
}

static bool wanted(const LogReader *r, int k) {
        if (k < 0)
                return false;
        if (!r->q.instances)
                return true;
        for (size_t i = 0; i < r->q.n_instances; i++)
                if (r->q.instances[i] == (unsigned) k)
                        return true;
        return false;
}

/* Instance indices that logged under this app, read from the journal's own index of values. */
static int journal_instances(LogReader *r, const char *field, unsigned **list, size_t *n) {
        const void *data;
        size_t len, fl = strlen(field) + 1;
        int e;

        e = sd_journal_query_unique(r->j, field);
        if (e < 0)
                return e;
        SD_JOURNAL_FOREACH_UNIQUE(r->j, data, len) {
                int k = instance_of(r->q.app, r->app_len, (const char *) data + fl, len - fl);
                if (!wanted(r, k))
                        continue;
                e = index_list_add(list, n, (unsigned) k);
                if (e < 0)
                        return e;
        }
        sd_journal_restart_unique(r->j);
        return 0;
}

/* The app's own output: any of its instances' units (and our _UID in a user manager), at the
 * priorities asked for. */
static int add_query_matches(LogReader *r) {
        const char *field = unit_field(r->q.scope);
        _cleanup_free_ unsigned *list = NULL;
        size_t n = 0;
        int e;

        if (r->q.instances)
                for (size_t i = 0; i < r->q.n_instances; i++) {
                        if ((e = index_list_add(&list, &n, r->q.instances[i])) < 0)
                                return e;
                }
        else {
                if ((e = journal_instances(r, field, &list, &n)) < 0)
                        return e;
                for (size_t i = 0; i < r->q.n_known; i++)
                        if ((e = index_list_add(&list, &n, r->q.known[i])) < 0)
                                return e;
        }
        if (n == 0)
                return 0; /* no matches at all would mean the whole journal */

        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *unit = NULL;
                if ((e = unit_name_instance(r->q.app, list[i], ".service", &unit)) < 0 ||
                    (e = add_match_printf(r->j, "%s=%s", field, unit)) < 0)
                        return e;
        }
        if ((e = add_user_match(r->j, r->q.scope, getuid())) < 0)
                return e;
        if (r->q.max_priority >= 0)
                for (int p = 0; p <= r->q.max_priority; p++)
                        if ((e = add_match_printf(r->j, "PRIORITY=%d", p)) < 0)
                                return e;
        r->has_matches = true;
        return 0;
}

int log_reader_open(const LogQuery *q, LogReader **ret) {
        LogReader *r = calloc(1, sizeof(*r));
        int e;

        if (!r)
                return -ENOMEM;
        r->q = *q;
        r->app_len = strlen(q->app);
        e = sd_journal_open(&r->j, SD_JOURNAL_LOCAL_ONLY);
        if (e < 0)
                goto fail;
        e = add_query_matches(r);
        if (e < 0)
                goto fail;
        *ret = r;
        return 0;
fail:
        log_reader_free(r);
        return e;
}

LogReader *log_reader_free(LogReader *r) {
        if (!r)
                return NULL;
        sd_journal_close(r->j);
        free(r);
        return NULL;
}

int log_reader_seek_tail(LogReader *r, unsigned n) {
        int e;

        if (!r->has_matches)
                return 0;
        if (n == 0 && r->q.since_usec)
                return sd_journal_seek_realtime_usec(r->j, r->q.since_usec);
        e = sd_journal_seek_tail(r->j);
        if (e < 0)
                return e;
        if (n == 0) {
                /* Stand on the last entry itself: from the bare tail position sd-journal does not
                 * move on to entries that arrive later. next() then steps past it. */
                e = sd_journal_previous(r->j);
                return e < 0 ? e : 0;
        }
        /* Stand on the n-th last entry; next() returns it first (entries before since are skipped
         * there, so fewer may show). */
        e = sd_journal_previous_skip(r->j, n);
        if (e < 0)
                return e;
        r->on_entry = e > 0;
        return 0;
}

void log_entry_done(LogEntry *e) {
        free(e->message);
        *e = (LogEntry) {};
}

int log_reader_next(LogReader *r, LogEntry *ret) {
        int e;

        if (!r->has_matches)
                return 0;
        for (;;) {
                uint64_t t;
                const void *data;
                size_t len;

                if (r->on_entry)
                        r->on_entry = false;
                else {
                        e = sd_journal_next(r->j);
                        if (e <= 0)
                                return e;
                }
                if (sd_journal_get_realtime_usec(r->j, &t) < 0)
                        continue;
                if (r->q.since_usec && t < r->q.since_usec)
                        continue;
                if (r->q.until_usec && t > r->q.until_usec)
                        return 0;
                char *msg = entry_field(r->j, "MESSAGE");
                if (!msg)
                        continue;
                _cleanup_free_ char *pid = entry_field(r->j, "_PID");
                const char *field = unit_field(r->q.scope);
                unsigned pid_value = 0;
                int k = -1;
                if (sd_journal_get_data(r->j, field, &data, &len) >= 0)
                        k = instance_of(r->q.app, r->app_len, (const char *) data + strlen(field) + 1,
                                        len - strlen(field) - 1);
                if (!pid || safe_atou(pid, &pid_value) < 0)
                        pid_value = 0;
                *ret = (LogEntry) {
                        .instance = k,
                        .realtime_usec = t,
                        .pid = pid_value,
                        .priority = entry_priority(r->j),
                        .message = msg,
                };
                return 1;
        }
}

int log_reader_wait(LogReader *r, uint64_t timeout_usec) {
        int e = sd_journal_wait(r->j, timeout_usec);
        return e < 0 ? e : 0;
}

int log_reader_fd(LogReader *r, short *ret_events) {
        int fd = sd_journal_get_fd(r->j);
        if (fd < 0)
                return fd;
        int ev = sd_journal_get_events(r->j);
        *ret_events = (short) (ev > 0 ? ev : POLLIN);
        return fd;
}

int log_reader_process(LogReader *r) {
        int e = sd_journal_process(r->j);
        return e < 0 ? e : 0;
}

int journal_watchdog_kills(Scope scope, const char *app, uint32_t manager_pid, unsigned *counts, size_t n_counts) {
        _cleanup_free_ char *pid_match = NULL, *boot_match = NULL;
        const char *unit_field = scope == SCOPE_SYSTEM ? "UNIT" : "USER_UNIT";
        size_t app_len = strlen(app);
        sd_id128_t boot;
        sd_journal *j = NULL;
        int r;

        if ((r = sd_id128_get_boot(&boot)) < 0)
                return r;
        if (asprintf_safe(&pid_match, "_PID=%u", manager_pid) < 0 ||
            asprintf_safe(&boot_match, "_BOOT_ID=" SD_ID128_FORMAT_STR, SD_ID128_FORMAT_VAL(boot)) < 0)
                return -ENOMEM;
        if ((r = sd_journal_open(&j, SD_JOURNAL_LOCAL_ONLY)) < 0)
                return r;
        /* The manager's own record of a unit that failed, by its pid: no other process can log as
         * it, whatever fields it writes. */
        if ((r = sd_journal_add_match(j, "MESSAGE_ID=" SD_MESSAGE_UNIT_FAILURE_RESULT_STR, 0)) < 0 ||
            (r = sd_journal_add_match(j, "UNIT_RESULT=watchdog", 0)) < 0 ||
            (r = sd_journal_add_match(j, pid_match, 0)) < 0 || (r = sd_journal_add_match(j, boot_match, 0)) < 0)
                goto out;
        SD_JOURNAL_FOREACH(j) {
                _cleanup_free_ char *unit = entry_field(j, unit_field);
                int k = unit ? instance_of(app, app_len, unit, strlen(unit)) : -1;
                if (k >= 0 && (size_t) k < n_counts)
                        counts[k]++;
        }
        r = 0;
out:
        sd_journal_close(j);
        return r;
}
