/* Parsing --since/--until values. */
#include "timeparse.h"

#include <ctype.h>
#include <stdbool.h>
#include <time.h>

#include "util.h"

#define USEC_PER_SEC 1000000ULL
#define SPAN_MAX_SEC (100ULL * 366 * 86400) /* a century: anything longer is a typo */
#define EPOCH_MAX_SEC 253402300799ULL        /* 9999-12-31 23:59:59 */

static const struct {
        const char *name;
        uint64_t seconds;
} units[] = {
        { "s", 1 },        { "sec", 1 },       { "secs", 1 },     { "second", 1 },  { "seconds", 1 },
        { "m", 60 },       { "min", 60 },      { "mins", 60 },    { "minute", 60 }, { "minutes", 60 },
        { "h", 3600 },     { "hour", 3600 },   { "hours", 3600 }, { "d", 86400 },   { "day", 86400 },
        { "days", 86400 }, { "w", 604800 },    { "week", 604800 }, { "weeks", 604800 },
};

/* "5m", "5 min", "90" (seconds) → µs. */
static int parse_span(const char *s, uint64_t *ret) {
        char *end;
        unsigned long long n;

        if (!isdigit((unsigned char) *s))
                return -EINVAL;
        errno = 0;
        n = strtoull(s, &end, 10);
        if (errno || n > SPAN_MAX_SEC)
                return -ERANGE;
        while (*end == ' ')
                end++;
        if (!*end) {
                *ret = n * USEC_PER_SEC;
                return 0;
        }
        for (size_t i = 0; i < ELEMENTSOF(units); i++)
                if (streq(end, units[i].name)) {
                        /* The limit is on the span, not the count: no product can overflow. */
                        if (n > SPAN_MAX_SEC / units[i].seconds)
                                return -ERANGE;
                        *ret = n * units[i].seconds * USEC_PER_SEC;
                        return 0;
                }
        return -EINVAL;
}

static int local_midnight(uint64_t now_usec, int day_offset, uint64_t *ret) {
        time_t t = (time_t) (now_usec / USEC_PER_SEC), v;
        struct tm tm;

        localtime_r(&t, &tm);
        tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
        tm.tm_mday += day_offset;
        tm.tm_isdst = -1;
        v = mktime(&tm);
        if (v < 0)
                return -ERANGE;
        *ret = (uint64_t) v * USEC_PER_SEC;
        return 0;
}

/* Exactly `digits` decimal digits, no sign or space (sscanf's %d would take "-5"). */
static int take_digits(const char **s, int digits, int *ret) {
        int v = 0;
        for (int i = 0; i < digits; i++) {
                if (!isdigit((unsigned char) (*s)[i]))
                        return -EINVAL;
                v = v * 10 + ((*s)[i] - '0');
        }
        *s += digits;
        *ret = v;
        return 0;
}

/* "YYYY-MM-DD[ HH:MM[:SS]]" or "HH:MM[:SS]" in local time. Dates that do not exist
 * ("2026-02-30") are refused rather than rolled over by mktime. */
static int parse_calendar(const char *s, uint64_t now_usec, uint64_t *ret) {
        time_t t = (time_t) (now_usec / USEC_PER_SEC);
        struct tm tm;
        int year, mon, day, hour = 0, min = 0, sec = 0;
        bool has_date = false;

        localtime_r(&t, &tm);
        year = tm.tm_year + 1900;
        mon = tm.tm_mon + 1;
        day = tm.tm_mday;
        if (strlen(s) >= 10 && s[4] == '-' && s[7] == '-') {
                if (take_digits(&s, 4, &year) < 0 || *s++ != '-' || take_digits(&s, 2, &mon) < 0 || *s++ != '-' ||
                    take_digits(&s, 2, &day) < 0)
                        return -EINVAL;
                has_date = true;
                if (*s == ' ' || *s == 'T')
                        s++;
                else if (*s)
                        return -EINVAL;
        }
        if (*s || !has_date) {
                if (take_digits(&s, 2, &hour) < 0 || *s++ != ':' || take_digits(&s, 2, &min) < 0)
                        return -EINVAL;
                if (*s == ':') {
                        s++;
                        if (take_digits(&s, 2, &sec) < 0)
                                return -EINVAL;
                }
                if (*s)
                        return -EINVAL;
        }
        if (mon < 1 || mon > 12 || day < 1 || day > 31 || hour > 23 || min > 59 || sec > 59)
                return -EINVAL;
        tm.tm_year = year - 1900;
        tm.tm_mon = mon - 1;
        tm.tm_mday = day;
        tm.tm_hour = hour;
        tm.tm_min = min;
        tm.tm_sec = sec;
        tm.tm_isdst = -1;
        time_t v = mktime(&tm);
        if (v < 0)
                return -ERANGE;
        if (tm.tm_mday != day || tm.tm_mon != mon - 1) /* mktime moved it: no such day */
                return -EINVAL;
        *ret = (uint64_t) v * USEC_PER_SEC;
        return 0;
}

int parse_time(const char *s, uint64_t now_usec, uint64_t *ret) {
        uint64_t span;

        if (!s || !*s)
                return -EINVAL;
        if (streq(s, "now")) {
                *ret = now_usec;
                return 0;
        }
        if (streq(s, "today") || streq(s, "yesterday") || streq(s, "tomorrow"))
                return local_midnight(now_usec, streq(s, "today") ? 0 : streq(s, "yesterday") ? -1 : 1, ret);
        if (s[0] == '@') {
                unsigned long long v;
                char *end;
                if (!isdigit((unsigned char) s[1])) /* strtoull would take a sign or a space */
                        return -EINVAL;
                errno = 0;
                v = strtoull(s + 1, &end, 10);
                if (*end)
                        return -EINVAL;
                if (errno || v > EPOCH_MAX_SEC)
                        return -ERANGE;
                *ret = v * USEC_PER_SEC;
                return 0;
        }
        if (s[0] == '-' || s[0] == '+') {
                if (parse_span(s + 1, &span) < 0)
                        return -EINVAL;
                if (s[0] == '-' && span > now_usec)
                        return -ERANGE;
                *ret = s[0] == '-' ? now_usec - span : now_usec + span;
                return 0;
        }
        if (endswith(s, " ago")) {
                _cleanup_free_ char *head = strndup(s, strlen(s) - 4);
                if (!head || parse_span(head, &span) < 0)
                        return -EINVAL;
                if (span > now_usec)
                        return -ERANGE;
                *ret = now_usec - span;
                return 0;
        }
        return parse_calendar(s, now_usec, ret);
}
