/* clusterctl reload APP: a staggered restart, batch by batch, each instance waited for until it
 * is ready again and still up after a short grace period. A config change is rolled out by the
 * reload itself. On a failure the rollout stops: instances not yet restarted keep serving the
 * old version untouched (or, with on_failure = "rollback", the moved ones are put back).
 * Killed at any point, it leaves every instance running; run again, it finishes the job without
 * restarting an instance that is already on the new version. */
#include <stdarg.h>
#include <unistd.h>

#include "app-status.h"
#include "diff.h"
#include "instances.h"
#include "output.h"
#include "rollout.h"
#include "unitfs.h"
#include "util.h"
#include "verb-common.h"

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
} Reload;

static void reload_done(Reload *r) {
        unit_plan_done(&r->plan);
        for (size_t i = 0; i < r->n_saved; i++) {
                free(r->saved[i].path);
                free(r->saved[i].text);
        }
        free(r->saved);
        free(r->moved);
}

/* --- output ---------------------------------------------------------------------------- */

static void json_event(const char *event, const char *unit, const char *fmt, ...) _printf_(3, 4);
static void json_event(const char *event, const char *unit, const char *fmt, ...) {
        printf("{\"event\":\"%s\"", event);
        if (unit) {
                printf(",\"unit\":");
                json_print_string(stdout, unit);
        }
        if (fmt) {
                va_list ap;
                va_start(ap, fmt);
                putchar(',');
                vprintf(fmt, ap);
                va_end(ap);
        }
        printf("}\n");
        fflush(stdout);
}

static void progress_restarting(Reload *r, const char *unit) {
        if (r->style == PROGRESS_JSON)
                json_event("restarting", unit, NULL);
        else if (r->style == PROGRESS_TTY && r->batch_count == 1 && !r->batch_percent) {
                fprintf(stderr, "%-16s restarting …", unit);
                fflush(stderr);
        }
}

static void on_job_finished(const Job *job, void *userdata) {
        Reload *r = userdata;
        double took = (double) (now_usec() - r->batch_begin_usec) / 1e6;
        bool ok = job->state == JOB_FINISHED && streq_ptr(job->result, "done");
        bool rewrite = r->style == PROGRESS_TTY && r->batch_count == 1 && !r->batch_percent;

        r->done++;
        if (r->style == PROGRESS_JSON) {
                json_event(ok ? "ready" : "failed", job->unit, "\"seconds\":%.3f,\"result\":\"%s\",\"done\":%zu,\"total\":%zu",
                           took, strna(job->result), r->done, r->total);
                return;
        }
        if (arg_quiet && ok)
                return;
        if (rewrite)
                fprintf(stderr, "\r\033[K");
        if (ok)
                fprintf(stderr, "%-16s restarting … ready in %.2fs  [%zu/%zu]\n", job->unit, took, r->done, r->total);
        else
                fprintf(stderr, "%-16s restarting … %s after %.2fs  [%zu/%zu]\n", job->unit,
                        job->state == JOB_CALL_FAILED ? "refused" : strna(job->result), took, r->done, r->total);
}

/* --- config and units ------------------------------------------------------------------ */

/* The config this reload applies: -c, the one the units were rendered from, or the default. */
static int load_app_config(Reload *r, AppList *apps, char **ret_path) {
        _cleanup_free_ char *template = NULL, *rel = NULL, *from_marker = NULL, *found = NULL;
        const char *path = arg_config;
        int e;

        if (!path) {
                if (asprintf_safe(&rel, "%s@.service", r->app) < 0)
                        return EXIT_FAILURE_;
                if (unitfs_read(r->c->unit_dir, rel, &template) >= 0) {
                        App marker = {};
                        if (app_from_marker(template, &marker) >= 0) {
                                from_marker = TAKE_PTR(marker.config_path);
                                app_done(&marker);
                        }
                }
                if (from_marker && access(from_marker, R_OK) == 0)
                        path = from_marker;
                else if (find_app_config(arg_scope, r->app, &found) >= 0)
                        path = found;
        }
        if (!path) {
                if (!arg_quiet && r->style != PROGRESS_JSON)
                        log_warning("%s: no config found%s%s; restarting the installed units as they are", r->app,
                                    from_marker ? " at " : "", strempty(from_marker));
                *ret_path = NULL;
                return 0;
        }
        if ((e = load_config(path, apps)))
                return e;
        for (size_t i = 0; i < apps->n_apps; i++)
                if (streq(apps->apps[i].name, r->app)) {
                        r->config = &apps->apps[i];
                        return (*ret_path = strdup(path)) ? 0 : EXIT_FAILURE_;
                }
        log_error("%s defines no app named '%s'", path, r->app);
        return EXIT_USAGE;
}

