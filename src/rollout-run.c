/* The rollout loop: spares, batches, the watch and the final settle. */
#include "rollout-run.h"

#include "instances.h"
#include "output.h"
#include "rollout.h"
#include "unitfs.h"
#include "util.h"
#include "verb-common.h"
#include "watch.h"

typedef struct Run {
        Cluster *c;
        const char *app;
        unsigned count;
        const RolloutOptions *o;
        const RolloutProgress *p;
        RolloutResult *res;
        UnitWatch *watch;
        uint64_t job_budget; /* how long one start or restart may take, from the units' timeouts */
        unsigned *spares;
        size_t n_spares;
        bool spare_dropins; /* per-instance drop-ins were written for the spares */
        JobWaiter *spare_stops; /* the spares' StopUnit jobs, once asked for */
} Run;

void rollout_result_done(RolloutResult *r) {
        free(r->moved);
        free(r->failed);
        *r = (RolloutResult) {};
}

static void event(Run *run, RolloutEvent e, const char *unit, const char *detail) {
        if (run->p && run->p->event)
                run->p->event(run->p->userdata, e, unit, detail);
}

static bool is_spare(const Run *run, unsigned k) {
        return k >= run->count;
}

static int add_failed(Run *run, unsigned k) {
        if (is_spare(run, k)) {
                run->res->spare_failed = true;
                return 0;
        }
        for (size_t i = 0; i < run->res->n_failed; i++)
                if (run->res->failed[i] == k)
                        return 0;
        return index_list_add(&run->res->failed, &run->res->n_failed, k);
}

/* Every watched instance that failed goes to the result, reported once. */
static int take_watch_failures(Run *run) {
        _cleanup_strv_free_ char **units = unit_watch_failed_units(run->watch);
        int e;

        if (!units)
                return -ENOMEM;
        for (size_t i = 0; units[i]; i++) {
                unsigned k;
                if (unit_name_parse_instance(units[i], strlen(units[i]), run->app, ".service", &k) < 0)
                        continue;
                event(run, ROLLOUT_UNSTABLE, units[i], unit_watch_state(run->watch, units[i]));
                if ((e = add_failed(run, k)) < 0)
                        return e;
                unit_watch_remove(run->watch, units[i]);
        }
        return 0;
}

/* Watches until `until` (monotonic), ending early when a watched instance fails. */
static int watch_until(Run *run, uint64_t until) {
        int e = unit_watch_run_until(run->watch, until);
        if (e == -ECANCELED)
                return take_watch_failures(run);
        return e;
}

static uint64_t seconds_usec(double s) {
        return s > 0 ? (uint64_t) (s * 1e6) : 0;
}

/* Starts (spares) or restarts a group at once and waits for READY; each ready instance joins the
 * watch, from the time the manager saw it become active. */
static int run_group(Run *run, const char *method, const unsigned *group, size_t n) {
        _cleanup_strv_free_ char **units = instance_units(run->app, group, n, ".service");
        _cleanup_(job_waiter_freep) JobWaiter *w = NULL;
        UnitInfo *after = NULL;
        uint64_t since_realtime = realtime_usec();
        int e;

        if (!units)
                return -ENOMEM;
        if ((e = job_waiter_new(run->c->bus, &w)) < 0)
                return e;
        for (size_t i = 0; i < n; i++) {
                event(run, is_spare(run, group[i]) ? ROLLOUT_SPARE_STARTING : ROLLOUT_RESTARTING, units[i], NULL);
                if ((e = job_waiter_enqueue(w, method, units[i], "replace")) < 0)
                        return e;
                if (!is_spare(run, group[i]) && (e = index_list_add(&run->res->moved, &run->res->n_moved, group[i])) < 0)
                        return e;
        }
        e = job_waiter_wait(w, now_usec() + run->job_budget, run->p ? run->p->job_finished : NULL,
                            run->p ? run->p->userdata : NULL);
        if (e < 0 && e != -ETIME)
                return e;
        if (report_job_failures(run->c, w, since_realtime, e == -ETIME) > 0) {
                for (size_t i = 0; i < n; i++) {
                        const Job *j = job_waiter_get(w, i);
                        if (!(j->state == JOB_FINISHED && streq_ptr(j->result, "done")) &&
                            (e = add_failed(run, group[i])) < 0)
                                return e;
                }
        }
        if ((e = bus_get_unit_infos(run->c->bus, units,
                                    UNIT_PROPERTIES_STATE | UNIT_PROPERTY_BIT(UNIT_INVOCATION_ID) |
                                            UNIT_PROPERTY_BIT(UNIT_ACTIVE_ENTER_MONOTONIC),
                                    &after, now_usec() + BUS_QUERY_TIMEOUT_USEC)) < 0)
                return e;
        for (size_t i = 0; i < n && e >= 0; i++) {
                const Job *j = job_waiter_get(w, i);
                if (!(j->state == JOB_FINISHED && streq_ptr(j->result, "done")))
                        continue;
                if (!streq_ptr(after[i].active_state, "active") || !after[i].has_invocation_id) {
                        event(run, ROLLOUT_UNSTABLE, units[i], after[i].active_state);
                        e = add_failed(run, group[i]);
                        continue;
                }
                uint64_t ready = after[i].active_enter_monotonic ? after[i].active_enter_monotonic : now_usec();
                e = unit_watch_add(run->watch, units[i], after[i].invocation_id, ready);
                if (e >= 0 && is_spare(run, group[i]))
                        event(run, ROLLOUT_SPARE_READY, units[i], NULL);
        }
        unit_infos_free(after, n);
        return e < 0 ? e : 0;
}

