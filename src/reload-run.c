/* The rollout of a reload: which instances are still to move, the rollout itself (rollout-run.c)
 * with the reload's options and progress, stopping the failed instances, and the rollback. */
#include "app-status.h"
#include "output.h"
#include "reload.h"
#include "remote.h"
#include "rollout-run.h"
#include "unitfs.h"
#include "util.h"
#include "verb-common.h"

static int fetch_infos(Reload *r, const unsigned *indices, size_t n, UnitInfo **ret) {
        _cleanup_strv_free_ char **units = instance_units(r->app, indices, n, ".service");
        if (!units)
                return -ENOMEM;
        return bus_get_unit_infos(r->c->bus, units, UNIT_PROPERTIES_ALL, ret, now_usec() + BUS_QUERY_TIMEOUT_USEC);
}

static void free_infos(UnitInfo *infos, size_t n) {
        for (size_t i = 0; infos && i < n; i++)
                unit_info_done(&infos[i]);
        free(infos);
}

static bool is_active(const UnitInfo *u) {
        return streq_ptr(u->active_state, "active");
}

int reload_pending_instances(Reload *r, unsigned **ret, size_t *ret_n) {
        _cleanup_free_ unsigned *all = calloc(r->count, sizeof(unsigned));
        unsigned *pending = calloc(r->count ? r->count : 1, sizeof(unsigned));
        UnitInfo *infos = NULL;
        size_t n = 0;
        int e;

        if (!all || !pending) {
                free(pending);
                return -ENOMEM;
        }
        for (unsigned k = 0; k < r->count; k++)
                all[k] = k;
        e = fetch_infos(r, all, r->count, &infos);
        if (e < 0) {
                free(pending);
                return e;
        }
        for (unsigned k = 0; k < r->count; k++)
                if (!(is_active(&infos[k]) && infos[k].exec_main_start_monotonic >= r->state.since_usec))
                        pending[n++] = k;
        free_infos(infos, r->count);
        *ret = pending;
        *ret_n = n;
        return 0;
}

static void on_rollout_event(void *userdata, RolloutEvent event, const char *unit, const char *detail) {
        Reload *r = userdata;
        uint64_t *started;

        switch (event) {
        case ROLLOUT_RESTARTING:
        case ROLLOUT_SPARE_STARTING:
                if ((started = reload_start_time(r, unit)))
                        *started = now_usec();
                if (event == ROLLOUT_RESTARTING)
                        reload_progress_restarting(r, unit);
                else if (r->style == PROGRESS_JSON)
                        json_event("spare_starting", unit, NULL);
                break;
        case ROLLOUT_UNSTABLE:
                reload_report_unstable(r, unit, detail);
                break;
        case ROLLOUT_SPARE_READY:
                break; /* its job's end said so */
        case ROLLOUT_SPARE_STOPPING:
                if (r->style == PROGRESS_JSON)
                        json_event("spare_stopping", unit, NULL);
                break;
        }
}

/* Between two batches every instance is up, old or new: the place to stop when the controller that
 * asked for this rollout (over ssh) is gone. A rollback goes to its end. */
static bool controller_gone(void *userdata) {
        const Reload *r = userdata;
        return !r->rolling_back && remote_controller_gone();
}

int reload_run_batches(Reload *r, const unsigned *indices, size_t n, bool stop_on_failure, unsigned **failed,
                       size_t *n_failed) {
        _cleanup_(rollout_result_done) RolloutResult res = {};
        RolloutOptions o = {
                .batch_count = r->batch_count,
                .batch_percent = r->batch_percent,
                .surge = rollout_spares(r->c, r->app, r->count, r->surge, r->surge_percent),
                .grace = r->grace,
                .pause = r->pause,
                .stop_on_failure = stop_on_failure,
        };
        RolloutProgress p = { .event = on_rollout_event, .job_finished = reload_on_job_finished,
                              .stop_requested = controller_gone, .userdata = r };
        int e;

        free(r->started);
        r->n_started = r->count + o.surge;
        if (!(r->started = calloc(r->n_started, sizeof(uint64_t))))
                return -ENOMEM;
        r->spares = o.surge;
        e = rollout_run(r->c, r->app, r->count, indices, n, &o, &p, &res);
        for (size_t i = 0; i < res.n_moved; i++)
                if (index_list_add(&r->moved, &r->n_moved, res.moved[i]) < 0)
                        return -ENOMEM;
        for (size_t i = 0; i < res.n_failed; i++)
                (*failed)[(*n_failed)++] = res.failed[i];
        r->spare_failed = res.spare_failed;
        return e;
}