/* The identity of what this reload rolls out: rendered units, or the installed ones. */
static int desired_units_hash(Reload *r, uint64_t *ret) {
        _cleanup_(unit_set_done) UnitSet set = {};
        _cleanup_strv_free_ char **files = NULL;
        _cleanup_free_ char *error = NULL;
        int e;

        if (r->config) {
                e = render_app_all(r->config, r->c->scope, &r->c->limits, r->count, &set, &error);
                if (e < 0)
                        return e;
        } else {
                e = unitfs_app_files(r->c->unit_dir, r->app, &files);
                if (e < 0)
                        return e;
                for (size_t i = 0; files && files[i]; i++) {
                        char *text = NULL;
                        if ((e = unitfs_read(r->c->unit_dir, files[i], &text)) < 0 ||
                            (e = unit_set_add(&set, files[i], text)) < 0)
                                return e;
                }
        }
        *ret = unit_set_hash(&set);
        return 0;
}

static int save_file(Reload *r, const char *path) {
        SavedFile *s = realloc(r->saved, sizeof(SavedFile) * (r->n_saved + 1));
        if (!s)
                return -ENOMEM;
        r->saved = s;
        s[r->n_saved] = (SavedFile) { .path = strdup(path) };
        if (!s[r->n_saved].path)
                return -ENOMEM;
        int e = unitfs_read(r->c->unit_dir, path, &s[r->n_saved].text);
        if (e < 0 && e != -ENOENT)
                return e;
        r->n_saved++;
        return 0;
}

/* Keeps what the files were, so a rollback can put them back. */
static int save_previous_units(Reload *r) {
        int e;
        for (size_t i = 0; i < r->plan.write.n_files; i++)
                if ((e = save_file(r, r->plan.write.files[i].path)) < 0)
                        return e;
        for (size_t i = 0; r->plan.remove && r->plan.remove[i]; i++)
                if ((e = save_file(r, r->plan.remove[i])) < 0)
                        return e;
        return 0;
}

static int restore_previous_units(Reload *r) {
        int e;
        for (size_t i = 0; i < r->n_saved; i++) {
                if (r->saved[i].text)
                        e = unitfs_write_atomic(r->c->unit_dir, r->saved[i].path, r->saved[i].text);
                else
                        e = unitfs_remove(r->c->unit_dir, r->saved[i].path);
                if (e < 0) {
                        log_error("%s: cannot restore %s/%s: %s", r->app, r->c->unit_dir, r->saved[i].path, strerror(-e));
                        return e;
                }
        }
        return 0;
}

static int state_write(Reload *r) {
        _cleanup_free_ char *path = NULL, *text = rollout_state_format(&r->state);
        int e = app_runtime_file(r->c->scope, r->app, ".rollout", &path);
        if (e < 0 || !text)
                return e < 0 ? e : -ENOMEM;
        _cleanup_free_ char *tmp = strjoin(path, ".tmp");
        FILE *f = tmp ? fopen(tmp, "we") : NULL;
        if (!f)
                return -errno;
        fputs(text, f);
        if (fclose(f) != 0 || rename(tmp, path) < 0)
                return -errno;
        return 0;
}

static void state_read(Reload *r, RolloutState *ret, bool *ret_found) {
        _cleanup_free_ char *path = NULL;
        _cleanup_fclose_ FILE *f = NULL;
        char buf[256] = "";

        *ret_found = false;
        if (app_runtime_file(r->c->scope, r->app, ".rollout", &path) < 0 || !(f = fopen(path, "re")))
                return;
        if (fread(buf, 1, sizeof(buf) - 1, f) > 0 && rollout_state_parse(buf, ret) >= 0)
                *ret_found = true;
}

static void state_remove(Reload *r) {
        _cleanup_free_ char *path = NULL;
        if (app_runtime_file(r->c->scope, r->app, ".rollout", &path) >= 0)
                (void) unlink(path);
}

