/* What the parts of `clusterctl reload` share: the state of one reload, and the steps each
 * file carries out — progress output (reload-progress.c), the saved units and the resume state
 * (reload-state.c), and the batches themselves (reload-run.c). */
#pragma once

#include "cluster.h"
#include "rollout.h"

typedef enum ProgressStyle {
        PROGRESS_TTY,
        PROGRESS_PLAIN,
        PROGRESS_JSON,
} ProgressStyle;

/* A file as it was before this reload: text NULL when it did not exist. */
typedef struct SavedFile {
        char *path;
        char *text;
} SavedFile;

typedef struct Reload {
        Cluster *c;
        const char *app;
        App *config; /* NULL when reloading the installed units as they are */
        UnitPlan plan;
        SavedFile *saved;
        size_t n_saved;
        bool units_changed;
        RolloutState state;
        bool resumed;
        OnFailure on_failure;
        unsigned batch_count, batch_percent;
        double pause, grace;
        unsigned count; /* enabled instances */
        unsigned *moved; /* restarted by this rollout, in order */
        size_t n_moved;
        size_t done, total; /* progress: instances finished / to restart */
        uint64_t begin_usec, batch_begin_usec;
        ProgressStyle style;
        bool failed;
        bool rolling_back;
} Reload;

void reload_done(Reload *r);

/* reload-progress.c: what the user sees, on stderr or as JSON events on stdout (json_event()). */
void reload_progress_restarting(Reload *r, const char *unit);
void reload_on_job_finished(const Job *job, void *userdata);
/* Reports an instance that became ready but did not stay up through the grace period. */
void reload_report_unstable(Reload *r, const UnitInfo *u);
/* Counts of instances on the new version (moved and ok) and the old one (never restarted). */
void reload_report_versions(Reload *r, size_t n_failed);
void reload_print_dry_run(Reload *r, const unsigned *pending, size_t n_pending);

/* reload-state.c: the previous units, for a rollback, and the rollout state, for a resume. */
/* Keeps what the files were, so a rollback can put them back. */
int reload_save_previous_units(Reload *r);
int reload_restore_previous_units(Reload *r);
int reload_state_write(Reload *r);
void reload_state_read(Reload *r, RolloutState *ret, bool *ret_found);
void reload_state_remove(Reload *r);

/* reload-run.c: restarting batches and checking each instance. */
/* Instances still on the old version: not running a process started since the rollout began. */
int reload_pending_instances(Reload *r, unsigned **ret, size_t *ret_n);
int reload_run_batches(Reload *r, const unsigned *indices, size_t n, bool stop_on_failure, unsigned **failed,
                       size_t *n_failed);
/* Stops instances that failed, so a broken version does not crash-loop: the others serve. */
void reload_stop_failed(Reload *r, const unsigned *failed, size_t n);
int reload_rollback(Reload *r);
