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
#include "revstore.h"
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
        free(r->started);
}

int reload_load_config(Reload *r, AppList *apps, char **ret_path) {
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
                if (!arg_quiet && r->style != PROGRESS_JSON && !r->installed_units)
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

/* The identity of what this reload rolls out: rendered units, or the installed ones, as a revision
 * has it: without the per-instance drop-ins, which a scale adds or removes while a rollout is
 * paused or interrupted, and which are the same for an index whatever the count. */
static int desired_units_hash(Reload *r, uint64_t *ret) {
        _cleanup_(unit_set_done) UnitSet set = {};
        _cleanup_strv_free_ char **files = NULL;
        _cleanup_free_ char *error = NULL;
        int e;

        if (r->config && !r->installed_units) {
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
        *ret = revision_units_hash(&set);
        return 0;
}


void reload_set_options(Reload *r) {
        r->on_failure = arg_on_failure >= 0 ? (OnFailure) arg_on_failure
                                            : r->config ? r->config->rollout.on_failure : ON_FAILURE_STOP;
        r->batch_count = r->config ? r->config->rollout.batch : 1;
        r->batch_percent = r->config ? r->config->rollout.batch_percent : 0;
        r->pause = r->config ? r->config->rollout.pause : 0;
        r->grace = r->config ? r->config->rollout.grace : ROLLOUT_DEFAULT_GRACE;
        r->surge = r->config ? r->config->rollout.surge : 0;
        r->surge_percent = r->config ? r->config->rollout.surge_percent : ROLLOUT_DEFAULT_SURGE_PERCENT;
        if (arg_batch_count || arg_batch_percent) {
                r->batch_count = arg_batch_count;
                r->batch_percent = arg_batch_percent;
        }
        r->style = arg_json ? PROGRESS_JSON : isatty(STDERR_FILENO) ? PROGRESS_TTY : PROGRESS_PLAIN;
}

/* Says what is paused, and refuses a new rollout over it unless told. */
static int check_not_paused(Reload *r, const RolloutState *saved) {
        if (saved->phase != ROLLOUT_PHASE_PAUSED || arg_override_pause)
                return 0;
        return log_error_errno(-EBUSY,
                               "%s: the rollout of revision %u is paused after its canary (%u of %u instance%s on it); "
                               "'clusterctl promote %s' rolls it out to the rest, 'clusterctl undo %s' puts the canary "
                               "back, 'clusterctl reload %s --override-pause' starts this reload anyway",
                               r->app, saved->revision, saved->canary, r->count, r->count == 1 ? "" : "s", r->app,
                               r->app, r->app);
}

/* Keeps the unit set this reload puts in place as a revision, and what the manager runs now. */
static void keep_revision(Reload *r, const char *config_path) {
        _cleanup_(unit_set_done) UnitSet set = {};
        _cleanup_free_ RevisionLoad *loads = NULL;
        _cleanup_free_ char *error = NULL;
        size_t n_loads = 0;
        unsigned keep = r->config ? r->config->history_limit : HISTORY_LIMIT_DEFAULT;
        int e;

        (void) app_revision_sync(r->c, r->app, keep);
        if (revstore_loads(r->c->scope, r->app, &loads, &n_loads) >= 0 && n_loads > 0)
                r->previous = (RevisionInfo) { .number = revision_loaded(loads, n_loads),
                                               .units_hash = loads[n_loads - 1].units_hash };
        e = r->config && !r->installed_units ? render_app_units(r->config, r->c->scope, &r->c->limits, &set, &error)
                                             : app_revision_disk_units(r->c, r->app, &set);
        /* A new rollout moves every instance; a canary that large is a whole rollout. */
        if (e >= 0)
                e = app_revision_keep(r->c, r->app, &set, config_path,
                                      reload_canary_size(r, r->count) < r->count ? "canary" : r->verb, NULL, keep,
                                      &r->revision);
        if (e < 0)
                log_warning("%s: cannot keep this revision (%s); history and undo will not know it", r->app,
                            strerror(-e));
}

static int do_reload(Reload *r, const char *config_path) {
        _cleanup_free_ unsigned *enabled = NULL, *pending = NULL;
        _cleanup_free_ char *error = NULL;
        size_t n_enabled = 0, n_pending = 0;
        uint64_t desired_hash = 0;
        RolloutState saved = {};
        bool have_saved;
        int e;

        e = read_enabled(r->c, r->app, &enabled, &n_enabled);
        if (e < 0)
                return e;
        if (n_enabled == 0)
                return log_error_errno(-ENOENT, "%s: no enabled instances to %s; use 'clusterctl start'", r->app,
                                       r->verb);
        r->count = enabled[n_enabled - 1] + 1;

        if (r->config && !r->installed_units) {
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
        if (streq(r->verb, "promote")) {
                /* Paused, or a promote that was interrupted: run again, promote finishes it. */
                if (have_saved && saved.phase == ROLLOUT_PHASE_FAILED)
                        return log_error_errno(-ENOENT,
                                               "%s: the rollout of revision %u stopped on a failure, and promote does "
                                               "not go on past one; fix the config and 'clusterctl reload %s', or "
                                               "'clusterctl undo %s'",
                                               r->app, saved.revision, r->app, r->app);
                if (!have_saved)
                        return log_error_errno(-ENOENT,
                                               "%s: no rollout is paused; 'clusterctl reload %s --canary N' starts one",
                                               r->app, r->app);
                /* Running with a canary's count: a promote that was interrupted. Any other rollout
                 * that was is not promote's to finish. */
                if (saved.phase == ROLLOUT_PHASE_RUNNING && (!saved.canary || saved.undo))
                        return log_error_errno(-ENOENT,
                                               "%s: no rollout is paused: the rollout of revision %u was interrupted, "
                                               "and 'clusterctl %s %s' finishes it",
                                               r->app, saved.revision, saved.undo ? "undo" : "reload", r->app);
                if (saved.units_hash != desired_hash) {
                        return log_error_errno(-ESTALE,
                                               "%s: its units changed since the canary; 'clusterctl reload %s "
                                               "--override-pause' rolls out what is installed now",
                                               r->app, r->app);
                }
        } else if (have_saved && (e = check_not_paused(r, &saved)))
                return e;
        r->resumed = have_saved && saved.units_hash == desired_hash;
        r->state = r->resumed ? saved : (RolloutState) { .units_hash = desired_hash };
        r->state.phase = ROLLOUT_PHASE_RUNNING;
        r->state.undo = false; /* an undo's units rolled out by reload: reload's rollout now */

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

        /* Kept before the units are written: a command killed after writing them loses nothing. */
        keep_revision(r, config_path);
        if ((e = reload_apply_units(r)))
                return e;
        if (r->units_changed && !arg_quiet && r->style != PROGRESS_JSON) {
                size_t n = r->plan.write.n_files + strv_length(r->plan.remove);
                log_info("%s: units updated (%zu file%s), rolling out revision %u", r->app, n, n == 1 ? "" : "s",
                         r->revision.number);
        }
        if (!r->resumed) {
                /* Only now does the manager run the new units: a process started before this moment
                 * runs the old ones, whatever restarted it. */
                r->state.since_usec = now_usec();
                r->state.revision = r->revision.number;
                r->state.from_revision = r->previous.number != r->revision.number ? r->previous.number : 0;
        }
        /* Written before the first restart: from here on a killed reload resumes. */
        if ((e = reload_state_write(r)) < 0)
                log_warning("%s: cannot record rollout progress (%s); an interrupted reload will restart every "
                            "instance again", r->app, strerror(-e));

        e = reload_pending_instances(r, &pending, &n_pending);
        if (e < 0)
                return log_error_errno(e, "%s: cannot read its instances: %m", r->app);
        if (r->resumed && !arg_quiet && r->style != PROGRESS_JSON)
                log_info("%s: %s: %u of %u instances already on the new version", r->app,
                         saved.phase == ROLLOUT_PHASE_PAUSED ? (streq(r->verb, "promote") ? "promoting the paused rollout"
                                                                                          : "going on with the paused rollout")
                         : streq(r->verb, "promote") ? "finishing the interrupted promote"
                                                     : "resuming an unfinished rollout (interrupted, or stopped on a failure)",
                         r->count - (unsigned) n_pending, r->count);
        return reload_execute(r, pending, n_pending);
}

/* cron_restart's timer follows the units a rollout put in place: started when they have one (start
 * would only do it at the next start), stopped when they no longer do. A paused rollout stops it
 * until promote or undo: a scheduled reload must not promote a canary. */
int sync_reload_timer(Cluster *c, const char *app, bool paused) {
        _cleanup_strv_free_ char **loaded = NULL;
        _cleanup_free_ char *timer = NULL;

        if (asprintf_safe(&timer, "%s.reload.timer", app) < 0)
                return log_oom();
        bool wanted = !paused && unitfs_exists(c->unit_dir, timer);
        if (!wanted && (cluster_loaded_units(c, app, &loaded) < 0 || !strv_contains(loaded, timer)))
                return 0;
        char *const units[] = { timer, NULL };
        int e = run_jobs_and_report(c, wanted ? "StartUnit" : "StopUnit", units, wanted ? "starting" : "stopping");
        /* A timer whose files are gone fails once its service cannot be loaded: forget that, as delete does. */
        if (!wanted)
                (void) sd_bus_call_method(c->bus, SD_DEST, SD_PATH, SD_MANAGER, "ResetFailedUnit", NULL, NULL, "s",
                                          timer);
        return e;
}

static int run_verb(const char *verb, char **argv, Cluster *c) {
        _cleanup_(app_list_done) AppList apps = {};
        _cleanup_(reload_done) Reload r = { .c = c, .app = argv[1], .verb = verb };
        _cleanup_free_ char *config_path = NULL, *sent_config = NULL;
        int e;

        if (arg_config_stdin) {
                if ((e = remote_install_config(arg_scope, r.app, &sent_config)))
                        return e;
                arg_config = sent_config;
        }
        r.style = arg_json ? PROGRESS_JSON : PROGRESS_PLAIN;
        /* promote rolls out what is installed; the config gives only the rollout's settings. */
        r.installed_units = streq(verb, "promote");
        e = reload_load_config(&r, &apps, &config_path);
        if (e < 0)
                return config_error_status(e);
        reload_set_options(&r);
        r.canary_count = arg_canary_count;
        r.canary_percent = arg_canary_percent;
        e = do_reload(&r, config_path);
        return e || arg_dry_run ? e : sync_reload_timer(c, r.app, r.state.phase == ROLLOUT_PHASE_PAUSED);
}

int verb_reload(int argc, char **argv, Cluster *c) {
        (void) argc;
        return run_verb("reload", argv, c);
}

int verb_promote(int argc, char **argv, Cluster *c) {
        (void) argc;
        return run_verb("promote", argv, c);
}
