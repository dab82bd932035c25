/* Command-line options and the verbs. main() resolves what the verb table says a verb needs
 * (a valid app name, the manager, an installed app, the app's lock) before the verb runs; only
 * the verb layer prints. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "cluster.h"
#include "config.h"
#include "hostspec.h"
#include "render.h"

/* Exit codes, as systemctl and LSB use them. */
enum {
        EXIT_OK = 0,
        EXIT_FAILURE_ = 1,
        EXIT_USAGE = 2,
        EXIT_NOT_ACTIVE = 3,
};

extern Scope arg_scope;
extern bool arg_force;
extern bool arg_json;
extern bool arg_wait;
extern bool arg_dry_run;
extern bool arg_quiet;
extern const char *arg_output_dir;
extern const char *arg_config;
extern const char *arg_env;    /* import --env NAME */
extern const char *arg_listen; /* import --listen ADDRESS */
extern unsigned arg_batch_count, arg_batch_percent; /* --batch; both 0: the config's */
extern int arg_on_failure;                          /* OnFailure, or -1 for the config's */
extern int arg_lines;                               /* -1: the verb's default */
extern bool arg_follow;
extern bool arg_raw;
extern bool arg_watch;
extern double arg_cpu_sample; /* seconds; 0: none */
extern const char *arg_since;
extern const char *arg_until;
extern const char *arg_priority;
extern unsigned *arg_instances; /* --instance N, repeatable; NULL: all */
extern size_t arg_n_instances;
extern HostList arg_hosts;          /* -H, --hosts: run the verb on these hosts over ssh */
extern const char *arg_host_batch;  /* --host-batch N|N% (reload) */
extern bool arg_parallel;           /* --parallel: all hosts at once (start, scale, stop, …) */
extern unsigned arg_remote_protocol; /* --remote-protocol N: run by a controller; 0: not */
extern bool arg_config_stdin;       /* --config-stdin: the config comes on stdin (with -H) */
extern const char *arg_rollout_id;  /* --rollout-id ID: one rollout across hosts (reload) */
extern unsigned arg_canary_count, arg_canary_percent; /* --canary; both 0: none */
extern bool arg_override_pause;
extern unsigned arg_to;   /* undo --to REV; 0: the revision before */
extern unsigned arg_show; /* history --show REV; 0: list */

/* What main() resolves before a verb runs, in this order. */
typedef enum VerbFlags {
        VERB_APP = 1 << 0,       /* the first argument, when given, is an app name: validated first */
        VERB_MANAGER = 1 << 1,   /* connects to the manager: the verb gets the open Cluster */
        VERB_INSTALLED = 1 << 2, /* the app's units must be installed (with VERB_APP and VERB_MANAGER) */
        VERB_LOCKED = 1 << 3,    /* runs holding the app's lock, released when it returns (--wait queues) */
        VERB_ALIAS = 1 << 4,     /* another name of the verb above it: left out of the option lists */
} VerbFlags;

/* A verb returns its exit status (EXIT_OK, EXIT_USAGE, EXIT_NOT_ACTIVE), or a negative errno after
 * reporting the failure: main() maps that to EXIT_FAILURE_, once. c is the open manager
 * connection with VERB_MANAGER, else NULL. */
typedef int (*VerbFn)(int argc, char **argv, Cluster *c);

typedef struct Verb {
        const char *name;
        int min_args;
        int max_args; /* -1: any */
        VerbFlags flags;
        uint64_t options; /* OPTION(…) of each option it takes, besides the common ones */
        /* Optional: checks the arguments' syntax before anything is contacted; 0, or -EINVAL after
         * saying what is wrong (a usage error). */
        int (*check_args)(int argc, char **argv);
        VerbFn run;
        const char *usage;
        const char *summary;
        const char *help; /* longer text for `clusterctl help VERB` */
} Verb;

int verb_start(int argc, char **argv, Cluster *c);
int verb_stop(int argc, char **argv, Cluster *c);
int verb_restart(int argc, char **argv, Cluster *c);
int verb_reload(int argc, char **argv, Cluster *c);
int verb_promote(int argc, char **argv, Cluster *c);
int verb_undo(int argc, char **argv, Cluster *c);
int verb_history(int argc, char **argv, Cluster *c);
int verb_scale_check_args(int argc, char **argv);
int verb_scale(int argc, char **argv, Cluster *c);
int verb_status(int argc, char **argv, Cluster *c);
int verb_logs(int argc, char **argv, Cluster *c);
int verb_top(int argc, char **argv, Cluster *c);
int verb_delete(int argc, char **argv, Cluster *c);
int verb_generate(int argc, char **argv, Cluster *c);
int verb_check(int argc, char **argv, Cluster *c);
int verb_import(int argc, char **argv, Cluster *c);
int verb_help(int argc, char **argv, Cluster *c);
