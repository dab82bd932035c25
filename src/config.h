/* libconfig file → validated App descriptions. Every error names file:line. No side effects:
 * reading a config never touches the service manager or the unit directory. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "instances.h"

typedef enum SocketMode {
        SOCKET_MODE_SHARED,
        SOCKET_MODE_REUSEPORT,
        _SOCKET_MODE_MAX,
        _SOCKET_MODE_INVALID = -1,
} SocketMode;

typedef enum ReadyMode {
        READY_NOTIFY,
        READY_EXEC,
        READY_LISTEN, /* node_compat = "pm2": READY=1 once the app's first listen() has the socket */
        _READY_MAX,
        _READY_INVALID = -1,
} ReadyMode;

typedef enum Hardening {
        HARDENING_NONE,
        HARDENING_DEFAULT,
        HARDENING_STRICT,
        _HARDENING_MAX,
        _HARDENING_INVALID = -1,
} Hardening;

typedef enum OnFailure {
        ON_FAILURE_STOP,
        ON_FAILURE_ROLLBACK,
        ON_FAILURE_CONTINUE,
        _ON_FAILURE_MAX,
        _ON_FAILURE_INVALID = -1,
} OnFailure;

typedef enum NodeCompat {
        NODE_COMPAT_NONE,
        NODE_COMPAT_PM2, /* node -r pm2-compat.js: PM2 apps run unchanged */
        _NODE_COMPAT_MAX,
        _NODE_COMPAT_INVALID = -1,
} NodeCompat;

typedef struct EnvVar {
        char *name;
        char *value;
} EnvVar;

/* Revisions kept of an app when its config says nothing. */
#define HISTORY_LIMIT_DEFAULT 10
#define HISTORY_LIMIT_MAX 1000

/* What a rollout does when the config says nothing. */
#define ROLLOUT_DEFAULT_GRACE 0.5
#define ROLLOUT_DEFAULT_SURGE_PERCENT 25

typedef struct Rollout {
        unsigned batch;       /* instances restarted together; 0 = use batch_percent */
        unsigned batch_percent;
        unsigned surge;       /* spare instances started first; 0 = none, or use surge_percent */
        unsigned surge_percent;
        double pause;         /* seconds between batches */
        double grace;         /* seconds an instance must stay up after READY */
        OnFailure on_failure;
} Rollout;

/* Where a key was set: for errors found after parsing, such as an account that does not exist. */
typedef struct ConfigSource {
        char *file;
        int line;
} ConfigSource;

typedef struct App {
        char *name;
        char *config_path; /* absolute */
        char **argv;       /* argv[0] absolute */
        char *cwd;
        char *user;
        char *group;
        ConfigSource user_source, group_source; /* set with user and group */
        EnvVar *env;
        size_t n_env;
        char *env_file;
        InstanceSpec instances;
        char *instance_var;
        char *increment_var;
        long increment_base;
        char **listen;
        SocketMode socket_mode;
        ReadyMode ready;
        double ready_timeout;
        char *kill_signal;
        double kill_timeout; /* < 0: manager default */
        char *restart;
        double restart_delay;
        char *memory_max;
        int cpu_weight; /* 0: unset */
        Hardening hardening;
        Rollout rollout;
        double watchdog;        /* WatchdogSec=; 0: none */
        unsigned history_limit; /* revisions kept */
        NodeCompat node_compat;
        char *node_preload;          /* absolute path of the preload, with node_compat */
        bool shutdown_with_message;  /* the stop signal becomes the 'shutdown' message */
        char *cron_restart;          /* as written (cron syntax) */
        char **cron_calendar;        /* the same as OnCalendar= events */
        char *clusterctl_path;       /* what the cron timer's service runs */
} App;

typedef struct AppList {
        App *apps;
        size_t n_apps;
} AppList;

/* A config error: where and what. message is owned. */
typedef struct ConfigError {
        char *file;
        int line;
        char *message;
} ConfigError;

void config_error_done(ConfigError *e);
/* "file:line: message" (or "file: message" without a line). */
char *config_error_format(const ConfigError *e);

void app_done(App *app);
void app_list_done(AppList *l);

/* Parses and validates a config file. On failure returns a negative errno and fills *ret_error.
 * Relative paths in the file resolve against its directory. */
int config_load_file(const char *path, AppList *ret, ConfigError *ret_error);
/* Same, from a string, with `path` used for messages and relative paths. */
int config_load_string(const char *text, const char *path, AppList *ret, ConfigError *ret_error);

const char *socket_mode_to_string(SocketMode m);
const char *ready_mode_to_string(ReadyMode m);
const char *on_failure_to_string(OnFailure f);
const char *hardening_to_string(Hardening h);
OnFailure on_failure_from_string(const char *s);
