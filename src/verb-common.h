/* What several verbs do the same way, printing their own errors: open the manager, take the
 * app's lock, load a config, reload the manager, run jobs and report. Each returns 0 or the
 * exit code to return. */
#pragma once

#include "cluster.h"
#include "clusterctl.h"
#include "lock.h"

int open_cluster(Cluster *c);
int check_app_name(const char *name);
int lock_app(const char *app, AppLock *ret);
int load_config(const char *path, AppList *ret);
/* With the system manager: refuses apps whose user or group does not exist here, before
 * anything is written (every instance would fail to start). */
int check_accounts(const AppList *apps);
/* Says so when a system-scope app runs as root, which its config asked for explicitly. */
void warn_if_root(const App *app);
/* Says so when the user manager cannot apply most of the app's hardening (no user namespaces). */
void warn_if_sandbox_limited(const App *app, const SandboxLimits *limits);
/* For the user scope: says so when the user's manager, and with it every instance, ends with the
 * user's last login and does not start at boot. */
void hint_if_no_linger(void);
int daemon_reload(Cluster *c);

/* Runs `method` on units and reports failures; 0 when every job ended "done". `verb_ing` names
 * the action in messages ("starting"). */
int run_jobs_and_report(Cluster *c, const char *method, char *const *units, const char *verb_ing);

/* Stops instances with index ≥ count (highest first) and their per-instance sockets. */
int stop_instances_from(Cluster *c, const char *app, unsigned count);

/* "web@0..3" style summary of indices 0..n-1. */
void format_instance_range(const char *app, unsigned first, unsigned last, char *buf, size_t size);
