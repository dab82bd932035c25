/* One app's cluster as the verbs see it: its unit files, its enabled instances, and the jobs
 * that move its units. Returns errors; the verbs print. */
#pragma once

#include <stdbool.h>
#include <systemd/sd-bus.h>

#include "bus.h"
#include "config.h"
#include "jobs.h"
#include "render.h"

typedef struct Cluster {
        Scope scope;
        SandboxLimits limits; /* what the manager cannot apply of the hardening */
        char *unit_dir;
        sd_bus *bus;
} Cluster;

/* Finds the unit directory, what the manager's sandbox can do, and connects to the manager. */
int cluster_open(Cluster *c, Scope scope, char **ret_error);
void cluster_close(Cluster *c);

/* An argument naming a config file rather than an app. */
bool arg_is_config_path(const char *arg);
/* The config of an app by name: /etc/clusterctl/APP.conf, or $XDG_CONFIG_HOME/clusterctl/APP.conf
 * for the user scope. -ENOENT when there is none. */
int find_app_config(Scope scope, const char *app, char **ret);

/* What has to change on disk to make an app's files match its config at `count` instances. */
typedef struct UnitPlan {
        UnitSet write;   /* files that are missing or differ */
        char **remove;   /* our files that the config no longer produces */
        char **unchanged;
} UnitPlan;

void unit_plan_done(UnitPlan *p);
/* -EEXIST with *ret_error naming the file when a target file is not ours (and force is false). */
int cluster_plan_units(Cluster *c, const App *app, unsigned count, bool force, UnitPlan *ret, char **ret_error);
/* The same for a unit set given whole (undo: a revision's files and their drop-ins). */
int cluster_plan_set(Cluster *c, const char *app, const UnitSet *want, bool force, UnitPlan *ret, char **ret_error);
/* Writes and removes what the plan says. Writes first, so an interruption leaves whole files. */
int cluster_apply_plan(Cluster *c, const UnitPlan *p, char **ret_error);
static inline bool unit_plan_changes(const UnitPlan *p) {
        return p->write.n_files > 0 || (p->remove && p->remove[0]);
}

/* Enabled instances: the links in APP.target.wants/. */
int cluster_enabled(Cluster *c, const char *app, unsigned **ret, size_t *ret_n);
/* Makes exactly 0..count-1 enabled, and the target start at boot. */
int cluster_set_enabled(Cluster *c, const char *app, unsigned count);

/* The pid of the service manager at the other end of the connection. */
int cluster_manager_pid(Cluster *c, uint32_t *ret);

/* True when the app has our service template in the unit directory. */
bool cluster_app_exists(Cluster *c, const char *app);

/* Enqueues `method` for every unit at once and waits for all of them, with a deadline that
 * allows for the instances' own start and stop timeouts. */
int cluster_run_jobs(Cluster *c, const char *method, char *const *units, JobWaiter **ret, JobFinishedFn on_finished,
                     void *userdata);

/* Every loaded unit of an app (services, sockets, target), for stop and delete. */
int cluster_loaded_units(Cluster *c, const char *app, char ***ret);
/* The same with their load, active and sub states. */
int cluster_loaded_unit_infos(Cluster *c, const char *app, UnitInfo **ret, size_t *ret_n);
/* Adds the index of each instance service among those units to the list (index_list_add). */
int cluster_add_loaded_instances(const UnitInfo *infos, size_t n, const char *app, unsigned **list, size_t *n_list);

/* True when the manager runs a unit of the app from files changed since it loaded them
 * (NeedDaemonReload=yes, as systemctl warns): units written by a command killed before its
 * Reload(). Starting such a unit would start the old definition. */
int cluster_units_stale(Cluster *c, const char *app, bool *ret);

/* The deadline for jobs on these units: their start + stop timeouts from the manager, plus slack. */
uint64_t cluster_job_deadline(Cluster *c, char *const *units);
