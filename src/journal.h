/* Reading an app's lines from the journal (sd-journal): only what its own processes wrote, told
 * by the fields journald itself adds and no client can set (systemd.journal-fields(7)):
 * _SYSTEMD_UNIT= for the system manager's units, _SYSTEMD_USER_UNIT= with our _UID= for a user
 * manager's. SYSLOG_IDENTIFIER=, UNIT= and the like are whatever the sender wrote: any local
 * user can log "web@0" lines with logger(1), and those never show. */
#pragma once

#include <stdint.h>
#include <sys/types.h>

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

/* A unit whose lines are wanted, and what tells its processes' lines from others'. */
typedef struct UnitLogSource {
        Scope scope;
        const char *unit; /* "web@0.service" */
        uid_t uid;        /* the user its processes run as */
        /* Its last main process (ExecMainPID), 0 if unknown: a process that wrote and exited
         * before journald looked up its unit has lines with no unit field, but with its _PID
         * and _UID, which journald takes from the kernel. */
        uint32_t main_pid;
} UnitLogSource;

/* The last `max` lines the unit's processes wrote at or after since_usec (realtime; 0 = any
 * time). Waits up to wait_usec for lines still on their way to the journal when none are found
 * yet. */
int journal_last_lines(const UnitLogSource *source, uint64_t since_usec, unsigned max, uint64_t wait_usec,
                       JournalLine **ret, size_t *ret_n);

/* How often, in this boot, the manager (pid manager_pid) killed each of an app's instances because
 * its watchdog ran out: counts[K] for instance K < n_counts, added to. */
int journal_watchdog_kills(Scope scope, const char *app, uint32_t manager_pid, unsigned *counts, size_t n_counts);
