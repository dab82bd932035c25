/* Steps shared by the verbs, with their error messages. */
#include "verb-common.h"

#include <pwd.h>
#include <sys/stat.h>

#include "accounts.h"
#include "escape.h"
#include "instances.h"
#include "manager-facts.h"
#include "output.h"
#include "unitfs.h"
#include "util.h"

int open_cluster(Cluster *c) {
        _cleanup_free_ char *error = NULL;
        int r = cluster_open(c, arg_scope, &error);
        if (r < 0)
                return error ? log_error_errno(r, "%s", error) : log_error_errno(r, "cannot connect: %m");
        return 0;
}

int check_app_name(const char *name) {
        if (app_name_is_valid(name))
                return 0;
        return log_error_errno(-EINVAL,
                               "'%s' is not a valid app name (1 to %d characters of A-Z a-z 0-9 _ -, not "
                               "starting with -)",
                               name, APP_NAME_MAX);
}

int lock_app(const char *app, AppLock *ret) {
        int holder = 0;
        int r = app_lock_take(arg_scope, app, arg_wait, ret, &holder);
        if (r == -EBUSY && holder > 0)
                return log_error_errno(r, "another clusterctl command (pid %d) is working on '%s'; try again "
                                       "when it finishes, or add --wait", holder, app);
        if (r == -EBUSY)
                return log_error_errno(r, "another clusterctl command is working on '%s'; try again, or add --wait",
                                       app);
        if (r < 0)
                return log_error_errno(r, "cannot take the lock for '%s': %m", app);
        return 0;
}

/* A config others can write would let them run code as the instances' user. */
static int check_config_owner(const char *path) {
        struct stat st;

        if (arg_scope != SCOPE_SYSTEM || stat(path, &st) < 0)
                return 0; /* a missing file gets its own message from the parser */
        if ((st.st_mode & S_IWOTH) || ((st.st_mode & S_IWGRP) && st.st_gid != 0))
                return log_error_errno(-EPERM, "%s: refusing a config that others can write (mode %04o, group %u): "
                                       "it says what runs as the app's user; chmod go-w it",
                                       path, st.st_mode & 07777, (unsigned) st.st_gid);
        return 0;
}

void warn_if_root(const App *app) {
        if (arg_scope == SCOPE_SYSTEM && streq_ptr(app->user, "root") && !arg_quiet)
                log_warning("%s: instances run as root (user = \"root\"); a dedicated account is safer", app->name);
}

void warn_if_sandbox_limited(const App *app, const SandboxLimits *limits) {
        if (limits->unprivileged && limits->no_user_namespace && app->hardening != HARDENING_NONE && !arg_quiet)
                log_warning("%s: this user manager cannot give the instances a user namespace, which it needs for "
                            "most of hardening = \"%s\": only its system call filters and NoNewPrivileges= apply "
                            "(no PrivateTmp=, ProtectSystem=, ProtectHome=, …)",
                            app->name, hardening_to_string(app->hardening));
}

void hint_if_no_linger(void) {
        const struct passwd *pw;
        bool linger;

        if (arg_scope != SCOPE_USER || arg_quiet || user_manager_lingers(&linger) < 0 || linger)
                return;
        pw = getpwuid(getuid());
        log_info("note: lingering is off for %s: the user manager, and every instance it runs, stops when %s's "
                 "last session ends and does not start at boot; to keep them running: loginctl enable-linger",
                 pw ? pw->pw_name : "this user", pw ? pw->pw_name : "the user");
}

int load_config(const char *path, AppList *ret) {
        ConfigError error = {};
        int r = check_config_owner(path);
        if (r < 0)
                return r;
        r = config_load_file(path, ret, &error);
        if (r < 0) {
                _cleanup_free_ char *msg = config_error_format(&error);
                config_error_done(&error);
                return msg ? log_error_errno(r, "%s", msg) : log_error_errno(r, "%s: %m", path);
        }
        return 0;
}

int render_configured(const char *path, const App *app, const SandboxLimits *limits, UnitSet *ret,
                      unsigned *ret_count) {
        _cleanup_free_ char *error = NULL;
        unsigned count = instance_spec_resolve(&app->instances, usable_cpus());
        int r = render_app_all(app, arg_scope, limits, count, ret, &error);

        if (r < 0)
                return error ? log_error_errno(r, "%s: app '%s': %s", path, app->name, error)
                             : log_error_errno(r, "%s: app '%s': %m", path, app->name);
        *ret_count = count;
        return 0;
}

