/* The rollout itself: restart a batch, wait for every job, confirm each instance is a new
 * process that stays up through the grace period, then the next batch. */
#include "output.h"
#include "reload.h"
#include "remote.h"
#include "unitfs.h"
#include "util.h"
#include "verb-common.h"

static int fetch_infos(Reload *r, const unsigned *indices, size_t n, UnitInfo **ret) {
        _cleanup_strv_free_ char **units = instance_units(r->app, indices, n, ".service");
        if (!units)
                return -ENOMEM;
        return bus_get_unit_infos(r->c->bus, units, UNIT_PROPERTIES_ALL, ret, now_usec() + 25 * 1000000ULL);
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

/* Processes bus traffic until the deadline: how we wait without sleeping blind. */
static int wait_on_bus(Reload *r, double seconds) {
        return bus_run_until(r->c->bus, now_usec() + (uint64_t) (seconds * 1e6), NULL, NULL);
}

static int add_moved(Reload *r, unsigned k) {
        for (size_t i = 0; i < r->n_moved; i++)
                if (r->moved[i] == k)
                        return 0;
        unsigned *m = realloc(r->moved, sizeof(unsigned) * (r->n_moved + 1));
        if (!m)
                return -ENOMEM;
        r->moved = m;
        m[r->n_moved++] = k;
        return 0;
}


/* Restarts one batch and checks it: every job done, every instance active with a new invocation,
 * and still so after the grace period. Adds failing instances to *failed. */
static int run_batch(Reload *r, const unsigned *batch, size_t n, bool grace, unsigned **failed, size_t *n_failed) {
        _cleanup_strv_free_ char **units = instance_units(r->app, batch, n, ".service");
        _cleanup_(job_waiter_freep) JobWaiter *w = NULL;
        UnitInfo *before = NULL, *after = NULL, *settled = NULL;
        uint64_t since_realtime = realtime_usec();
        int e;

        if (!units)
                return -ENOMEM;
        if ((e = fetch_infos(r, batch, n, &before)) < 0)
                return e;
        if ((e = job_waiter_new(r->c->bus, &w)) < 0)
                goto out;
        uint64_t deadline = cluster_job_deadline(r->c, units);
        r->batch_begin_usec = now_usec();
        for (size_t i = 0; i < n; i++) {
                reload_progress_restarting(r, units[i]);
                if ((e = job_waiter_enqueue(w, "RestartUnit", units[i], "replace")) < 0)
                        goto out;
                if ((e = add_moved(r, batch[i])) < 0)
                        goto out;
        }
        e = job_waiter_wait(w, deadline, reload_on_job_finished, r);
        if (e < 0 && e != -ETIME)
                goto out;
        if (report_job_failures(r->c, w, since_realtime, e == -ETIME) > 0) {
                for (size_t i = 0; i < n; i++) {
                        const Job *j = job_waiter_get(w, i);
                        if (!(j->state == JOB_FINISHED && streq_ptr(j->result, "done")))
                                (*failed)[(*n_failed)++] = batch[i];
                }
                e = 0;
                goto out;
        }

        /* Done means READY=1 for notify apps; confirm each is a new process, then that it stays. */
        if ((e = fetch_infos(r, batch, n, &after)) < 0)
                goto out;
        if (grace && r->grace > 0 && (e = wait_on_bus(r, r->grace)) < 0)
                goto out;
        if ((e = fetch_infos(r, batch, n, &settled)) < 0)
                goto out;
        for (size_t i = 0; i < n; i++) {
                bool new_invocation = after[i].has_invocation_id &&
                                      (!before[i].has_invocation_id ||
                                       memcmp(before[i].invocation_id, after[i].invocation_id, 16) != 0);
                bool stayed = is_active(&settled[i]) && settled[i].has_invocation_id &&
                              memcmp(settled[i].invocation_id, after[i].invocation_id, 16) == 0;
                if (!is_active(&after[i]) || !new_invocation || !stayed) {
                        reload_report_unstable(r, &settled[i]);
                        (*failed)[(*n_failed)++] = batch[i];
                }
        }
        e = 0;
out:
        free_infos(before, n);
        free_infos(after, n);
        free_infos(settled, n);
        return e;
}

int reload_run_batches(Reload *r, const unsigned *indices, size_t n, bool stop_on_failure, unsigned **failed,
                       size_t *n_failed) {
        _cleanup_(rollout_plan_done) RolloutPlan plan = {};
        int e;

        e = rollout_plan(indices, n, r->batch_count, r->batch_percent, &plan);
        if (e < 0)
                return e;
        for (size_t k = 0; k < rollout_n_batches(&plan); k++) {
                const unsigned *batch;
                size_t bn, before = *n_failed;
                /* Between two batches every instance is up, old or new: the place to stop when the
                 * controller that asked for this rollout is gone. A rollback goes to its end. */
                if (k > 0 && !r->rolling_back && remote_controller_gone())
                        return -ECONNABORTED;
                rollout_batch(&plan, k, &batch, &bn);
                if ((e = run_batch(r, batch, bn, true, failed, n_failed)) < 0)
                        return e;
                if (*n_failed > before && stop_on_failure)
                        return 0;
                if (r->pause > 0 && k + 1 < rollout_n_batches(&plan) && (e = wait_on_bus(r, r->pause)) < 0)
                        return e;
        }
        return 0;
}

/* With a socket per instance (reuseport) the failed instance's socket goes too: the kernel would
 * keep hashing connections into its backlog, where nobody accepts them. */
void reload_stop_failed(Reload *r, const unsigned *failed, size_t n) {
        _cleanup_strv_free_ char **units = instance_units(r->app, failed, n, ".service");
        _cleanup_free_ char *socket_template = NULL, *text = NULL;

        if (!units || asprintf_safe(&socket_template, "%s@.socket", r->app) < 0)
                return;
        bool own_sockets = unitfs_read(r->c->unit_dir, socket_template, &text) >= 0;
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
        log_info("%s: rolling back %zu instance%s to the previous units", r->app, n_moved, n_moved == 1 ? "" : "s");
        e = reload_restore_previous_units(r);
        if (e < 0)
                return e;
        e = daemon_reload(r->c);
        if (e < 0)
                return e;
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
