/* What a reload shows while it runs: one line per restarted instance (rewritten in place on a
 * terminal), or one JSON event per line with --json; the summary after a failure; the plan. */
#include "clusterctl.h"
#include "diff.h"
#include "instances.h"
#include "output.h"
#include "reload.h"
#include "rollout-run.h"
#include "unit-name.h"
#include "unitfs.h"
#include "util.h"

uint64_t *reload_start_time(Reload *r, const char *unit) {
        unsigned k;

        if (unit_name_parse_instance(unit, strlen(unit), r->app, ".service", &k) < 0 || k >= r->n_started)
                return NULL;
        return &r->started[k];
}

/* One instance at a time on a terminal: "restarting …" is rewritten in place when it is ready. */
static bool one_at_a_time(const Reload *r) {
        return r->style == PROGRESS_TTY && r->batch_count == 1 && !r->batch_percent && r->spares == 0;
}

void reload_progress_restarting(Reload *r, const char *unit) {
        if (r->style == PROGRESS_JSON)
                json_event("restarting", unit, NULL);
        else if (one_at_a_time(r)) {
                fprintf(stderr, "%-16s restarting …", unit);
                fflush(stderr);
        }
}

void reload_on_job_finished(const Job *job, void *userdata) {
        Reload *r = userdata;
        uint64_t *started = reload_start_time(r, job->unit);
        double took = started && *started ? (double) (now_usec() - *started) / 1e6 : 0;
        bool ok = job->state == JOB_FINISHED && streq_ptr(job->result, "done");
        bool spare = streq_ptr(job->method, "StartUnit");
        const char *result = job->state == JOB_CALL_FAILED ? "refused" : strna(job->result);

        if (!spare)
                r->done++;
        if (r->style == PROGRESS_JSON) {
                json_event(ok ? (spare ? "spare_started" : "ready") : (spare ? "spare_failed" : "failed"), job->unit,
                                  "\"seconds\":%.3f,\"result\":\"%s\",\"done\":%zu,\"total\":%zu", took,
                                  strna(job->result), r->done, r->total);
                return;
        }
        if (arg_quiet && ok)
                return;
        if (one_at_a_time(r))
                fprintf(stderr, "\r\033[K");
        if (spare && ok)
                fprintf(stderr, "%-16s spare … ready in %.2fs, trying the new version for %.1fs\n", job->unit, took,
                        r->grace);
        else if (spare)
                fprintf(stderr, "%-16s spare … %s after %.2fs\n", job->unit, result, took);
        else if (ok)
                fprintf(stderr, "%-16s restarting … ready in %.2fs  [%zu/%zu]\n", job->unit, took, r->done, r->total);
        else
                fprintf(stderr, "%-16s restarting … %s after %.2fs  [%zu/%zu]\n", job->unit, result, took, r->done,
                        r->total);
}

void reload_report_unstable(Reload *r, const char *unit, const char *state) {
        log_error("%s: was ready, then did not stay up for %.1fs: now %s", unit, r->grace, strna(state));
        if (r->style == PROGRESS_JSON)
                json_event("failed", unit, "\"reason\":\"unstable\",\"active_state\":\"%s\"", strna(state));
}

void reload_report_versions(Reload *r, size_t n_failed) {
        size_t moved_ok = r->n_moved > n_failed ? r->n_moved - n_failed : 0;
        size_t old = r->count - r->n_moved;
        if (r->spare_failed && r->n_moved == 0)
                log_info("%s: the new version failed on a spare instance before any instance was restarted: all %u "
                         "still run the old one", r->app, r->count);
        else
                log_info("%s: %zu instance%s on the new version, %zu still on the old one, %zu failed", r->app,
                         moved_ok, moved_ok == 1 ? "" : "s", old, n_failed);
        if (r->units_changed && r->on_failure != ON_FAILURE_ROLLBACK)
                log_info("    the units on disk are the new version: fix the config and reload again, or reload "
                         "with --on-failure rollback");
        if (r->style == PROGRESS_JSON)
                json_event("summary", NULL, "\"new\":%zu,\"old\":%zu,\"failed\":%zu,\"spare_failed\":%s", moved_ok, old,
                           n_failed, r->spare_failed && r->n_moved == 0 ? "true" : "false");
}

void reload_print_dry_run(Reload *r, const unsigned *pending, size_t n_pending) {
        _cleanup_(rollout_plan_done) RolloutPlan plan = {};
        unsigned spares = rollout_spares(r->c, r->app, r->count, r->surge, r->surge_percent);

        size_t n_run = reload_canary_size(r, n_pending);

        if (rollout_plan(pending, n_run, r->batch_count, r->batch_percent, &plan) < 0)
                return;
        /* Each spare lets one more restart at a time, as rollout_run does. */
        plan.batch += spares;
        printf("%s: %u instance%s enabled, %zu to restart in batches of %zu, pause %.1fs, grace %.1fs, on failure: %s\n",
               r->app, r->count, r->count == 1 ? "" : "s", n_run, plan.batch, r->pause, r->grace,
               on_failure_to_string(r->on_failure));
        if (n_run < n_pending)
                printf("canary: the rollout then pauses with %zu instance%s not yet restarted\n", n_pending - n_run,
                       n_pending - n_run == 1 ? "" : "s");
        if (spares > 0 && n_run > 0) {
                printf("spare%s first:", spares == 1 ? "" : "s");
                for (unsigned i = 0; i < spares; i++)
                        printf(" %s@%u", r->app, r->count + i);
                printf("\n");
        }
        if (r->resumed)
                printf("resuming an unfinished rollout: %u instance%s already on the new version\n",
                       r->count - (unsigned) n_pending, r->count - n_pending == 1 ? "" : "s");
        for (size_t k = 0; k < rollout_n_batches(&plan); k++) {
                const unsigned *b;
                size_t bn;
                rollout_batch(&plan, k, &b, &bn);
                printf("batch %zu:", k + 1);
                for (size_t i = 0; i < bn; i++)
                        printf(" %s@%u", r->app, b[i]);
                printf("\n");
        }
        if (!r->units_changed) {
                printf("units unchanged\n");
                return;
        }
        for (size_t i = 0; i < r->plan.write.n_files; i++) {
                _cleanup_free_ char *old = NULL, *diff = NULL, *a = NULL, *b = NULL;
                const UnitFile *f = &r->plan.write.files[i];
                (void) unitfs_read(r->c->unit_dir, f->path, &old);
                if (asprintf_safe(&a, "%s/%s", r->c->unit_dir, f->path) < 0 || asprintf_safe(&b, "%s (new)", a) < 0)
                        return;
                if (unified_diff(old ? a : "/dev/null", strempty(old), b, f->text, &diff) >= 0)
                        fputs(diff, stdout);
        }
        for (size_t i = 0; r->plan.remove && r->plan.remove[i]; i++)
                printf("remove %s/%s\n", r->c->unit_dir, r->plan.remove[i]);
}
