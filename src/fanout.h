/* Running clusterctl on many hosts at once over ssh: one ssh process per host, its stdout and
 * stderr read through nonblocking pipes multiplexed with poll(), at most N at a time, each
 * host's output cut into whole lines. Returns errors; the verbs print. */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <sys/types.h>

#include "hostspec.h"
#include "util.h"

typedef struct HostRun {
        const HostSpec *host;
        char **argv;       /* the ssh command line */
        const char *input; /* written to ssh's stdin, which is then closed; NULL: /dev/null */
        void *data;        /* the verb's own per-host state */

        /* Filled in by fanout_run(). */
        pid_t pid;
        int out_fd, err_fd, in_fd;
        size_t input_done;
        Buffer out, err; /* partial lines */
        char *last_stderr;
        bool started, finished;
        bool greeted; /* said hello in the remote protocol */
        unsigned protocol;
        char *version;
        int wait_status;
} HostRun;

typedef struct FanoutOps {
        /* A JSON object the host's clusterctl printed (its hello excepted). */
        void (*on_object)(HostRun *run, json_object *o, void *userdata);
        /* A line on stderr, or a line on stdout that is not JSON. */
        void (*on_text)(HostRun *run, const char *line, void *userdata);
        /* The host's command ended; false starts no more hosts. */
        bool (*on_exit)(HostRun *run, void *userdata);
} FanoutOps;

void host_run_done(HostRun *run);

/* CLUSTERCTL_SSH (default "ssh") and CLUSTERCTL_REMOTE (default "clusterctl"), split into words. */
int fanout_commands(char ***ret_ssh, char ***ret_remote);

/* Runs the hosts in order, at most max_parallel at a time, until all ended or on_exit said stop.
 * A SIGINT, SIGTERM or SIGHUP stops starting hosts and ends the running ssh processes (their
 * remote commands stop between batches); it returns -EINTR then. */
int fanout_run(HostRun *runs, size_t n, size_t max_parallel, const FanoutOps *ops, void *userdata);

/* Makes fanout_run() stop as an interruption does: for a verb whose output went away. */
void fanout_stop(void);
/* fanout_run() is stopping because of an interruption or fanout_stop(). */
bool fanout_stopping(void);

/* Hosts that were never started (after a stop, or an interruption). */
static inline bool host_run_reached(const HostRun *run) {
        return run->started;
}
