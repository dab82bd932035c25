/* Tests of journal.c's waiting for a unit's last lines, on a clock that the test moves: the time
 * left is never taken from two readings of the clock, which could leave it "negative" — as an
 * unsigned number, a wait of half a million years. The journal is the machine's, read only, for
 * a unit no one logs as. */
#include "test.h"

#include <inttypes.h>
#include <sys/syscall.h>
#include <systemd/sd-journal.h>
#include <time.h>

#include "journal.h"
#include "util.h"

/* Each reading of CLOCK_MONOTONIC moves it on by clock_step_usec, as on a busy machine where
 * time passes between any two lines of code. */
static uint64_t fake_monotonic_usec = 1000000000ULL, clock_step_usec;
static uint64_t longest_wait_usec, waits;

int clock_gettime(clockid_t id, struct timespec *ts) {
        if (id != CLOCK_MONOTONIC)
                return (int) syscall(SYS_clock_gettime, id, ts);
        fake_monotonic_usec += clock_step_usec;
        ts->tv_sec = (time_t) (fake_monotonic_usec / 1000000ULL);
        ts->tv_nsec = (long) (fake_monotonic_usec % 1000000ULL) * 1000L;
        return 0;
}

/* Records how long it was asked to wait, and returns at once: nothing new arrived. */
int sd_journal_wait(sd_journal *j, uint64_t timeout_usec) {
        (void) j;
        waits++;
        if (timeout_usec > longest_wait_usec)
                longest_wait_usec = timeout_usec;
        return SD_JOURNAL_NOP;
}

TEST(last_lines_wait_within_their_deadline) {
        const UnitLogSource source = {
                .scope = SCOPE_USER,
                .unit = "clusterctl-unit-test-nobody-logs-as@0.service",
                .uid = getuid(),
        };

        clock_step_usec = 1000;
        /* Whatever falls between two readings of the clock, some wait lands the deadline there. */
        for (uint64_t wait_usec = 1; wait_usec <= 4000; wait_usec += 125) {
                JournalLine *lines = NULL;
                size_t n = 99;

                longest_wait_usec = 0;
                ASSERT_OK(journal_last_lines(&source, 0, 5, wait_usec, &lines, &n));
                ASSERT_EQ_INT(n, 0);
                journal_lines_free(lines, n);
                if (longest_wait_usec > wait_usec)
                        FAIL("asked to wait up to %" PRIu64 " µs, it waited %" PRIu64 " µs", wait_usec,
                             longest_wait_usec);
        }
        /* It did wait for lines on their way, within the deadline, rather than not at all. */
        ASSERT_TRUE(waits > 0);
}
