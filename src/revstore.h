/* An app's revisions on disk, under its state directory: /var/lib/clusterctl/APP/ (system) or
 * $XDG_STATE_HOME/clusterctl/APP/ (user; ~/.local/state by default). revisions/N holds revision
 * N; `loads` records when the manager loaded which. Every write is atomic. */
#pragma once

#include "dirs.h"
#include "revision.h"

/* Revision numbers kept, ascending. None: 0 of them (not an error). */
int revstore_list(Scope scope, const char *app, unsigned **ret, size_t *ret_n);
int revstore_read(Scope scope, const char *app, unsigned number, Revision *ret);
/* The newest revision; -ENOENT when there is none. */
int revstore_latest(Scope scope, const char *app, Revision *ret);

/* Keeps `r` as a new revision, numbered after the newest — or in place of the newest when the
 * manager never loaded it (a command interrupted before its reload). When the newest has the
 * same units, nothing is written and its number is returned. Then only the last `keep` stay,
 * and the one the manager has loaded, and those in `in_use` (what instances and rollouts use).
 * Sets r->number. */
int revstore_add(Scope scope, const char *app, Revision *r, unsigned keep, const unsigned *in_use,
                 size_t n_in_use);

int revstore_loads(Scope scope, const char *app, RevisionLoad **ret, size_t *ret_n);
/* Records that the manager just loaded revision `number` (units hash `hash`) at its
 * UnitsLoadTimestamp; the oldest records go when there are many. */
int revstore_record_load(Scope scope, const char *app, unsigned number, uint64_t hash, uint64_t monotonic_usec,
                         uint64_t realtime_usec);

/* The revision each process runs, for processes started at the given monotonic times. */
int revstore_current_boot(uint8_t ret[16]);

/* Removes the state directory and everything in it. Absent is fine. */
int revstore_remove_all(Scope scope, const char *app);
