/* Tests of timeparse.c: every form `logs --since/--until` takes, in UTC so that the expected values
 * do not depend on the machine, then local time in zones with an offset and with daylight saving. */
#include "test.h"

#include <inttypes.h>
#include <stdint.h>
#include <time.h>

#include "timeparse.h"
#include "util.h"

#define USEC 1000000ULL

/* POSIX TZ strings carry their own rules: no time zone database needed. */
static void use_tz(const char *tz) {
        setenv("TZ", tz, 1);
        tzset();
}

/* µs since the epoch of a UTC date and time, computed independently of TZ. */
static uint64_t utc(int year, int month, int day, int hour, int min, int sec) {
        struct tm tm = { .tm_year = year - 1900, .tm_mon = month - 1, .tm_mday = day,
                         .tm_hour = hour, .tm_min = min, .tm_sec = sec };
        return (uint64_t) timegm(&tm) * USEC;
}

/* A Friday afternoon, with a fraction of a second that only "now" and spans keep. */
#define NOW (utc(2026, 11, 27, 14, 45, 30) + 250000)

static void check_time(const char *s, uint64_t now, uint64_t want) {
        uint64_t got = 0;
        int r = parse_time(s, now, &got);

        if (r < 0)
                FAIL("parse_time(\"%s\") = %d (%s), expected %" PRIu64, s, r, strerrorname_np(-r), want);
        if (got != want)
                FAIL("parse_time(\"%s\") = %" PRIu64 ", expected %" PRIu64 " (off by %+" PRId64 " µs)", s, got, want,
                     (int64_t) (got - want));
}

/* Refused with `want_r`, and the output left alone (written only on success). */
static void check_refused(const char *s, uint64_t now, int want_r) {
        uint64_t got = 4242;
        int r = parse_time(s, now, &got);

        if (r != want_r)
                FAIL("parse_time(\"%s\") = %d (%s), expected %d (%s); value %" PRIu64, s ? s : "(null)", r,
                     r < 0 ? strerrorname_np(-r) : "ok", want_r, strerrorname_np(-want_r), got);
        ASSERT_EQ_INT(got, 4242);
}

#define EXPECT_TIME(s, now, want) CHECK(check_time(s, now, want))
#define EXPECT_REFUSED(s, now, r) CHECK(check_refused(s, now, r))

TEST(now) {
        use_tz("UTC");
        EXPECT_TIME("now", NOW, NOW);
        EXPECT_TIME("now", 0, 0);
}

TEST(today_yesterday_tomorrow) {
        use_tz("UTC");
        EXPECT_TIME("today", NOW, utc(2026, 11, 27, 0, 0, 0));
        EXPECT_TIME("yesterday", NOW, utc(2026, 11, 26, 0, 0, 0));
        EXPECT_TIME("tomorrow", NOW, utc(2026, 11, 28, 0, 0, 0));
        /* One literal, in case utc() and the code agreed on something wrong. */
        EXPECT_TIME("today", NOW, 1795737600 * USEC);

        /* The edges of a day. */
        EXPECT_TIME("today", utc(2026, 11, 27, 0, 0, 0), utc(2026, 11, 27, 0, 0, 0));
        EXPECT_TIME("today", utc(2026, 11, 28, 0, 0, 0) - 1, utc(2026, 11, 27, 0, 0, 0));
        /* Across a month, a year, and a leap day. */
        EXPECT_TIME("tomorrow", utc(2026, 12, 31, 23, 30, 0), utc(2027, 1, 1, 0, 0, 0));
        EXPECT_TIME("yesterday", utc(2027, 1, 1, 0, 30, 0), utc(2026, 12, 31, 0, 0, 0));
        EXPECT_TIME("yesterday", utc(2026, 3, 1, 12, 0, 0), utc(2026, 2, 28, 0, 0, 0));
        EXPECT_TIME("yesterday", utc(2028, 3, 1, 12, 0, 0), utc(2028, 2, 29, 0, 0, 0));
}

TEST(spans_with_sign) {
        use_tz("UTC");
        EXPECT_TIME("-5m", NOW, NOW - 5 * 60 * USEC);
        EXPECT_TIME("+1h", NOW, NOW + 3600 * USEC);
        EXPECT_TIME("-90", NOW, NOW - 90 * USEC); /* no unit: seconds */
        EXPECT_TIME("+0", NOW, NOW);
        EXPECT_TIME("-0", NOW, NOW);
        EXPECT_TIME("-5 min", NOW, NOW - 5 * 60 * USEC);
        EXPECT_TIME("+2d", NOW, NOW + 2 * 86400 * USEC);
        EXPECT_TIME("-1w", NOW, NOW - 604800 * USEC);

        static const struct {
                const char *unit;
                uint64_t seconds;
        } units[] = {
                { "s", 1 },       { "sec", 1 },     { "secs", 1 },       { "second", 1 },     { "seconds", 1 },
                { "m", 60 },      { "min", 60 },    { "mins", 60 },      { "minute", 60 },    { "minutes", 60 },
                { "h", 3600 },    { "hour", 3600 }, { "hours", 3600 },   { "d", 86400 },      { "day", 86400 },
                { "days", 86400 }, { "w", 604800 }, { "week", 604800 }, { "weeks", 604800 },
        };
        for (size_t i = 0; i < ELEMENTSOF(units); i++) {
                _cleanup_free_ char *minus = NULL, *plus = NULL;
                ASSERT_OK(asprintf_safe(&minus, "-3%s", units[i].unit));
                ASSERT_OK(asprintf_safe(&plus, "+3 %s", units[i].unit));
                EXPECT_TIME(minus, NOW, NOW - 3 * units[i].seconds * USEC);
                EXPECT_TIME(plus, NOW, NOW + 3 * units[i].seconds * USEC);
        }
}

