/* Cron → OnCalendar=: every field is read into the set of values it matches, and each set is
 * written back the way systemd reads calendar components (*, lists, a..b ranges). Working on
 * sets rather than on the text makes steps, names and lists all come out the same way. */
#include "cron.h"

#include <ctype.h>
#include <stdbool.h>
#include <strings.h>

#include "util.h"

typedef struct FieldSpec {
        const char *what;
        int min, max;
        const char *const *names; /* lower case, the first one is `min` */
} FieldSpec;

static const char *const month_names[] = { "jan", "feb", "mar", "apr", "may", "jun",
                                           "jul", "aug", "sep", "oct", "nov", "dec", NULL };
static const char *const day_names[] = { "sun", "mon", "tue", "wed", "thu", "fri", "sat", NULL };
/* systemd's weekdays, Monday first, as cron numbers them (Sunday is 0). */
static const char *const systemd_days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };

enum { F_SECOND, F_MINUTE, F_HOUR, F_DOM, F_MONTH, F_DOW, _F_MAX };

static const FieldSpec fields[_F_MAX] = {
        [F_SECOND] = { "second", 0, 59, NULL },
        [F_MINUTE] = { "minute", 0, 59, NULL },
        [F_HOUR] = { "hour", 0, 23, NULL },
        [F_DOM] = { "day of month", 1, 31, NULL },
        [F_MONTH] = { "month", 1, 12, month_names },
        [F_DOW] = { "day of week", 0, 7, day_names },
};

typedef struct FieldSet {
        bool on[60];
        bool star; /* written as * or ?: cron's "unrestricted" */
} FieldSet;

static int parse_number(const char *s, size_t len, const FieldSpec *f, int *ret) {
        if (len == 0)
                return -EINVAL;
        if (f->names && len == 3)
                for (int i = 0; f->names[i]; i++)
                        if (strncasecmp(s, f->names[i], 3) == 0) {
                                *ret = f->min + i;
                                return 0;
                        }
        int v = 0;
        for (size_t i = 0; i < len; i++) {
                if (!isdigit((unsigned char) s[i]) || v > 1000)
                        return -EINVAL;
                v = v * 10 + (s[i] - '0');
        }
        if (v < f->min || v > f->max)
                return -ERANGE;
        *ret = v;
        return 0;
}

static int fail(char **ret_error, const FieldSpec *f, const char *item, size_t len, const char *why) {
        (void) asprintf_safe(ret_error, "%s: '%.*s' %s", f->what, (int) len, item, why);
        return -EINVAL;
}

/* One comma-separated item: *, ?, N, N-M, each optionally /STEP. */
static int parse_item(const char *item, size_t len, const FieldSpec *f, FieldSet *set, char **ret_error) {
        const char *slash = memchr(item, '/', len);
        size_t base_len = slash ? (size_t) (slash - item) : len;
        int lo, hi, step = 1, r;

        if (slash) {
                r = parse_number(slash + 1, len - base_len - 1, &(FieldSpec) { f->what, 1, f->max + 1, NULL }, &step);
                if (r < 0)
                        return fail(ret_error, f, item, len, "has a step that is not a number from 1 up");
        }
        if (base_len == 1 && (item[0] == '*' || item[0] == '?')) {
                lo = f->min;
                hi = f->max;
                if (!slash)
                        set->star = true;
        } else {
                const char *dash = memchr(item, '-', base_len);
                r = parse_number(item, dash ? (size_t) (dash - item) : base_len, f, &lo);
                if (r >= 0 && dash)
                        r = parse_number(dash + 1, base_len - (size_t) (dash - item) - 1, f, &hi);
                else
                        hi = slash ? f->max : lo; /* N/STEP: from N to the end */
                if (r == -ERANGE) {
                        char range[64];
                        snprintf(range, sizeof(range), "is out of range (%d to %d)", f->min, f->max);
                        return fail(ret_error, f, item, len, range);
                }
                if (r < 0)
                        return fail(ret_error, f, item, len,
                                    "is not a value (a number, a range N-M, *, a list with commas, /STEP; "
                                    "L, W and # are not supported)");
                if (lo > hi)
                        return fail(ret_error, f, item, len, "is a range that ends before it starts");
        }
        for (int v = lo; v <= hi; v += step)
                set->on[v] = true;
        return 0;
}

static int parse_field(const char *text, const FieldSpec *f, FieldSet *set, char **ret_error) {
        *set = (FieldSet) {};
        for (const char *p = text;;) {
                size_t len = strcspn(p, ",");
                int r = parse_item(p, len, f, set, ret_error);
                if (r < 0)
                        return r;
                if (!p[len])
                        break;
                p += len + 1;
        }
        return 0;
}

/* Writes the values of a set as systemd reads them: "*", or "1,3,5..9" with `width` digits. */
static int format_set(Buffer *b, const FieldSet *set, int min, int max, int width) {
        bool all = true;
        for (int v = min; v <= max; v++)
                all = all && set->on[v];
        if (all)
                return buffer_puts(b, "*");
        bool first = true;
        for (int v = min; v <= max; v++) {
                if (!set->on[v])
                        continue;
                int end = v;
                while (end + 1 <= max && set->on[end + 1])
                        end++;
                int r = buffer_printf(b, "%s%0*d", first ? "" : ",", width, v);
                if (r >= 0 && end > v)
                        r = buffer_printf(b, "%s%0*d", end > v + 1 ? ".." : ",", width, end);
                if (r < 0)
                        return r;
                first = false;
                v = end;
        }
        return 0;
}

