/* Revisions of an installed app, as start, reload and undo put units in place: each unit set is
 * kept (revstore.c) before it is written, and each time the manager loads one it is recorded, so
 * that the revision of every running process follows from when it started. */
#pragma once

#include "cluster.h"
#include "revision.h"

typedef struct RevisionInfo {
        unsigned number;
        uint64_t units_hash;
} RevisionInfo;

/* Keeps the files of `set` that are not per-instance drop-ins as a revision, unless the newest
 * revision has the same; config_path (may be NULL) is read for its text. */
int app_revision_keep(Cluster *c, const char *app, const UnitSet *set, const char *config_path, const char *origin,
                      const char *change, unsigned keep, RevisionInfo *ret);

/* The manager has just loaded revision `r` (after a Reload()). */
int app_revision_loaded(Cluster *c, const char *app, const RevisionInfo *r);

/* Makes the record whole before a command changes anything: when the app has no revision yet
 * (installed by an earlier version), the units on disk become revision 1; when those are loaded
 * (no daemon-reload pending) but no load was recorded (a command killed right after its
 * reload), the load is recorded at the manager's last reload. */
int app_revision_sync(Cluster *c, const char *app, unsigned keep);

/* The revision each instance's running process runs (0: not running, or unknown). With
 * ret_infos, the same query also returns the properties in `also` (unit_infos_free(*ret_infos, n)). */
int app_revision_of_instances(Cluster *c, const char *app, const unsigned *indices, size_t n, uint32_t also,
                              unsigned *ret, UnitInfo **ret_infos);
/* The app's files on disk but its drop-ins, as a unit set. */
int app_revision_disk_units(Cluster *c, const char *app, UnitSet *ret);