TEST(spans_ago) {
        use_tz("UTC");
        EXPECT_TIME("2 hours ago", NOW, NOW - 2 * 3600 * USEC);
        EXPECT_TIME("5m ago", NOW, NOW - 300 * USEC);
        EXPECT_TIME("1 day ago", NOW, NOW - 86400 * USEC);
        EXPECT_TIME("3 weeks ago", NOW, NOW - 3 * 604800 * USEC);
        EXPECT_TIME("90 ago", NOW, NOW - 90 * USEC);
        EXPECT_TIME("0 s ago", NOW, NOW);
}

TEST(epoch_seconds) {
        use_tz("UTC");
        EXPECT_TIME("@1700000000", NOW, 1700000000 * USEC);
        EXPECT_TIME("@0", NOW, 0);
        EXPECT_TIME("@1795790730", 0, utc(2026, 11, 27, 14, 45, 30)); /* absolute: now does not matter */
}

TEST(calendar) {
        use_tz("UTC");
        EXPECT_TIME("2026-11-27", NOW, utc(2026, 11, 27, 0, 0, 0));
        EXPECT_TIME("2026-11-27", NOW, 1795737600 * USEC);
        EXPECT_TIME("2026-11-27 09:30", NOW, utc(2026, 11, 27, 9, 30, 0));
        EXPECT_TIME("2026-11-27 09:30:15", NOW, utc(2026, 11, 27, 9, 30, 15));
        EXPECT_TIME("2025-01-31 23:59:59", NOW, utc(2025, 1, 31, 23, 59, 59));
        EXPECT_TIME("2028-02-29 12:00", NOW, utc(2028, 2, 29, 12, 0, 0));
        EXPECT_TIME("1970-01-01", NOW, 0);
        EXPECT_TIME("2038-01-19 03:14:08", NOW, utc(2038, 1, 19, 3, 14, 8)); /* past 32-bit time_t */
        /* A time alone is today's. */
        EXPECT_TIME("09:30", NOW, utc(2026, 11, 27, 9, 30, 0));
        EXPECT_TIME("09:30:15", NOW, utc(2026, 11, 27, 9, 30, 15));
        EXPECT_TIME("00:00", NOW, utc(2026, 11, 27, 0, 0, 0));
        EXPECT_TIME("23:59:59", NOW, utc(2026, 11, 27, 23, 59, 59));
        EXPECT_TIME("09:30", utc(2027, 1, 1, 0, 0, 1), utc(2027, 1, 1, 9, 30, 0));
}

TEST(garbage_is_refused) {
        static const char *const garbage[] = {
                "", " ", "garbage", "Now", "NOW", "now ", " today", "Yesterday", "tomorow",
                /* spans */
                "5m", "5", "-", "+", "--5m", "- 5m", "-5x", "-5 fortnights", "-m", "+1.5h", "-5mm", "+5 m s",
                "ago", " ago", "5 fortnights ago", "-5m ago", "five minutes ago", "5 minutes  ago!",
                /* epoch */
                "@", "@abc", "@12x", "@1.5", "1700000000",
                /* calendar */
                "2026-13-01", "2026-00-10", "2026-11-32", "2026-11-00", "2026-11-27 24:00", "2026-11-27 09:60",
                "09:30:61", "25:00", "2026-11-27 09", "2026-11-27 09:30:", "2026-11-27 09:30:15 UTC",
                "2026-11-27x", "2026/11/27", "27.11.2026", "2026-1-27", "9:30pm", "12:", ":30", "12:30:15:00",
        };
        use_tz("UTC");
        for (size_t i = 0; i < ELEMENTSOF(garbage); i++)
                EXPECT_REFUSED(garbage[i], NOW, -EINVAL);
        EXPECT_REFUSED(NULL, NOW, -EINVAL);
}

/* A span reaching back past 1970 has no time to give. */
TEST(spans_before_the_epoch) {
        use_tz("UTC");
        EXPECT_REFUSED("-3000w", NOW, -ERANGE); /* 57 years back from 2026 */
        EXPECT_REFUSED("30000 days ago", NOW, -ERANGE);
        EXPECT_REFUSED("-1s", 0, -ERANGE);
        EXPECT_REFUSED("1 s ago", 999999, -ERANGE);
        EXPECT_REFUSED("-5m", 299 * USEC, -ERANGE);
        EXPECT_REFUSED("5 min ago", 299 * USEC, -ERANGE);
        /* Exactly to the epoch is fine. */
        EXPECT_TIME("-5m", 300 * USEC, 0);
        EXPECT_TIME("5 min ago", 300 * USEC, 0);
        EXPECT_TIME("-0", 0, 0);
        EXPECT_TIME("-1000w", NOW, NOW - 1000 * 604800 * USEC);
}