/* A spare gets the drop-in an instance of its index would (increment_var), as scale writes it. */
static int write_spare_dropins(Run *run) {
        _cleanup_(app_done) App minimal = {};
        _cleanup_free_ char *rel = NULL, *text = NULL;
        int e;

        if (asprintf_safe(&rel, "%s@.service", run->app) < 0)
                return -ENOMEM;
        if ((e = unitfs_read(run->c->unit_dir, rel, &text)) < 0 || (e = app_from_marker(text, &minimal)) < 0)
                return e;
        if (!minimal.increment_var)
                return 0;
        for (size_t i = 0; i < run->n_spares; i++) {
                UnitFile *f = NULL;
                if ((e = render_instance_dropin(&minimal, run->spares[i], &f)) < 0)
                        return e;
                if (f)
                        e = unitfs_write_atomic(run->c->unit_dir, f->path, f->text);
                if (f) {
                        free(f->path);
                        free(f->text);
                        free(f);
                }
                if (e < 0)
                        return e;
        }
        run->spare_dropins = true;
        return daemon_reload(run->c);
}

/* Asks the manager to stop the spares, without waiting: stop_spares() waits. */
static int begin_stop_spares(Run *run) {
        _cleanup_strv_free_ char **units = instance_units(run->app, run->spares, run->n_spares, ".service");
        int e;

        if (!units)
                return -ENOMEM;
        if (!run->spare_stops && (e = job_waiter_new(run->c->bus, &run->spare_stops)) < 0)
                return e;
        for (size_t i = 0; units[i]; i++) {
                unit_watch_remove(run->watch, units[i]);
                event(run, ROLLOUT_SPARE_STOPPING, units[i], NULL);
                if ((e = job_waiter_enqueue(run->spare_stops, "StopUnit", units[i], "replace")) < 0)
                        return e;
        }
        return 0;
}

static void stop_spares(Run *run) {
        uint64_t since_realtime = realtime_usec();
        int e = 0;

        if (!run->spare_stops)
                e = begin_stop_spares(run);
        if (e >= 0)
                e = job_waiter_wait(run->spare_stops, now_usec() + run->job_budget, NULL, NULL);
        if (e == -ETIME || (e >= 0 && !job_waiter_all_done(run->spare_stops)))
                (void) report_job_failures(run->c, run->spare_stops, since_realtime, e == -ETIME);
        run->spare_stops = job_waiter_free(run->spare_stops);
        for (size_t i = 0; run->spare_dropins && i < run->n_spares; i++) {
                _cleanup_free_ char *dropin = NULL;
                if (render_instance_dropin_path(run->app, run->spares[i], &dropin) >= 0)
                        (void) unitfs_remove(run->c->unit_dir, dropin);
        }
}

/* The spares start and prove the new version while every old instance serves. */
static int run_spares(Run *run) {
        int e;

        /* One left by an interrupted rollout is stopped first, as a scale down would. */
        if ((e = stop_instances_from(run->c, run->app, run->count)) < 0)
                return e;
        if ((e = write_spare_dropins(run)) < 0)
                return e;
        /* The first spare alone: a version that cannot get ready fails on one instance. */
        if ((e = run_group(run, "StartUnit", run->spares, 1)) < 0 || run->res->spare_failed)
                return e;
        uint64_t proven_at = unit_watch_last_ready(run->watch) + seconds_usec(run->o->grace);
        /* The others start while it proves itself: the wait costs no time of its own. They are
         * watched from their READY on, like every instance the rollout moves. */
        if (run->n_spares > 1 &&
            ((e = run_group(run, "StartUnit", run->spares + 1, run->n_spares - 1)) < 0 || run->res->spare_failed))
                return e;
        if (unit_watch_any_failed(run->watch))
                return take_watch_failures(run);
        return watch_until(run, proven_at);
}

