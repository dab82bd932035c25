/* Reading an instance's lines from the journal (sd-journal), as systemd tags them:
 * _SYSTEMD_UNIT= for the system manager, _SYSTEMD_USER_UNIT= for a user manager. */
#pragma once

#include <stdint.h>

#include "render.h"

typedef struct JournalLine {
        uint64_t realtime_usec;
        int priority;
        char *message;
} JournalLine;

void journal_lines_free(JournalLine *lines, size_t n);

/* Reading an app's instances together, for `logs` and `top`. */
typedef struct LogQuery {
        Scope scope;
        const char *app;
        const unsigned *instances; /* NULL: every instance the journal or the unit directory knows */
        size_t n_instances;
        const unsigned *known; /* instances known to exist (enabled), matched even before they log */
        size_t n_known;
        uint64_t since_usec, until_usec; /* realtime; 0 = open */
        int max_priority;                /* -1: every priority */
} LogQuery;

typedef struct LogEntry {
        int instance; /* -1 when it cannot be told */
        uint64_t realtime_usec;
        uint32_t pid;
        int priority;
        char *message;
} LogEntry;

typedef struct LogReader LogReader;

int log_reader_open(const LogQuery *q, LogReader **ret);
LogReader *log_reader_free(LogReader *r);
static inline void log_reader_freep(LogReader **r) {
        log_reader_free(*r);
}
/* Positions the reader so that log_reader_next returns the last n entries (all when n = 0 and
 * since is set), then whatever arrives later. */
int log_reader_seek_tail(LogReader *r, unsigned n);
/* 1 with an entry, 0 at the end for now, < 0 on error. */
int log_reader_next(LogReader *r, LogEntry *ret);
void log_entry_done(LogEntry *e);
/* Waits for new entries up to timeout_usec (UINT64_MAX: forever). */
int log_reader_wait(LogReader *r, uint64_t timeout_usec);
/* An fd to poll() for new entries, with the events to ask for. */
int log_reader_fd(LogReader *r, short *ret_events);
/* Re-arms the fd after poll() reported it readable. */
int log_reader_process(LogReader *r);

/* The last `max` lines of `unit` (its own output and the manager's messages about it) logged at
 * or after since_usec (realtime; 0 = any time). Waits up to wait_usec for lines still on their
 * way to the journal when none are found yet. */
int journal_last_lines(Scope scope, const char *unit, uint64_t since_usec, unsigned max, uint64_t wait_usec,
                       JournalLine **ret, size_t *ret_n);

/* How often, in this boot, the manager (pid manager_pid) killed each of an app's instances because
 * its watchdog ran out: counts[K] for instance K < n_counts, added to. */
int journal_watchdog_kills(Scope scope, const char *app, uint32_t manager_pid, unsigned *counts, size_t n_counts);