/* Calendar forms and day names are local time; epoch seconds and spans are not. */
TEST(local_time_with_an_offset) {
        use_tz("EST5"); /* UTC-5 all year */
        EXPECT_TIME("2026-11-27 09:30", NOW, utc(2026, 11, 27, 14, 30, 0));
        EXPECT_TIME("2026-11-27", NOW, utc(2026, 11, 27, 5, 0, 0));
        EXPECT_TIME("09:30:15", NOW, utc(2026, 11, 27, 14, 30, 15));
        EXPECT_TIME("today", NOW, utc(2026, 11, 27, 5, 0, 0));
        /* Still the 26th in New York at 03:00 UTC on the 27th. */
        EXPECT_TIME("today", utc(2026, 11, 27, 3, 0, 0), utc(2026, 11, 26, 5, 0, 0));
        EXPECT_TIME("@1700000000", NOW, 1700000000 * USEC);
        EXPECT_TIME("-5m", NOW, NOW - 300 * USEC);
        EXPECT_TIME("now", NOW, NOW);

        /* East of UTC: at 20:00 UTC on the 27th it is already 05:00 on the 28th in Tokyo. */
        use_tz("JST-9");
        const uint64_t evening = utc(2026, 11, 27, 20, 0, 0);
        EXPECT_TIME("today", evening, utc(2026, 11, 27, 15, 0, 0));
        EXPECT_TIME("yesterday", evening, utc(2026, 11, 26, 15, 0, 0));
        EXPECT_TIME("tomorrow", evening, utc(2026, 11, 28, 15, 0, 0));
        EXPECT_TIME("09:30", evening, utc(2026, 11, 28, 0, 30, 0));
        EXPECT_TIME("2026-11-27", evening, utc(2026, 11, 26, 15, 0, 0));
        EXPECT_TIME("2 hours ago", evening, evening - 2 * 3600 * USEC);
}

/* Central Europe, as a POSIX rule: summer time from the last Sunday of March 02:00 (2026-03-29)
 * to the last Sunday of October 03:00 (2026-10-25). Days around the switch last 23 and 25 hours. */
TEST(local_time_across_daylight_saving) {
        use_tz("CET-1CEST,M3.5.0,M10.5.0/3");
        EXPECT_TIME("2026-03-28 12:00", NOW, utc(2026, 3, 28, 11, 0, 0)); /* CET, UTC+1 */
        EXPECT_TIME("2026-03-29 12:00", NOW, utc(2026, 3, 29, 10, 0, 0)); /* CEST, UTC+2 */
        EXPECT_TIME("2026-10-25 12:00", NOW, utc(2026, 10, 25, 11, 0, 0)); /* CET again */

        const uint64_t spring = utc(2026, 3, 30, 10, 0, 0); /* noon CEST */
        EXPECT_TIME("today", spring, utc(2026, 3, 29, 22, 0, 0));
        EXPECT_TIME("yesterday", spring, utc(2026, 3, 28, 23, 0, 0)); /* midnight CET: 23 hours earlier */
        EXPECT_TIME("tomorrow", spring, utc(2026, 3, 30, 22, 0, 0));

        const uint64_t autumn = utc(2026, 10, 26, 12, 0, 0); /* 13:00 CET */
        EXPECT_TIME("today", autumn, utc(2026, 10, 25, 23, 0, 0));
        EXPECT_TIME("yesterday", autumn, utc(2026, 10, 24, 22, 0, 0)); /* midnight CEST: 25 hours earlier */
        EXPECT_TIME("09:30", autumn, utc(2026, 10, 26, 8, 30, 0));
}

/* Inputs that once came back as a wrong time instead of an error: signs where digits belong,
 * values past what a time can hold, and dates that do not exist. */
TEST(no_wrapped_or_rolled_over_times) {
        static const char *const refused[] = {
                "@-1", "@ 5", "@+5", "@18446744073710", "-3141561566w", "3141561566 weeks ago", "+3141561566w",
                "2026-02-30", "2026-04-31", "09:-5", "2026-11-27 -1:30", "2026-+1-27", "-1:30",
        };
        uint64_t v = 42;

        use_tz("UTC");
        for (size_t i = 0; i < ELEMENTSOF(refused); i++) {
                int r = parse_time(refused[i], NOW, &v);
                if (r >= 0)
                        FAIL("'%s' gave a time (%llu) instead of an error", refused[i], (unsigned long long) v);
        }
        ASSERT_EQ_INT(v, 42); /* untouched on error */
        /* "yesterday" an hour after the epoch has no midnight to give. */
        ASSERT_TRUE(parse_time("yesterday", 3600 * USEC, &v) < 0);
        /* 2028-02-29 exists. */
        ASSERT_OK(parse_time("2028-02-29", NOW, &v));
}
