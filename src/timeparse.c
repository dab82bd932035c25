/* Parsing --since/--until values. */
#include "timeparse.h"

#include <ctype.h>
#include <time.h>

#include "util.h"

#define USEC_PER_SEC 1000000ULL

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
        if (errno || n > 100ULL * 365 * 86400)
                return -EINVAL;
        while (*end == ' ')
                end++;
        if (!*end) {
                *ret = n * USEC_PER_SEC;
                return 0;
        }
        for (size_t i = 0; i < ELEMENTSOF(units); i++)
                if (streq(end, units[i].name)) {
                        *ret = n * units[i].seconds * USEC_PER_SEC;
                        return 0;
                }
        return -EINVAL;
}

static uint64_t local_midnight(uint64_t now_usec, int day_offset) {
        time_t t = (time_t) (now_usec / USEC_PER_SEC);
        struct tm tm;

        localtime_r(&t, &tm);
        tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
        tm.tm_mday += day_offset;
        tm.tm_isdst = -1;
        return (uint64_t) mktime(&tm) * USEC_PER_SEC;
}

/* "YYYY-MM-DD[ HH:MM[:SS]]" or "HH:MM[:SS]" in local time. */
static int parse_calendar(const char *s, uint64_t now_usec, uint64_t *ret) {
        time_t t = (time_t) (now_usec / USEC_PER_SEC);
        struct tm tm;
        int n = 0, year, mon, day, hour = 0, min = 0, sec = 0;

        localtime_r(&t, &tm);
        if (sscanf(s, "%4d-%2d-%2d%n", &year, &mon, &day, &n) == 3 && n == 10) {
                s += n;
                tm.tm_year = year - 1900;
                tm.tm_mon = mon - 1;
                tm.tm_mday = day;
                if (*s == ' ' || *s == 'T')
                        s++;
                else if (*s)
                        return -EINVAL;
        }
        if (*s) {
                n = 0;
                if (sscanf(s, "%2d:%2d%n", &hour, &min, &n) != 2)
                        return -EINVAL;
                s += n;
                if (*s == ':') {
                        s++;
                        n = 0;
                        if (sscanf(s, "%2d%n", &sec, &n) != 1)
                                return -EINVAL;
                        s += n;
                }
                if (*s)
                        return -EINVAL;
        }
        if (tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 || hour > 23 || min > 59 || sec > 60)
                return -EINVAL;
        tm.tm_hour = hour;
        tm.tm_min = min;
        tm.tm_sec = sec;
        tm.tm_isdst = -1;
        time_t v = mktime(&tm);
        if (v < 0)
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
        if (streq(s, "today") || streq(s, "yesterday") || streq(s, "tomorrow")) {
                *ret = local_midnight(now_usec, streq(s, "today") ? 0 : streq(s, "yesterday") ? -1 : 1);
                return 0;
        }
        if (s[0] == '@') {
                unsigned long long v;
                char *end;
                errno = 0;
                v = strtoull(s + 1, &end, 10);
                if (errno || *end || end == s + 1)
                        return -EINVAL;
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
