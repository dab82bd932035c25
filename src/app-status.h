/* The state of one app's instances, as status and top show it: enabled instances plus any
 * still loaded, with their properties fetched in one round of asynchronous calls. */
#pragma once

#include "cluster.h"
#include "rollout.h"
#include "table.h"

typedef struct Instance {
        unsigned index;
        bool enabled;
        UnitInfo info;
        double cpu_percent; /* < 0: unknown */
        unsigned revision;  /* what its running process was started with; 0: none or unknown */
        unsigned watchdog_kills; /* in this boot, by the manager, for missing the watchdog */
} Instance;

typedef enum RolloutShown {
        ROLLOUT_NONE,
        ROLLOUT_ROLLING,     /* a command is moving instances now */
        ROLLOUT_PAUSED,      /* after a canary */
        ROLLOUT_STOPPED,     /* on a failure */
        ROLLOUT_INTERRUPTED, /* the command that ran it is gone */
} RolloutShown;

typedef struct AppStatus {
        char *app;
        Instance *instances;
        size_t n;
        unsigned desired;
        unsigned active;
        char *socket_unit;
        UnitInfo socket;
        uint64_t last_reload_usec; /* realtime; 0: unknown */
        unsigned revision;         /* the one the manager has loaded; 0: unknown */
        RolloutShown rollout;
        RolloutState rollout_state; /* when rollout is not ROLLOUT_NONE */
} AppStatus;

void app_status_done(AppStatus *s);
int collect_status(Cluster *c, const char *app, AppStatus *ret);
bool unit_is_active(const UnitInfo *u);
/* The manager stopped restarting it: the start limit was reached. */
bool hit_restart_limit(const UnitInfo *u);
/* Fills cpu_percent from CPUUsageNSec between two samples taken `elapsed_usec` apart. */
void status_cpu_between(AppStatus *now, const AppStatus *before, uint64_t elapsed_usec);
/* Seconds from the main process's start to ready (READY=1), or < 0. */
double ready_seconds(const UnitInfo *u);
/* Seconds since the instance became active, or -1. */
double uptime_seconds(const UnitInfo *u);

/* Records a successful reload, for `status` without an app. */
void record_last_reload(Scope scope, const char *app);

/* "rolling", "paused", "stopped on failure", "interrupted", or NULL. */
const char *rollout_shown_to_string(RolloutShown r);
/* Instances running revision `number`. */
unsigned instances_on_revision(const AppStatus *s, unsigned number);

/* The instance table of status (live: of top, where cpu % matters more than the rest), sized by
 * table_format; and the summary line above it. */
int status_instance_table(const AppStatus *s, bool live, Table *ret);
/* The same columns after a HOST one, and the rows of one host's app, for status over hosts. */
const TableColumn *status_host_columns(size_t *ret_n);
int status_host_rows(Table *t, const AppStatus *s, const char *host);
void format_status_summary(const AppStatus *s, char *buf, size_t size);
