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

/* The last `max` lines of `unit` (its own output and the manager's messages about it) logged at
 * or after since_usec (realtime; 0 = any time). Waits up to wait_usec for lines still on their
 * way to the journal when none are found yet. */
int journal_last_lines(Scope scope, const char *unit, uint64_t since_usec, unsigned max, uint64_t wait_usec,
                       JournalLine **ret, size_t *ret_n);
