/* clusterctl start FILE|APP: write an app's units, enable its instances, start them all at once
 * and return when every one is ready. */
#include "app-revision.h"
#include "output.h"
#include "reload.h"
#include "remote.h"
#include "unitfs.h"
#include "util.h"
#include "verb-common.h"

static int keep_revision(Cluster *c, const App *app, RevisionInfo *ret) {
        _cleanup_(unit_set_done) UnitSet set = {};
        _cleanup_free_ char *error = NULL;
        int r;

        (void) app_revision_sync(c, app->name, app->history_limit);
        r = render_app_units(app, c->scope, &c->limits, &set, &error);
        if (r >= 0)
                r = app_revision_keep(c, app->name, &set, app->config_path, "start", NULL, app->history_limit, ret);
        if (r < 0)
                log_warning("%s: cannot keep this revision: %s", app->name, strerror(-r));
        return r;
}

/* Makes the files and links match the config, with one manager reload if anything changed. */
static int install_app(Cluster *c, const App *app, unsigned count) {
        _cleanup_(unit_plan_done) UnitPlan plan = {};
        _cleanup_free_ char *error = NULL;
        _cleanup_free_ unsigned *before = NULL;
        size_t n_before = 0;
        int r;

        r = cluster_plan_units(c, app, count, arg_force, &plan, &error);
        if (r < 0)
                return error ? log_error_errno(r, "%s: %s", app->name, error) : log_error_errno(r, "%s: %m", app->name);
        r = read_enabled(c, app->name, &before, &n_before);
        if (r < 0)
                return r;
        bool was_installed = plan.unchanged && plan.unchanged[0];
        /* The unit set is kept as a revision before it is written: an interrupted start loses nothing. */
        RevisionInfo rev = {};
        if (keep_revision(c, app, &rev) < 0)
                rev = (RevisionInfo) {};
        r = cluster_apply_plan(c, &plan, &error);
        if (r < 0)
                return log_error_errno(r, "%s: %s", app->name, strna(error));
        r = cluster_set_enabled(c, app->name, count);
        if (r < 0)
                return log_error_errno(r, "%s: cannot write the enable links in %s: %m", app->name, c->unit_dir);
        bool links_changed = n_before != count || (n_before > 0 && before[n_before - 1] != count - 1);
        r = daemon_reload_if_needed(c, app->name, unit_plan_changes(&plan) || links_changed);
        if (r < 0)
                return r;
        if (rev.number && unit_plan_changes(&plan) && app_revision_loaded(c, app->name, &rev) < 0)
                log_warning("%s: cannot record that revision %u is loaded", app->name, rev.number);
        if (was_installed && plan.write.n_files > 0 && !arg_quiet)
                log_info("%s: units updated; running instances keep the old version until 'clusterctl reload %s'",
                         app->name, app->name);
        return 0;
}

/* The target wants cron_restart's timer, and starting it starts the timer; a paused rollout keeps
 * it stopped until promote or undo, as reload does, so no scheduled reload runs into the pause. */
static void keep_timer_paused(Cluster *c, const char *app) {
        RolloutState state;

        if (rollout_state_load(c->scope, app, &state) >= 0 && state.phase == ROLLOUT_PHASE_PAUSED)
                (void) sync_reload_timer(c, app, true);
}

static int start_instances(Cluster *c, const char *app, unsigned count) {
        _cleanup_strv_free_ char **units = instance_units_upto(app, count, ".service");
        _cleanup_free_ char *target = NULL;
        uint64_t begin = now_usec();
        char range[128], took[32];
        int r;

        if (!units || asprintf_safe(&target, "%s.target", app) < 0 || strv_push(&units, TAKE_PTR(target)) < 0)
                return log_oom();
        r = run_jobs_and_report(c, "StartUnit", units, "starting");
        keep_timer_paused(c, app); /* the target started, even if an instance did not */
        if (r < 0)
                return r;
        format_instance_range(app, 0, count - 1, range, sizeof(range));
        format_duration(now_usec() - begin, took, sizeof(took));
        if (!arg_quiet)
                log_info("%s: %u instance%s ready in %s (%s)", app, count, count == 1 ? "" : "s", took, range);
        return 0;
}