/* --- the rollout ----------------------------------------------------------------------- */

static int fetch_infos(Reload *r, const unsigned *indices, size_t n, UnitInfo **ret) {
        _cleanup_strv_free_ char **units = instance_units(r->app, indices, n, ".service");
        if (!units)
                return -ENOMEM;
        return bus_get_unit_infos(r->c->bus, units, ret, now_usec() + 25 * 1000000ULL);
}

static void free_infos(UnitInfo *infos, size_t n) {
        for (size_t i = 0; infos && i < n; i++)
                unit_info_done(&infos[i]);
        free(infos);
}

static bool is_active(const UnitInfo *u) {
        return streq_ptr(u->active_state, "active");
}

/* Instances still on the old version: not running a process started since the rollout began. */
static int pending_instances(Reload *r, unsigned **ret, size_t *ret_n) {
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

/* Reports an instance that became ready but did not stay up through the grace period. */
static void report_unstable(Reload *r, const UnitInfo *u, uint64_t since_realtime) {
        const char *why = service_result_text(u->result);
        log_error("%s: was ready, then did not stay up for %.1fs: now %s (%s), result %s%s%s", u->name, r->grace,
                  strna(u->active_state), strna(u->sub_state), strna(u->result), why ? " — " : "", why ? why : "");
        if (r->style == PROGRESS_JSON)
                json_event("failed", u->name, "\"reason\":\"unstable\",\"active_state\":\"%s\"", strna(u->active_state));
        (void) since_realtime;
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
                progress_restarting(r, units[i]);
                if ((e = job_waiter_enqueue(w, "RestartUnit", units[i], "replace")) < 0)
                        goto out;
                if ((e = add_moved(r, batch[i])) < 0)
                        goto out;
        }
        e = job_waiter_wait(w, deadline, on_job_finished, r);
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
                        report_unstable(r, &settled[i], since_realtime);
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

static int run_batches(Reload *r, const unsigned *indices, size_t n, bool stop_on_failure, unsigned **failed,
                       size_t *n_failed) {
        _cleanup_(rollout_plan_done) RolloutPlan plan = {};
        int e;

        e = rollout_plan(indices, n, r->batch_count, r->batch_percent, &plan);
        if (e < 0)
                return e;
        for (size_t k = 0; k < rollout_n_batches(&plan); k++) {
                const unsigned *batch;
                size_t bn, before = *n_failed;
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

/* Stops instances that failed, so a broken version does not crash-loop: the others serve. */
/* With a socket per instance (reuseport) the failed instance's socket goes too: the kernel would
 * keep hashing connections into its backlog, where nobody accepts them. */
static void stop_failed(Reload *r, const unsigned *failed, size_t n) {
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

/* Counts of instances on the new version (moved and ok) and the old one (never restarted). */
static void report_versions(Reload *r, size_t n_failed) {
        size_t moved_ok = r->n_moved - n_failed;
        size_t old = r->count - r->n_moved;
        log_info("%s: %zu instance%s on the new version, %zu still on the old one, %zu failed", r->app, moved_ok,
                 moved_ok == 1 ? "" : "s", old, n_failed);
        if (r->units_changed && r->on_failure != ON_FAILURE_ROLLBACK)
                log_info("    the units on disk are the new version: fix the config and reload again, or reload "
                         "with --on-failure rollback");
        if (r->style == PROGRESS_JSON)
                json_event("summary", NULL, "\"new\":%zu,\"old\":%zu,\"failed\":%zu", moved_ok, old, n_failed);
}

static int rollback(Reload *r) {
        _cleanup_free_ unsigned *failed = calloc(r->count ? r->count : 1, sizeof(unsigned));
        _cleanup_free_ unsigned *moved = NULL;
        size_t n_failed = 0, n_moved = r->n_moved;
        int e;

        if (!failed)
                return EXIT_FAILURE_;
        log_info("%s: rolling back %zu instance%s to the previous units", r->app, n_moved, n_moved == 1 ? "" : "s");
        if (restore_previous_units(r) < 0 || daemon_reload(r->c))
                return EXIT_FAILURE_;
        moved = TAKE_PTR(r->moved);
        r->moved = NULL;
        r->n_moved = 0;
        r->done = 0;
        r->total = n_moved;
        e = run_batches(r, moved, n_moved, false, &failed, &n_failed);
        state_remove(r);
        if (e < 0 || n_failed > 0) {
                log_error("%s: rollback incomplete: %zu instance%s did not come back on the previous version", r->app,
                          n_failed, n_failed == 1 ? "" : "s");
                return EXIT_FAILURE_;
        }
        log_info("%s: rolled back: all %u instances run the previous version", r->app, r->count);
        if (r->style == PROGRESS_JSON)
                json_event("rolled_back", NULL, "\"instances\":%u", r->count);
        return EXIT_FAILURE_; /* the reload itself failed */
}

static void print_dry_run(Reload *r, const unsigned *pending, size_t n_pending) {
        _cleanup_(rollout_plan_done) RolloutPlan plan = {};

        printf("%s: %u instance%s enabled, %zu to restart in batches of %zu, pause %.1fs, grace %.1fs, on failure: %s\n",
               r->app, r->count, r->count == 1 ? "" : "s", n_pending,
               rollout_plan(pending, n_pending, r->batch_count, r->batch_percent, &plan) >= 0 ? plan.batch : 1,
               r->pause, r->grace, on_failure_to_string(r->on_failure));
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

static int parse_rollout_options(Reload *r) {
        r->on_failure = arg_on_failure >= 0 ? (OnFailure) arg_on_failure
                                            : r->config ? r->config->rollout.on_failure : ON_FAILURE_STOP;
        r->batch_count = r->config ? r->config->rollout.batch : 1;
        r->batch_percent = r->config ? r->config->rollout.batch_percent : 0;
        r->pause = r->config ? r->config->rollout.pause : 0;
        r->grace = r->config ? r->config->rollout.grace : 0.5;
        if (arg_batch && batch_spec_parse(arg_batch, &r->batch_count, &r->batch_percent) < 0) {
                log_error("--batch: '%s' is not a count or a percentage (\"2\", \"25%%\")", arg_batch);
                return EXIT_USAGE;
        }
        r->style = arg_json ? PROGRESS_JSON : isatty(STDERR_FILENO) ? PROGRESS_TTY : PROGRESS_PLAIN;
        return 0;
}

static int do_reload(Reload *r) {
        _cleanup_free_ unsigned *enabled = NULL, *pending = NULL, *failed = NULL;
        _cleanup_free_ char *error = NULL;
        size_t n_enabled = 0, n_pending = 0, n_failed = 0;
        uint64_t desired_hash = 0;
        RolloutState saved = {};
        bool have_saved;
        int e;

        e = cluster_enabled(r->c, r->app, &enabled, &n_enabled);
        if (e < 0 || n_enabled == 0) {
                log_error("%s: no enabled instances to reload; use 'clusterctl start'", r->app);
                return EXIT_FAILURE_;
        }
        r->count = enabled[n_enabled - 1] + 1;

        if (r->config) {
                unsigned configured = instance_spec_resolve(&r->config->instances, usable_cpus());
                if (configured != r->count && !arg_quiet && r->style != PROGRESS_JSON)
                        log_info("%s: the config says %u instance%s, %u are enabled; reload keeps the count "
                                 "('clusterctl scale %s %u' changes it)",
                                 r->app, configured, configured == 1 ? "" : "s", r->count, r->app, configured);
                e = cluster_plan_units(r->c, r->config, r->count, arg_force, &r->plan, &error);
                if (e < 0) {
                        log_error("%s: %s", r->app, error ? error : strerror(-e));
                        return EXIT_FAILURE_;
                }
                r->units_changed = unit_plan_changes(&r->plan);
        }
        if ((e = desired_units_hash(r, &desired_hash)) < 0) {
                log_error("%s: cannot read its units: %s", r->app, strerror(-e));
                return EXIT_FAILURE_;
        }
        state_read(r, &saved, &have_saved);
        r->resumed = have_saved && saved.units_hash == desired_hash;
        r->state = r->resumed ? saved : (RolloutState) { .units_hash = desired_hash, .since_usec = now_usec() };

        if (arg_dry_run) {
                /* Without a resumed state, every instance would restart. */
                if (r->resumed) {
                        if (pending_instances(r, &pending, &n_pending) < 0)
                                return EXIT_FAILURE_;
                } else {
                        if (!(pending = calloc(r->count, sizeof(unsigned))))
                                return EXIT_FAILURE_;
                        for (unsigned k = 0; k < r->count; k++)
                                pending[n_pending++] = k;
                }
                print_dry_run(r, pending, n_pending);
                return EXIT_OK;
        }

        if (r->units_changed) {
                if ((e = save_previous_units(r)) < 0 || (e = cluster_apply_plan(r->c, &r->plan, &error)) < 0) {
                        log_error("%s: %s", r->app, error ? error : strerror(-e));
                        return EXIT_FAILURE_;
                }
                if ((e = daemon_reload(r->c)))
                        return e;
                if (!arg_quiet && r->style != PROGRESS_JSON)
                        log_info("%s: units updated (%zu file%s), rolling them out", r->app, r->plan.write.n_files,
                                 r->plan.write.n_files == 1 ? "" : "s");
        }
        /* Written before the first restart: from here on a killed reload resumes. */
        if (!r->resumed && (e = state_write(r)) < 0)
                log_warning("%s: cannot record rollout progress (%s); an interrupted reload will restart every "
                            "instance again", r->app, strerror(-e));

        if ((e = pending_instances(r, &pending, &n_pending)) < 0) {
                log_error("%s: cannot read its instances: %s", r->app, strerror(-e));
                return EXIT_FAILURE_;
        }
        if (r->resumed && !arg_quiet && r->style != PROGRESS_JSON)
                log_info("%s: resuming an unfinished rollout (interrupted, or stopped on a failure): %u of %u "
                         "instances already on the new version", r->app,
                         r->count - (unsigned) n_pending, r->count);
        r->total = n_pending;
        r->begin_usec = now_usec();
        if (!(failed = calloc(r->count, sizeof(unsigned))))
                return EXIT_FAILURE_;
        e = run_batches(r, pending, n_pending, r->on_failure != ON_FAILURE_CONTINUE, &failed, &n_failed);
        if (e < 0) {
                log_error("%s: rollout interrupted: %s; every instance is still running (old or new); run "
                          "'clusterctl reload %s' again to finish",
                          r->app, strerror(-e), r->app);
                return EXIT_FAILURE_;
        }
        if (n_failed > 0) {
                if (r->on_failure == ON_FAILURE_ROLLBACK && r->units_changed)
                        return rollback(r);
                if (r->on_failure == ON_FAILURE_ROLLBACK)
                        log_info("%s: nothing to roll back: this reload did not change the units", r->app);
                stop_failed(r, failed, n_failed);
                report_versions(r, n_failed);
                return EXIT_FAILURE_;
        }
        state_remove(r);
        record_last_reload(r->c->scope, r->app);
        char took[32];
        format_duration(now_usec() - r->begin_usec, took, sizeof(took));
        if (r->style == PROGRESS_JSON)
                json_event("done", NULL, "\"instances\":%zu,\"seconds\":%.3f", n_pending,
                           (double) (now_usec() - r->begin_usec) / 1e6);
        else if (!arg_quiet)
                log_info("%s: reloaded %zu instance%s in %s%s", r->app, n_pending, n_pending == 1 ? "" : "s", took,
                         r->units_changed ? " (new units)" : "");
        return EXIT_OK;
}

int verb_reload(int argc, char **argv) {
        _cleanup_(app_list_done) AppList apps = {};
        _cleanup_(cluster_close) Cluster c = {};
        _cleanup_(reload_done) Reload r = { .app = argv[1] };
        _cleanup_free_ char *config_path = NULL;
        AppLock lock = APP_LOCK_NULL;
        int e;
        (void) argc;

        if ((e = check_app_name(r.app)) || (e = open_cluster(&c)))
                return e;
        r.c = &c;
        if (!cluster_app_exists(&c, r.app)) {
                log_error("no app '%s' is installed in %s; start it first", r.app, c.unit_dir);
                return EXIT_FAILURE_;
        }
        if ((e = lock_app(r.app, &lock)))
                return e;
        r.style = arg_json ? PROGRESS_JSON : PROGRESS_PLAIN;
        if (!(e = load_app_config(&r, &apps, &config_path)) && !(e = parse_rollout_options(&r)))
                e = do_reload(&r);
        app_lock_release(&lock);
        return e;
}
