/* clusterctl reload APP: a staggered restart, batch by batch, each instance waited for until it
 * is ready again and still up after a short grace period. A config change is rolled out by the
 * reload itself. On a failure the rollout stops: instances not yet restarted keep serving the
 * old version untouched (or, with on_failure = "rollback", the moved ones are put back).
 * Killed at any point, it leaves every instance running; run again, it finishes the job without
 * restarting an instance that is already on the new version. */
#include <unistd.h>

#include "app-status.h"
#include "instances.h"
#include "output.h"
#include "reload.h"
#include "remote.h"
#include "unitfs.h"
#include "util.h"
#include "verb-common.h"

void reload_done(Reload *r) {
        unit_plan_done(&r->plan);
        for (size_t i = 0; i < r->n_saved; i++) {
                free(r->saved[i].path);
                free(r->saved[i].text);
        }
        free(r->saved);
        free(r->moved);
}

/* The config this reload applies: -c, the one the units were rendered from, or the default. */
static int load_app_config(Reload *r, AppList *apps, char **ret_path) {
        _cleanup_free_ char *template = NULL, *rel = NULL, *from_marker = NULL, *found = NULL;
        const char *path = arg_config;
        int e;

        if (!path) {
                if (asprintf_safe(&rel, "%s@.service", r->app) < 0)
                        return log_oom();
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
        e = load_config(path, apps);
        if (e >= 0)
                e = check_accounts(apps);
        if (e < 0)
                return e;
        for (size_t i = 0; i < apps->n_apps; i++)
                if (streq(apps->apps[i].name, r->app)) {
                        r->config = &apps->apps[i];
                        return (*ret_path = strdup(path)) ? 0 : log_oom();
                }
        return log_error_errno(-ENOENT, "%s defines no app named '%s'", path, r->app);
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


/* The config's rollout settings, unless an option overrides them. */
static void set_rollout_options(Reload *r) {
        r->on_failure = arg_on_failure >= 0 ? (OnFailure) arg_on_failure
                                            : r->config ? r->config->rollout.on_failure : ON_FAILURE_STOP;
        r->batch_count = r->config ? r->config->rollout.batch : 1;
        r->batch_percent = r->config ? r->config->rollout.batch_percent : 0;
        r->pause = r->config ? r->config->rollout.pause : 0;
        r->grace = r->config ? r->config->rollout.grace : 0.5;
        if (arg_batch_count || arg_batch_percent) {
                r->batch_count = arg_batch_count;
                r->batch_percent = arg_batch_percent;
        }
        r->style = arg_json ? PROGRESS_JSON : isatty(STDERR_FILENO) ? PROGRESS_TTY : PROGRESS_PLAIN;
}

static int do_reload(Reload *r) {
        _cleanup_free_ unsigned *enabled = NULL, *pending = NULL, *failed = NULL;
        _cleanup_free_ char *error = NULL;
        size_t n_enabled = 0, n_pending = 0, n_failed = 0;
        uint64_t desired_hash = 0;
        RolloutState saved = {};
        bool have_saved;
        int e;

        e = read_enabled(r->c, r->app, &enabled, &n_enabled);
        if (e < 0)
                return e;
        if (n_enabled == 0)
                return log_error_errno(-ENOENT, "%s: no enabled instances to reload; use 'clusterctl start'", r->app);
        r->count = enabled[n_enabled - 1] + 1;

        if (r->config) {
                unsigned configured = instance_spec_resolve(&r->config->instances, usable_cpus());
                if (configured != r->count && !arg_quiet && r->style != PROGRESS_JSON)
                        log_info("%s: the config says %u instance%s, %u are enabled; reload keeps the count "
                                 "('clusterctl scale %s %u' changes it)",
                                 r->app, configured, configured == 1 ? "" : "s", r->count, r->app, configured);
                e = cluster_plan_units(r->c, r->config, r->count, arg_force, &r->plan, &error);
                if (e < 0)
                        return error ? log_error_errno(e, "%s: %s", r->app, error) : log_error_errno(e, "%s: %m", r->app);
                r->units_changed = unit_plan_changes(&r->plan);
        }
        e = desired_units_hash(r, &desired_hash);
        if (e < 0)
                return log_error_errno(e, "%s: cannot read its units: %m", r->app);
        if (!arg_dry_run && !r->units_changed && rollout_finished_here(r->c->scope, r->app, desired_hash)) {
                if (r->style == PROGRESS_JSON) {
                        json_event("plan", NULL, "\"pending\":0,\"instances\":%u,\"resumed\":true", r->count);
                        json_event("done", NULL, "\"instances\":0,\"seconds\":0,\"already\":true");
                }
                if (!arg_quiet)
                        log_info("%s: already on the new version: this rollout finished here before", r->app);
                return EXIT_OK;
        }
        reload_state_read(r, &saved, &have_saved);
        r->resumed = have_saved && saved.units_hash == desired_hash;
        r->state = r->resumed ? saved : (RolloutState) { .units_hash = desired_hash };

        if (arg_dry_run) {
                /* Without a resumed state, every instance would restart. */
                if (r->resumed) {
                        e = reload_pending_instances(r, &pending, &n_pending);
                        if (e < 0)
                                return log_error_errno(e, "%s: cannot read its instances: %m", r->app);
                } else {
                        if (!(pending = calloc(r->count, sizeof(unsigned))))
                                return log_oom();
                        for (unsigned k = 0; k < r->count; k++)
                                pending[n_pending++] = k;
                }
                reload_print_dry_run(r, pending, n_pending);
                return EXIT_OK;
        }

        if (r->units_changed) {
                e = reload_save_previous_units(r);
                if (e < 0)
                        return log_error_errno(e, "%s: cannot read its units: %m", r->app);
                e = cluster_apply_plan(r->c, &r->plan, &error);
                if (e < 0)
                        return log_error_errno(e, "%s: %s", r->app, strna(error));
        }
        e = daemon_reload_if_needed(r->c, r->app, r->units_changed);
        if (e < 0)
                return e;
        if (r->units_changed && !arg_quiet && r->style != PROGRESS_JSON)
                log_info("%s: units updated (%zu file%s), rolling them out", r->app, r->plan.write.n_files,
                         r->plan.write.n_files == 1 ? "" : "s");
        /* Only now does the manager run the new units: a process started before this moment runs
         * the old ones, whatever restarted it. Written before the first restart: from here on a
         * killed reload resumes. */
        if (!r->resumed)
                r->state.since_usec = now_usec();
        if (!r->resumed && (e = reload_state_write(r)) < 0)
                log_warning("%s: cannot record rollout progress (%s); an interrupted reload will restart every "
                            "instance again", r->app, strerror(-e));

        e = reload_pending_instances(r, &pending, &n_pending);
        if (e < 0)
                return log_error_errno(e, "%s: cannot read its instances: %m", r->app);
        if (r->resumed && !arg_quiet && r->style != PROGRESS_JSON)
                log_info("%s: resuming an unfinished rollout (interrupted, or stopped on a failure): %u of %u "
                         "instances already on the new version", r->app,
                         r->count - (unsigned) n_pending, r->count);
        r->total = n_pending;
        r->begin_usec = now_usec();
        if (r->style == PROGRESS_JSON)
                json_event("plan", NULL, "\"pending\":%zu,\"instances\":%u,\"resumed\":%s", n_pending, r->count,
                           r->resumed ? "true" : "false");
        if (!(failed = calloc(r->count, sizeof(unsigned))))
                return log_oom();
        e = reload_run_batches(r, pending, n_pending, r->on_failure != ON_FAILURE_CONTINUE, &failed, &n_failed);
        if (e < 0)
                return log_error_errno(e, "%s: rollout interrupted: %m; every instance is still running (old or new); "
                                       "run 'clusterctl reload %s' again to finish", r->app, r->app);
        if (n_failed > 0) {
                if (r->on_failure == ON_FAILURE_ROLLBACK && r->units_changed) {
                        e = reload_rollback(r);
                        return e < 0 ? e : -EIO; /* rolled back, but the reload itself failed */
                }
                if (r->on_failure == ON_FAILURE_ROLLBACK)
                        log_info("%s: nothing to roll back: this reload did not change the units", r->app);
                reload_stop_failed(r, failed, n_failed);
                reload_report_versions(r, n_failed);
                return -EIO; /* each failure is reported above */
        }
        record_rollout_finished(r->c->scope, r->app, r->state.units_hash);
        reload_state_remove(r);
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

/* cron_restart's timer follows the config: started when it asks for one (start would only do it
 * at the next start), stopped when it no longer does. */
static int sync_reload_timer(Reload *r) {
        _cleanup_strv_free_ char **loaded = NULL;
        _cleanup_free_ char *timer = NULL;

        if (!r->config || asprintf_safe(&timer, "%s.reload.timer", r->app) < 0)
                return 0;
        bool wanted = r->config->cron_calendar != NULL;
        if (!wanted && (cluster_loaded_units(r->c, r->app, &loaded) < 0 || !strv_contains(loaded, timer)))
                return 0;
        char *const units[] = { timer, NULL };
        int e = run_jobs_and_report(r->c, wanted ? "StartUnit" : "StopUnit", units, wanted ? "starting" : "stopping");
        /* A timer whose files are gone fails once its service cannot be loaded: forget that, as delete does. */
        if (!wanted)
                (void) sd_bus_call_method(r->c->bus, SD_DEST, SD_PATH, SD_MANAGER, "ResetFailedUnit", NULL, NULL, "s",
                                          timer);
        return e;
}

int verb_reload(int argc, char **argv, Cluster *c) {
        _cleanup_(app_list_done) AppList apps = {};
        _cleanup_(reload_done) Reload r = { .c = c, .app = argv[1] };
        _cleanup_free_ char *config_path = NULL, *sent_config = NULL;
        int e;
        (void) argc;

        if (arg_config_stdin) {
                if ((e = remote_install_config(arg_scope, r.app, &sent_config)))
                        return e;
                arg_config = sent_config;
        }
        r.style = arg_json ? PROGRESS_JSON : PROGRESS_PLAIN;
        e = load_app_config(&r, &apps, &config_path);
        if (e < 0)
                return config_error_status(e);
        set_rollout_options(&r);
        e = do_reload(&r);
        return e || arg_dry_run ? e : sync_reload_timer(&r);
}