static int start_app(Cluster *c, const App *app) {
        _cleanup_(app_lock_release) AppLock lock = APP_LOCK_NULL;
        unsigned count = instance_spec_resolve(&app->instances, usable_cpus());
        int r;

        warn_if_root(app);
        warn_if_sandbox_limited(app, &c->limits);
        r = lock_app(app->name, &lock);
        if (r < 0)
                return r;
        r = install_app(c, app, count);
        if (r < 0)
                return r;
        r = stop_instances_from(c, app->name, count);
        if (r < 0)
                return r;
        return start_instances(c, app->name, count);
}

/* `start APP` without a config: start what is installed. */
static int start_installed(Cluster *c, const char *app) {
        _cleanup_(app_lock_release) AppLock lock = APP_LOCK_NULL;
        _cleanup_free_ unsigned *enabled = NULL;
        size_t n = 0;
        int r;

        if (!cluster_app_exists(c, app))
                return log_error_errno(-ENOENT, "no config for '%s' (tried %s) and no units installed; run "
                                       "'clusterctl start FILE'",
                                       app, arg_scope == SCOPE_SYSTEM ? "/etc/clusterctl/" : "$XDG_CONFIG_HOME/clusterctl/");
        r = lock_app(app, &lock);
        if (r < 0)
                return r;
        r = read_enabled(c, app, &enabled, &n);
        if (r < 0)
                return r;
        if (n == 0)
                return log_error_errno(-ENOENT, "%s: no enabled instances; use 'clusterctl scale %s N'", app, app);
        /* Enabled indices are 0..n-1 whenever clusterctl wrote them. */
        r = start_instances(c, app, enabled[n - 1] + 1);
        if (!r)
                hint_if_no_linger();
        return r;
}

/* Not VERB_MANAGER: a bad config is reported before the manager is contacted, as by check. */
int verb_start(int argc, char **argv, Cluster *unused) {
        _cleanup_(app_list_done) AppList apps = {};
        _cleanup_(cluster_close) Cluster c = {};
        _cleanup_free_ char *found = NULL;
        const char *arg = argv[1], *path = NULL;
        int r;
        (void) argc;
        (void) unused;

        if (arg_is_config_path(arg))
                path = arg;
        else {
                if (check_app_name(arg) < 0)
                        return EXIT_USAGE;
                if (arg_config_stdin) {
                        r = remote_install_config(arg_scope, arg, &found);
                        if (r != 0)
                                return r;
                        path = found;
                } else if (arg_config)
                        path = arg_config;
                else if (find_app_config(arg_scope, arg, &found) >= 0)
                        path = found;
        }
        if (path) {
                r = load_config(path, &apps);
                if (r < 0)
                        return config_error_status(r);
                r = check_accounts(&apps);
                if (r < 0)
                        return config_error_status(r);
        }
        r = open_cluster(&c);
        if (r < 0)
                return r;
        if (!path)
                return start_installed(&c, arg);

        bool matched = false;
        int failed = 0; /* the first app's error: every app is tried */
        for (size_t i = 0; i < apps.n_apps; i++) {
                if (!arg_is_config_path(arg) && !streq(apps.apps[i].name, arg))
                        continue;
                matched = true;
                r = start_app(&c, &apps.apps[i]);
                if (r < 0 && failed == 0)
                        failed = r;
        }
        if (!matched) {
                log_error("%s defines no app named '%s'", path, arg);
                return EXIT_USAGE;
        }
        if (failed < 0)
                return failed;
        hint_if_no_linger();
        return EXIT_OK;
}