/* Weekdays Monday to Sunday, runs as Mon..Fri. Cron's 7 is Sunday, as 0 is. */
static int format_days(Buffer *b, const FieldSet *dow) {
        bool on[7];
        for (int i = 0; i < 7; i++)
                on[i] = dow->on[(i + 1) % 7] || (i == 6 && dow->on[7]);
        bool first = true;
        for (int i = 0; i < 7; i++) {
                if (!on[i])
                        continue;
                int end = i;
                while (end + 1 < 7 && on[end + 1])
                        end++;
                int r = buffer_printf(b, "%s%s", first ? "" : ",", systemd_days[(i + 1) % 7]);
                if (r >= 0 && end > i)
                        r = buffer_printf(b, "%s%s", end > i + 1 ? ".." : ",", systemd_days[(end + 1) % 7]);
                if (r < 0)
                        return r;
                first = false;
                i = end;
        }
        return buffer_puts(b, " ");
}

static int format_event(const FieldSet *f, bool with_days, bool with_dom, char **ret) {
        _cleanup_buffer_ Buffer b = {};
        FieldSet any_dom = { .star = true };
        for (int v = 1; v <= 31; v++)
                any_dom.on[v] = true;

        if ((with_days && format_days(&b, &f[F_DOW]) < 0) || buffer_puts(&b, "*-") < 0 ||
            format_set(&b, &f[F_MONTH], 1, 12, 2) < 0 || buffer_puts(&b, "-") < 0 ||
            format_set(&b, with_dom ? &f[F_DOM] : &any_dom, 1, 31, 2) < 0 || buffer_puts(&b, " ") < 0 ||
            format_set(&b, &f[F_HOUR], 0, 23, 2) < 0 || buffer_puts(&b, ":") < 0 ||
            format_set(&b, &f[F_MINUTE], 0, 59, 2) < 0 || buffer_puts(&b, ":") < 0 ||
            format_set(&b, &f[F_SECOND], 0, 59, 2) < 0)
                return -ENOMEM;
        *ret = buffer_steal(&b);
        return *ret ? 0 : -ENOMEM;
}

static const struct {
        const char *name, *cron;
} macros[] = {
        { "@yearly", "0 0 1 1 *" }, { "@annually", "0 0 1 1 *" }, { "@monthly", "0 0 1 * *" },
        { "@weekly", "0 0 * * 0" }, { "@daily", "0 0 * * *" },    { "@midnight", "0 0 * * *" },
        { "@hourly", "0 * * * *" },
};

int cron_to_calendar(const char *cron, char ***ret, char **ret_error) {
        _cleanup_strv_free_ char **words = NULL, **events = NULL;
        FieldSet sets[_F_MAX];
        int r;

        *ret_error = NULL;
        for (size_t i = 0; i < ELEMENTSOF(macros); i++)
                if (strcasecmp(cron, macros[i].name) == 0)
                        cron = macros[i].cron;
        if (cron[0] == '@') {
                (void) asprintf_safe(ret_error, "'%s' is not one of @yearly, @annually, @monthly, @weekly, @daily, "
                                     "@midnight, @hourly", cron);
                return -EINVAL;
        }
        _cleanup_free_ char *copy = strdup(cron);
        if (!copy)
                return -ENOMEM;
        char *save = NULL;
        for (char *w = strtok_r(copy, " \t", &save); w; w = strtok_r(NULL, " \t", &save))
                if ((r = strv_extend(&words, w)) < 0)
                        return r;
        size_t n = strv_length(words);
        if (n != 5 && n != 6) {
                (void) asprintf_safe(ret_error, "'%s' has %zu fields; cron takes 5 (minute hour day-of-month month "
                                     "day-of-week) or 6 (seconds first)", cron, n);
                return -EINVAL;
        }
        for (size_t i = 0; i < _F_MAX; i++) {
                if (i == F_SECOND && n == 5) {
                        sets[i] = (FieldSet) { .on = { [0] = true } };
                        continue;
                }
                r = parse_field(words[i - (n == 5 ? 1 : 0)], &fields[i], &sets[i], ret_error);
                if (r < 0)
                        return r;
        }
        sets[F_DOW].on[0] = sets[F_DOW].on[0] || sets[F_DOW].on[7];

        bool dom_restricted = !sets[F_DOM].star, dow_restricted = !sets[F_DOW].star;
        char *event = NULL;
        if (dom_restricted && dow_restricted) {
                /* cron: either day matches. Two events, one for each. */
                if ((r = format_event(sets, false, true, &event)) < 0 || (r = strv_push(&events, event)) < 0 ||
                    (r = format_event(sets, true, false, &event)) < 0 || (r = strv_push(&events, event)) < 0)
                        return r;
        } else if ((r = format_event(sets, dow_restricted, dom_restricted, &event)) < 0 ||
                   (r = strv_push(&events, event)) < 0)
                return r;
        *ret = TAKE_PTR(events);
        return 0;
}