/* With a socket per instance (reuseport) the failed instance's socket goes too: the kernel would
 * keep hashing connections into its backlog, where nobody accepts them. */
void reload_stop_failed(Reload *r, const unsigned *failed, size_t n) {
        _cleanup_strv_free_ char **units = instance_units(r->app, failed, n, ".service");
        _cleanup_free_ char *socket_template = NULL;

        if (!units || asprintf_safe(&socket_template, "%s@.socket", r->app) < 0)
                return;
        bool own_sockets = unitfs_exists(r->c->unit_dir, socket_template);
        _cleanup_strv_free_ char **sockets = own_sockets ? instance_units(r->app, failed, n, ".socket") : NULL;
        for (size_t i = 0; sockets && sockets[i]; i++)
                if (strv_extend(&units, sockets[i]) < 0)
                        return;
        (void) run_jobs_and_report(r->c, "StopUnit", units, "stopping");
        for (size_t i = 0; i < n; i++)
                log_info("    %s is stopped%s, not left restarting; 'clusterctl reload %s' after a fix starts it again",
                         units[i], own_sockets ? " with its socket" : "", r->app);
}

/* Puts the previous units back and restarts the moved instances on them; 0 when every one came
 * back, else -errno after saying so. */
int reload_rollback(Reload *r) {
        _cleanup_free_ unsigned *failed = calloc(r->count ? r->count : 1, sizeof(unsigned));
        _cleanup_free_ unsigned *moved = NULL;
        size_t n_failed = 0, n_moved = r->n_moved;
        int e;

        if (!failed)
                return log_oom();
        if (n_moved == 0)
                log_info("%s: putting the previous units back; no instance was restarted", r->app);
        else
                log_info("%s: rolling back %zu instance%s to the previous units", r->app, n_moved,
                         n_moved == 1 ? "" : "s");
        e = reload_restore_previous_units(r);
        if (e < 0)
                return e;
        e = daemon_reload(r->c);
        if (e < 0)
                return e;
        if (r->previous.number && app_revision_loaded(r->c, r->app, &r->previous) < 0)
                log_warning("%s: cannot record that revision %u is loaded again", r->app, r->previous.number);
        moved = TAKE_PTR(r->moved);
        r->rolling_back = true;
        r->n_moved = 0;
        r->done = 0;
        r->total = n_moved;
        e = reload_run_batches(r, moved, n_moved, false, &failed, &n_failed);
        reload_state_remove(r);
        if (e < 0 || n_failed > 0)
                return log_error_errno(e < 0 ? e : -EIO, "%s: rollback incomplete: %zu instance%s did not come back "
                                       "on the previous version", r->app, n_failed, n_failed == 1 ? "" : "s");
        log_info("%s: rolled back: all %u instances run the previous version", r->app, r->count);
        if (r->style == PROGRESS_JSON)
                json_event("rolled_back", NULL, "\"instances\":%u", r->count);
        return 0;
}

/* "promote" → "promoted", for the last line. */
static const char *done_word(const Reload *r) {
        return streq(r->verb, "promote") ? "promoted" : streq(r->verb, "undo") ? "rolled back" : "reloaded";
}

