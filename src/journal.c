/* Reading an instance's last lines from the journal. */
#include "journal.h"

#include <systemd/sd-journal.h>

#include <stdbool.h>

#include "util.h"

void journal_lines_free(JournalLine *lines, size_t n) {
        for (size_t i = 0; i < n; i++)
                free(lines[i].message);
        free(lines);
}

static int add_unit_matches(sd_journal *j, Scope scope, const char *unit) {
        _cleanup_free_ char *own = NULL, *about = NULL, *ident = NULL;
        int r;

        /* The unit's own output, or the manager's messages about it ("Failed with result …"). */
        if (asprintf_safe(&own, "%s=%s", scope == SCOPE_SYSTEM ? "_SYSTEMD_UNIT" : "_SYSTEMD_USER_UNIT", unit) < 0 ||
            asprintf_safe(&about, "%s=%s", scope == SCOPE_SYSTEM ? "UNIT" : "USER_UNIT", unit) < 0)
                return -ENOMEM;
        /* A process that printed and exited at once can be gone before journald looks up its
         * unit: its lines then carry only the SyslogIdentifier= the unit sets (APP@N). */
        if (endswith(unit, ".service") &&
            asprintf_safe(&ident, "SYSLOG_IDENTIFIER=%.*s", (int) (strlen(unit) - strlen(".service")), unit) < 0)
                return -ENOMEM;
        r = sd_journal_add_match(j, own, 0);
        if (r < 0)
                return r;
        r = sd_journal_add_disjunction(j);
        if (r < 0)
                return r;
        r = sd_journal_add_match(j, about, 0);
        if (r < 0 || !ident)
                return r;
        r = sd_journal_add_disjunction(j);
        if (r < 0)
                return r;
        return sd_journal_add_match(j, ident, 0);
}

static char *entry_field(sd_journal *j, const char *field) {
        const void *data;
        size_t len, fl = strlen(field);

        if (sd_journal_get_data(j, field, &data, &len) < 0 || len <= fl)
                return NULL;
        return strndup((const char *) data + fl + 1, len - fl - 1);
}

/* Reads the tail; *ret_own says whether a line came from the unit's own processes. */
static int read_tail(sd_journal *j, const char *own_field, uint64_t since_usec, unsigned max, JournalLine **ret,
                     size_t *ret_n, bool *ret_own) {
        bool own = false;
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
                _cleanup_free_ char *prio = NULL;
                if (sd_journal_get_realtime_usec(j, &t) < 0)
                        continue;
                if (since_usec && t < since_usec)
                        break;
                char *msg = entry_field(j, "MESSAGE");
                if (!msg)
                        continue;
                prio = entry_field(j, "PRIORITY");
                const void *d;
                size_t l;
                if (sd_journal_get_data(j, own_field, &d, &l) >= 0 || sd_journal_get_data(j, "_TRANSPORT", &d, &l) >= 0)
                        own = own || (l == strlen("_TRANSPORT=stdout") && memcmp(d, "_TRANSPORT=stdout", l) == 0) ||
                              sd_journal_get_data(j, own_field, &d, &l) >= 0;
                lines[n++] = (JournalLine) { .realtime_usec = t, .priority = prio ? atoi(prio) : 6, .message = msg };
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
        *ret_own = own;
        return 0;
fail:
        journal_lines_free(lines, n);
        return r;
}

int journal_last_lines(Scope scope, const char *unit, uint64_t since_usec, unsigned max, uint64_t wait_usec,
                       JournalLine **ret, size_t *ret_n) {
        sd_journal *j = NULL;
        uint64_t deadline = now_usec() + wait_usec;
        int r;

        r = sd_journal_open(&j, SD_JOURNAL_LOCAL_ONLY);
        if (r < 0)
                return r;
        r = add_unit_matches(j, scope, unit);
        if (r < 0)
                goto out;
        const char *own_field = scope == SCOPE_SYSTEM ? "_SYSTEMD_UNIT" : "_SYSTEMD_USER_UNIT";
        for (;;) {
                JournalLine *lines = NULL;
                size_t n = 0;
                bool own = false;
                r = read_tail(j, own_field, since_usec, max, &lines, &n, &own);
                if (r < 0)
                        break;
                /* The app's own last words travel through a stream to journald and may arrive after
                 * the manager reported the failure: give them a moment. */
                if (own || now_usec() >= deadline || sd_journal_wait(j, deadline - now_usec()) < 0) {
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
