/* The state of one app's instances, as status and top show it: enabled instances plus any
 * still loaded, with their properties fetched in one round of asynchronous calls. */
#pragma once

#include "cluster.h"

typedef struct Instance {
        unsigned index;
        bool enabled;
        UnitInfo info;
        double cpu_percent; /* < 0: unknown */
} Instance;

typedef struct AppStatus {
        char *app;
        Instance *instances;
        size_t n;
        unsigned desired;
        unsigned active;
        char *socket_unit;
        UnitInfo socket;
        uint64_t last_reload_usec; /* realtime; 0: unknown */
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

/* Records a successful reload, for `status` without an app. */
void record_last_reload(Scope scope, const char *app);

/* Rows as status and top print them. */
const char *instance_table_header(void);
void format_instance_row(const Instance *in, char *buf, size_t size);
void format_status_summary(const AppStatus *s, char *buf, size_t size);