/* Every moved instance (and spare) still active on the invocation it became ready as. */
static int final_check(Run *run) {
        _cleanup_strv_free_ char **units = instance_units(run->app, run->res->moved, run->res->n_moved, ".service");
        UnitInfo *now = NULL;
        int e;

        if (!units)
                return -ENOMEM;
        if ((e = bus_get_unit_infos(run->c->bus, units, UNIT_PROPERTIES_STATE, &now, now_usec() + BUS_QUERY_TIMEOUT_USEC)) < 0)
                return e;
        /* Signals that came with the reply are processed before deciding. */
        (void) bus_run_until(run->c->bus, 0, NULL, NULL);
        for (size_t i = 0; i < run->res->n_moved && e >= 0; i++)
                if (!unit_watch_state(run->watch, units[i]) && !streq_ptr(now[i].active_state, "active"))
                        unit_watch_mark_failed(run->watch, units[i], strna(now[i].active_state));
        unit_infos_free(now, run->res->n_moved);
        return take_watch_failures(run);
}

static int run_all(Run *run, const unsigned *pending, size_t n) {
        _cleanup_(rollout_plan_done) RolloutPlan plan = {};
        bool proven = false;
        int e;

        if (run->n_spares > 0) {
                if ((e = run_spares(run)) < 0)
                        return e;
                if (run->res->spare_failed)
                        return 0;
                proven = true;
        }
        if ((e = rollout_plan(pending, n, run->o->batch_count, run->o->batch_percent, &plan)) < 0)
                return e;
        /* Each spare serving lets one more instance restart at the same time. */
        plan.batch += run->n_spares;
        for (size_t k = 0; k < rollout_n_batches(&plan); k++) {
                const unsigned *group;
                size_t gn, failed_before = run->res->n_failed;
                /* A moved instance that failed since (the watch saw it during a pause, or while the
                 * last batch restarted) stops the rollout before the next batch. */
                if (run->res->n_failed > 0 && run->o->stop_on_failure)
                        return 0;
                if (k > 0 && run->p && run->p->stop_requested && run->p->stop_requested(run->p->userdata))
                        return -ECONNABORTED;
                rollout_batch(&plan, k, &group, &gn);
                if ((e = run_group(run, "RestartUnit", group, gn)) < 0)
                        return e;
                if (!proven && run->res->n_failed == failed_before &&
                    (e = watch_until(run, unit_watch_last_ready(run->watch) + seconds_usec(run->o->grace))) < 0)
                        return e;
                if (unit_watch_any_failed(run->watch) && (e = take_watch_failures(run)) < 0)
                        return e;
                proven = true;
                if (run->o->pause > 0 && k + 1 < rollout_n_batches(&plan) &&
                    (e = watch_until(run, now_usec() + seconds_usec(run->o->pause))) < 0)
                        return e;
        }
        if (run->res->n_failed > 0 && run->o->stop_on_failure)
                return 0;
        /* Every instance is on the new version: the spares may go while the last batches, which moved
         * on at READY, stay watched until they have been up for grace. */
        if (run->n_spares > 0 && (e = begin_stop_spares(run)) < 0)
                return e;
        if ((e = watch_until(run, unit_watch_last_ready(run->watch) + seconds_usec(run->o->grace))) < 0)
                return e;
        return final_check(run);
}

int rollout_run(Cluster *c, const char *app, unsigned count, const unsigned *pending, size_t n,
                const RolloutOptions *o, const RolloutProgress *p, RolloutResult *ret) {
        _cleanup_(unit_watch_freep) UnitWatch *watch = NULL;
        _cleanup_free_ unsigned *spares = NULL;
        _cleanup_strv_free_ char **sample = NULL;
        Run run = { .c = c, .app = app, .count = count, .o = o, .p = p, .res = ret };
        int e;

        *ret = (RolloutResult) {};
        /* Nothing left to move (a killed rollout moved them all): a spare it left still goes, as
         * run_spares() would stop it, or it serves on beside the instances for good. Whatever surge
         * says now: the killed rollout may have had another. Its drop-in is the plan's to remove. */
        if (n == 0)
                return stop_instances_from(c, app, count);
        if ((e = unit_watch_new(c->bus, &watch)) < 0)
                return e;
        run.watch = watch;
        /* Every instance has the template's timeouts: one asks the manager for them. */
        if (!(sample = instance_units(app, pending, 1, ".service")))
                return -ENOMEM;
        run.job_budget = cluster_job_deadline(c, sample) - now_usec();
        if (o->surge > 0) {
                if (!(spares = calloc(o->surge, sizeof(unsigned))))
                        return -ENOMEM;
                for (unsigned i = 0; i < o->surge; i++)
                        spares[i] = count + i;
                run.spares = spares;
                run.n_spares = o->surge;
        }
        e = run_all(&run, pending, n);
        if (run.n_spares > 0)
                stop_spares(&run);
        return e;
}

unsigned rollout_spares(Cluster *c, const char *app, unsigned count, unsigned surge, unsigned surge_percent) {
        _cleanup_free_ char *shared = NULL;

        if ((surge == 0 && surge_percent == 0) || asprintf_safe(&shared, "%s.socket", app) < 0 ||
            !unitfs_exists(c->unit_dir, shared))
                return 0;
        unsigned s = surge_percent ? batch_size(0, surge_percent, count) : surge;
        return s < INSTANCES_MAX - count ? s : 0;
}
