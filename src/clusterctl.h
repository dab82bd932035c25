/* Command-line options and the verbs. Only the verb layer prints. */
#pragma once

#include <stdbool.h>

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
extern const char *arg_batch;
extern int arg_on_failure; /* OnFailure, or -1 for the config's */
extern int arg_lines;      /* -1: the verb's default */
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

typedef struct Verb {
        const char *name;
        int min_args;
        int max_args; /* -1: any */
        int (*run)(int argc, char **argv);
        const char *usage;
        const char *summary;
        const char *help; /* longer text for `clusterctl help VERB` */
} Verb;

int verb_start(int argc, char **argv);
int verb_stop(int argc, char **argv);
int verb_restart(int argc, char **argv);
int verb_reload(int argc, char **argv);
int verb_scale(int argc, char **argv);
int verb_status(int argc, char **argv);
int verb_logs(int argc, char **argv);
int verb_top(int argc, char **argv);
int verb_delete(int argc, char **argv);
int verb_generate(int argc, char **argv);
int verb_check(int argc, char **argv);
int verb_help(int argc, char **argv);

const Verb *verb_find(const char *name);
void print_verb_help(const Verb *v);
