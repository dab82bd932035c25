/* What several verbs do the same way, printing their own errors: open the manager, take the
 * app's lock, load a config, reload the manager, run jobs and report. Each returns 0, or a
 * negative errno after saying what failed: `if (r < 0) return r;` passes it on, and main() turns
 * it into exit status 1. */
#pragma once

#include <errno.h>

#include "cluster.h"
#include "clusterctl.h"
#include "lock.h"

int open_cluster(Cluster *c);
/* -EINVAL after saying which rule the name breaks: a usage error. */
int check_app_name(const char *name);
int lock_app(const char *app, AppLock *ret);
/* -errno after printing file:line: message (or why the file cannot be used). */
int load_config(const char *path, AppList *ret);
/* A config that cannot be read or is wrong is a usage error; running out of memory is not. */
static inline int config_error_status(int r) {
        return r == -ENOMEM ? r : EXIT_USAGE;
}
/* Renders every unit of an app of config file `path` at its configured instance count, as start
 * would for a manager with these limits, into *ret; -errno after printing "path: app 'APP': why" (a config error). */
int render_configured(const char *path, const App *app, const SandboxLimits *limits, UnitSet *ret,
                      unsigned *ret_count);
/* With the system manager: refuses apps whose user or group does not exist here, before
 * anything is written (every instance would fail to start). -errno after saying why: a config
 * error, as load_config's (config_error_status). */
int check_accounts(const AppList *apps);
/* Says so when a system-scope app runs as root, which its config asked for explicitly. */
void warn_if_root(const App *app);
/* Says so when the user manager cannot apply most of the app's hardening (no user namespaces). */
void warn_if_sandbox_limited(const App *app, const SandboxLimits *limits);
/* For the user scope: says so when the user's manager, and with it every instance, ends with the
 * user's last login and does not start at boot. */
void hint_if_no_linger(void);
int daemon_reload(Cluster *c);
/* Reloads the manager when `changed` (this command wrote units or links), or when it still runs
 * units of the app from files changed since (cluster_units_stale): a command killed between
 * writing units and reloading left them so, and the next one finishes its job. */
int daemon_reload_if_needed(Cluster *c, const char *app, bool changed);
/* The app's enabled instances, ascending; -errno after saying why they cannot be read. */
int read_enabled(Cluster *c, const char *app, unsigned **ret, size_t *ret_n);

/* Runs `method` on units and reports failures; 0 when every job ended "done", -EIO when one
 * did not (reported with its reason), -ECONNRESET when the connection to the manager went (also
 * reported). `verb_ing` names the action in messages ("starting"). */
int run_jobs_and_report(Cluster *c, const char *method, char *const *units, const char *verb_ing);

/* Stops every loaded unit of the app (instances, sockets, target); their names in *ret_units
 * when it is not NULL, also after a failure to stop them. */
int stop_app_units(Cluster *c, const char *app, char ***ret_units);

/* Stops instances with index ≥ count (highest first) and their per-instance sockets. */
int stop_instances_from(Cluster *c, const char *app, unsigned count);

/* "web@0..3" style summary of indices 0..n-1. */
void format_instance_range(const char *app, unsigned first, unsigned last, char *buf, size_t size);
