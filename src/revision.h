/* Revisions, pure: a numbered unit set with the config it came from, as it is kept on disk; the
 * record of when the manager loaded which revision, from which every running process's revision
 * follows; and the one-line summary of what changed between two revisions. No I/O. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "unit-set.h"

typedef struct Revision {
        unsigned number;     /* 1, 2, … */
        uint64_t time_usec;  /* realtime, when it was made */
        uint64_t units_hash; /* revision_units_hash(&units) */
        char *origin;        /* what made it: "start", "reload", "undo", "installed" (one word) */
        char *change;        /* one line: what changed against the revision before it */
        char *config_path;   /* NULL when there was no config */
        char *config_text;   /* the config file as it was, or NULL */
        UnitSet units;       /* the app's files but the per-instance drop-ins */
} Revision;

void revision_done(Revision *r);

/* The identity of an app's files, drop-ins (paths with a '/') left out: those follow from the
 * template and the instance count. */
uint64_t revision_units_hash(const UnitSet *s);

/* Text kept on disk: "clusterctl-revision 1", then "key value" lines, then each unit file and the
 * config as "file NAME LENGTH" / "config LENGTH" followed by exactly LENGTH bytes and a newline,
 * then "end". Lengths, not escaping: a file's text is stored byte for byte. */
int revision_format(const Revision *r, char **ret);
/* -EBADMSG for anything that is not a whole revision of `app` (a unit file not named after it, a
 * path that leaves the unit directory, a length past the end, a hash that does not match). */
int revision_parse(const char *text, size_t size, const char *app, Revision *ret);

/* "Environment (APP_VERSION), ExecStart; added web@.socket; removed web.socket": what differs
 * from `old` (NULL: none before) to `new`, at most max_width characters (cut with "…"). Values
 * are not shown, only which settings changed: environment values can be secrets. */
int revision_change_summary(const UnitSet *old, const UnitSet *new, size_t max_width, char **ret);

/* The manager (re)loaded revision `number` (units hash `units_hash`) at `monotonic_usec` of boot
 * `boot_id`: every process it started from then on, until the next load, runs that revision. */
typedef struct RevisionLoad {
        uint8_t boot_id[16];
        uint64_t monotonic_usec;
        uint64_t realtime_usec;
        unsigned number;
        uint64_t units_hash;
} RevisionLoad;

/* One line per load: "BOOTID(32 hex) MONOTONIC REALTIME NUMBER HASH(16 hex)". */
int revision_loads_format(const RevisionLoad *loads, size_t n, char **ret);
/* Lines that do not parse are skipped (a torn last line after a crash, say). */
int revision_loads_parse(const char *text, RevisionLoad **ret, size_t *ret_n);

/* The revision a process runs, from when it started (monotonic µs in boot `boot_id`): the last
 * load in that boot at or before its start, else the last load of an earlier boot (what the
 * manager read from disk when it started). Shown as the newest number with the same units: an
 * undo to revision 2 made revision 4, and processes of either run revision 4's units.
 * 0 when the loads do not tell. */
unsigned revision_of_process(const RevisionLoad *loads, size_t n, const uint8_t boot_id[16], uint64_t start_monotonic);
/* The revision the manager has loaded now: the newest load's number (normalized the same way). */
unsigned revision_loaded(const RevisionLoad *loads, size_t n);