static void report_paused(Reload *r, unsigned on_new) {
        unsigned rest = r->count - on_new, from = r->state.from_revision;

        if (r->style == PROGRESS_JSON)
                json_event("paused", NULL, "\"revision\":%u,\"canary\":%u,\"remaining\":%u", r->revision.number,
                           on_new, rest);
        else if (!arg_quiet && !from) /* the same units: new code under them, say */
                log_info("%s: canary: %u of %u instance%s restarted, %u not yet (revision %u); the rollout is "
                         "paused.\n    'clusterctl promote %s' restarts the rest; the units did not change, so "
                         "'clusterctl undo %s' only ends the pause",
                         r->app, on_new, r->count, r->count == 1 ? "" : "s", rest, r->revision.number, r->app, r->app);
        else if (!arg_quiet)
                log_info("%s: canary: %u of %u instance%s on revision %u, %u on revision %u; the rollout is paused.\n"
                         "    'clusterctl promote %s' rolls it out to the rest, 'clusterctl undo %s' puts the canary "
                         "back",
                         r->app, on_new, r->count, r->count == 1 ? "" : "s", r->revision.number, rest, from, r->app,
                         r->app);
}

size_t reload_canary_size(const Reload *r, size_t n_pending) {
        size_t want;

        if (!r->canary_count && !r->canary_percent)
                return n_pending;
        want = batch_size(r->canary_count, r->canary_percent, r->count);
        return want < n_pending ? want : n_pending;
}

int reload_execute(Reload *r, const unsigned *pending, size_t n_pending) {
        _cleanup_free_ unsigned *failed = calloc(r->count ? r->count : 1, sizeof(unsigned));
        size_t n_failed = 0, n_run;
        bool canary;
        int e;

        if (!failed)
                return log_oom();
        n_run = reload_canary_size(r, n_pending);
        canary = n_run < n_pending;
        r->total = n_run;
        r->begin_usec = now_usec();
        if (r->style == PROGRESS_JSON)
                json_event("plan", NULL, "\"pending\":%zu,\"instances\":%u,\"resumed\":%s", n_run, r->count,
                           r->resumed ? "true" : "false");
        e = reload_run_batches(r, pending, n_run, r->on_failure != ON_FAILURE_CONTINUE, &failed, &n_failed);
        if (e < 0) {
                char again[64];
                snprintf(again, sizeof(again), "%s %s", r->verb, r->app);
                return log_error_errno(e, "%s: rollout interrupted: %m; every instance is still running (old or "
                                       "new); run 'clusterctl %s' again to finish", r->app, again);
        }
        if (n_failed > 0 || r->spare_failed) {
                if (r->on_failure == ON_FAILURE_ROLLBACK && r->units_changed) {
                        e = reload_rollback(r);
                        return e < 0 ? e : -EIO; /* rolled back, but the rollout itself failed */
                }
                if (r->on_failure == ON_FAILURE_ROLLBACK)
                        log_info("%s: nothing to roll back: this reload did not change the units", r->app);
                r->state.phase = ROLLOUT_PHASE_FAILED;
                (void) reload_state_write(r);
                reload_stop_failed(r, failed, n_failed);
                reload_report_versions(r, n_failed);
                return -EIO; /* each failure is reported above */
        }
        if (canary) {
                r->state.phase = ROLLOUT_PHASE_PAUSED;
                r->state.canary = r->count - (unsigned) (n_pending - n_run);
                if ((e = reload_state_write(r)) < 0)
                        return log_error_errno(e, "%s: cannot record the pause: %m; 'clusterctl reload %s' rolls out "
                                               "the rest", r->app, r->app);
                report_paused(r, r->state.canary);
                return EXIT_OK;
        }
        record_rollout_finished(r->c->scope, r->app, r->state.units_hash);
        reload_state_remove(r);
        record_last_reload(r->c->scope, r->app);
        char took[32];
        format_duration(now_usec() - r->begin_usec, took, sizeof(took));
        if (r->style == PROGRESS_JSON)
                json_event("done", NULL, "\"instances\":%zu,\"seconds\":%.3f,\"revision\":%u", n_pending,
                                  (double) (now_usec() - r->begin_usec) / 1e6, r->revision.number);
        else if (!arg_quiet) {
                char rev[32] = "";
                if (r->revision.number)
                        snprintf(rev, sizeof(rev), ", revision %u", r->revision.number);
                log_info("%s: %s %zu instance%s in %s%s%s", r->app, done_word(r), n_pending, n_pending == 1 ? "" : "s",
                         took, r->units_changed ? " (new units)" : "", rev);
        }
        return EXIT_OK;
}
