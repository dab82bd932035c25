/* What the parts of `clusterctl reload` share: the state of one reload, and the steps each
 * file carries out — progress output (reload-progress.c), the saved units and the resume state
 * (reload-state.c), and the batches themselves (reload-run.c). */
#pragma once

#include "app-revision.h"
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
        unsigned surge, surge_percent;
        unsigned spares;   /* spares the rollout started (0: it restarted in place only) */
        bool spare_failed; /* the new version failed on a spare, before any instance moved */
        uint64_t *started; /* per instance index: when its restart was asked for */
        size_t n_started;
        unsigned canary_count, canary_percent; /* --canary: this many move, then the rollout pauses */
        const char *verb;      /* "reload", "promote", "undo": what the messages name */
        bool installed_units;  /* roll out the units installed; the config gives only settings */
        RevisionInfo revision; /* what this rollout puts in place; number 0: not known */
        RevisionInfo previous; /* what the manager had loaded before */
        unsigned *moved; /* restarted by this rollout, in order */
        size_t n_moved;
        size_t done, total; /* progress: instances finished / to restart */
        uint64_t begin_usec;
        ProgressStyle style;
        bool failed;
        bool rolling_back;
} Reload;

void reload_done(Reload *r);

/* verb-reload.c: the config a rollout applies (-c, the one the units were rendered from, or the
 * default; none: *ret_path NULL) and its settings, unless an option overrides them. */
int reload_load_config(Reload *r, AppList *apps, char **ret_path);
void reload_set_options(Reload *r);
/* Starts or stops cron_restart's timer (APP.reload.timer) after a rollout, as the units it put in
 * place want; a paused rollout stops it. */
int sync_reload_timer(Cluster *c, const char *app, bool paused);

/* reload-progress.c: what the user sees, on stderr or as JSON events on stdout (json_event()). */
/* When the restart of an instance (or the start of a spare) was asked for. */
uint64_t *reload_start_time(Reload *r, const char *unit);
void reload_progress_restarting(Reload *r, const char *unit);
void reload_on_job_finished(const Job *job, void *userdata);
/* Reports an instance that became ready but did not stay up through the grace period. */
void reload_report_unstable(Reload *r, const char *unit, const char *state);
/* Counts of instances on the new version (moved and ok) and the old one (never restarted). */
void reload_report_versions(Reload *r, size_t n_failed);
void reload_print_dry_run(Reload *r, const unsigned *pending, size_t n_pending);

/* reload-state.c: the previous units, for a rollback, and the rollout state, for a resume. */
/* Keeps what the files were, so a rollback can put them back. */
int reload_save_previous_units(Reload *r);
int reload_restore_previous_units(Reload *r);
/* Writes the planned units (keeping what they replace, for a rollback), reloads the manager and
 * records that it loaded r->revision. 0, or -errno after saying why. */
int reload_apply_units(Reload *r);
int reload_state_write(Reload *r);
/* The rollout state of an app, for status and promote; -ENOENT when no rollout is unfinished. */
int rollout_state_load(Scope scope, const char *app, RolloutState *ret);
void rollout_state_remove(Scope scope, const char *app);
void reload_state_read(Reload *r, RolloutState *ret, bool *ret_found);
void reload_state_remove(Reload *r);

/* reload-run.c: restarting batches and checking each instance. */
/* Instances still on the old version: not running a process started since the rollout began. */
int reload_pending_instances(Reload *r, unsigned **ret, size_t *ret_n);
int reload_run_batches(Reload *r, const unsigned *indices, size_t n, bool stop_on_failure, unsigned **failed,
                       size_t *n_failed);
/* Stops instances that failed, so a broken version does not crash-loop: the others serve. */
void reload_stop_failed(Reload *r, const unsigned *failed, size_t n);
/* Runs the rollout over `pending` (a canary: the first of them) and ends it: done (the state
 * goes), paused after a canary, or stopped on a failure (the failed instances are stopped, the
 * state says so). EXIT_OK, or -errno after saying what failed. */
int reload_execute(Reload *r, const unsigned *pending, size_t n_pending);
/* How many of n_pending instances this rollout moves: a canary's size, or all of them when there
 * is no canary or it is as large as what is left (the whole rollout then, with no pause). */
size_t reload_canary_size(const Reload *r, size_t n_pending);
int reload_rollback(Reload *r);