int check_accounts(const AppList *apps) {
        for (size_t i = 0; arg_scope == SCOPE_SYSTEM && i < apps->n_apps; i++) {
                _cleanup_(config_error_done) ConfigError error = {};
                int r = app_check_accounts(&apps->apps[i], &error);
                if (r < 0) {
                        _cleanup_free_ char *msg = config_error_format(&error);
                        log_error("%s", msg ? msg : strerror(-r));
                        return r;
                }
        }
        return 0;
}

int daemon_reload(Cluster *c) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        int r = bus_daemon_reload(c->bus, &error);
        if (r < 0) {
                _cleanup_free_ char *msg = bus_error_message(&error, r);
                return log_error_errno(r, "the manager could not reload its units: %s", strna(msg));
        }
        return 0;
}

int daemon_reload_if_needed(Cluster *c, const char *app, bool changed) {
        bool stale = false;
        int r;

        if (!changed) {
                r = cluster_units_stale(c, app, &stale);
                if (r < 0)
                        return log_error_errno(r, "%s: cannot ask the manager whether its units are current: %m", app);
                if (!stale)
                        return 0;
                if (!arg_quiet)
                        log_info("%s: the manager has not loaded the units on disk yet (an interrupted command?); "
                                 "reloading it", app);
        }
        return daemon_reload(c);
}

int read_enabled(Cluster *c, const char *app, unsigned **ret, size_t *ret_n) {
        int r = cluster_enabled(c, app, ret, ret_n);
        if (r < 0)
                return log_error_errno(r, "%s: cannot read the enabled instances in %s/%s.target.wants: %m", app,
                                       c->unit_dir, app);
        return 0;
}

int run_jobs_and_report(Cluster *c, const char *method, char *const *units, const char *verb_ing) {
        JobWaiter *w = NULL;
        uint64_t since = realtime_usec();
        int r;

        if (!units || !units[0])
                return 0;
        r = cluster_run_jobs(c, method, units, &w, NULL, NULL);
        if (r == -ECONNRESET) {
                log_error("lost the connection to the manager while %s; it may still finish the jobs "
                          "('clusterctl status' shows where they are)", verb_ing);
                job_waiter_free(w);
                return r; /* reported: a failure for every caller, which tests r < 0 */
        }
        if (r < 0 && r != -ETIME) {
                job_waiter_free(w);
                return log_error_errno(r, "%s failed: %m", verb_ing);
        }
        size_t failed = report_job_failures(c, w, since, r == -ETIME);
        job_waiter_free(w);
        return failed > 0 ? -EIO : 0;
}

int stop_app_units(Cluster *c, const char *app, char ***ret_units) {
        _cleanup_strv_free_ char **units = NULL;
        int r;

        r = cluster_loaded_units(c, app, &units);
        if (r < 0)
                return log_error_errno(r, "cannot list the units of '%s': %m", app);
        r = run_jobs_and_report(c, "StopUnit", units, "stopping");
        if (ret_units)
                *ret_units = TAKE_PTR(units);
        return r;
}

static int compare_desc(const void *a, const void *b) {
        unsigned x = *(const unsigned *) a, y = *(const unsigned *) b;
        return x < y ? 1 : x > y ? -1 : 0;
}

int stop_instances_from(Cluster *c, const char *app, unsigned count) {
        _cleanup_strv_free_ char **loaded = NULL, **units = NULL;
        _cleanup_free_ unsigned *indices = NULL;
        size_t n = 0;
        int r;

        r = cluster_loaded_units(c, app, &loaded);
        if (r < 0)
                return log_error_errno(r, "cannot list the units of '%s': %m", app);
        for (size_t i = 0; loaded && loaded[i]; i++) {
                unsigned k;
                if (unit_name_parse_instance(loaded[i], strlen(loaded[i]), app, ".service", &k) < 0 || k < count)
                        continue;
                if (index_list_add(&indices, &n, k) < 0)
                        return log_oom();
        }
        if (n == 0)
                return 0;
        /* Highest first: the jobs are enqueued in this order. */
        qsort(indices, n, sizeof(unsigned), compare_desc);
        units = instance_units(app, indices, n, ".service");
        if (!units)
                return log_oom();
        for (size_t i = 0; loaded[i]; i++) {
                unsigned k;
                if (unit_name_parse_instance(loaded[i], strlen(loaded[i]), app, ".socket", &k) >= 0 && k >= count &&
                    strv_extend(&units, loaded[i]) < 0)
                        return log_oom();
        }
        return run_jobs_and_report(c, "StopUnit", units, "stopping");
}

void format_instance_range(const char *app, unsigned first, unsigned last, char *buf, size_t size) {
        if (first == last)
                snprintf(buf, size, "%s@%u", app, first);
        else
                snprintf(buf, size, "%s@%u..%u", app, first, last);
}
