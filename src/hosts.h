/* The controller side of -H: the verb run by the clusterctl of every host over ssh, and what
 * comes back merged. Prints, like every verb. */
#pragma once

#include "clusterctl.h"
#include "fanout.h"

/* What the controller keeps of one host's run. */
typedef struct HostOutcome {
        int exit_code;  /* the remote verb's, from its result event; -1 before */
        char *failure;  /* why the host gave no answer: unreachable, not installed, incompatible */
} HostOutcome;

typedef struct HostsRun {
        HostRun *runs;
        HostOutcome *outcomes;
        size_t n;
        int name_width; /* of the widest host name, for aligned prefixes */
} HostsRun;

void hosts_run_done(HostsRun *h);

/* Builds one ssh command per host of arg_hosts for `clusterctl [SCOPE] --remote-protocol=N ARGS…`,
 * with `input` on each one's stdin. Prints its errors; 0 or an exit code. */
int hosts_run_new(char *const *remote_args, const char *input, HostsRun *ret);

/* Records hello-less failures and result events; prints messages with the host in front.
 * Verbs with events of their own handle those and pass the rest here. */
void hosts_on_object(HostRun *run, json_object *o, void *userdata);
void hosts_on_text(HostRun *run, const char *line, void *userdata);
bool hosts_on_exit_continue(HostRun *run, void *userdata);
bool hosts_on_exit_stop_on_failure(HostRun *run, void *userdata);

/* Hosts asked at the same time by status and logs (and start, scale… with --parallel). */
#define HOSTS_PARALLEL_MAX 16

/* Reads the config that -H sends to every host: one app, no @include. Its paths and user are
 * checked by each host, where they must exist. Prints errors; 0 or an exit code. */
int read_config_for_hosts(const char *path, char **ret_text, char **ret_app);

/* "not reached, left as they were: c, d" */
void hosts_report_not_reached(const HostsRun *h);

/* A host's exit code (the remote verb's, or 1 when it gave no answer). */
int host_exit_code(const HostsRun *h, size_t i);
size_t host_index(const HostsRun *h, const HostRun *run);

/* The verb on every host: dispatched from main() when -H or --hosts is given. */
int hosts_dispatch(const Verb *v, int argc, char **argv);

int hosts_reload(int argc, char **argv);
int hosts_status(int argc, char **argv);
int hosts_logs(int argc, char **argv);

/* json-c accessors that tolerate a missing or mistyped member. */
const char *json_str(json_object *o, const char *key);
int64_t json_int(json_object *o, const char *key, int64_t fallback);
double json_double(json_object *o, const char *key, double fallback);
bool json_flag(json_object *o, const char *key); /* false when missing */
