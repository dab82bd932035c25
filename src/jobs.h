/* Enqueueing manager jobs and waiting for them without races: subscribe and match JobRemoved
 * first, then enqueue every call asynchronously, then wait once against a deadline. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-bus.h>

typedef enum JobState {
        JOB_CALLING, /* method call sent, no reply yet */
        JOB_RUNNING, /* reply received with a job path, waiting for JobRemoved */
        JOB_FINISHED,
        JOB_CALL_FAILED, /* the manager refused the call; error holds why */
} JobState;

typedef struct Job {
        char *unit;
        char *method;
        char *path; /* job object path */
        char *result; /* "done", "failed", "timeout", "canceled", "dependency", "skipped", … */
        char *error;  /* when the call itself failed */
        int call_errno; /* … and its -errno */
        JobState state;
        uint64_t finished_usec; /* monotonic */
} Job;

typedef struct JobWaiter JobWaiter;

/* The waiter owns its match and every call it sends: freeing it cancels whatever is still
 * pending, so no reply or signal can reach it afterwards. */
int job_waiter_new(sd_bus *bus, JobWaiter **ret);
JobWaiter *job_waiter_free(JobWaiter *w);
static inline void job_waiter_freep(JobWaiter **w) {
        job_waiter_free(*w);
}

/* method: "StartUnit", "StopUnit", "RestartUnit", "TryRestartUnit"; mode usually "replace". */
int job_waiter_enqueue(JobWaiter *w, const char *method, const char *unit, const char *mode);

/* Processes replies and signals until every enqueued job finished, or the deadline (monotonic µs):
 * -ETIME then, with unfinished jobs left in their state; -ECONNRESET when the connection to the
 * manager went away first. on_finished, if set, is called as each job ends (for progress output). */
typedef void (*JobFinishedFn)(const Job *job, void *userdata);
int job_waiter_wait(JobWaiter *w, uint64_t deadline_usec, JobFinishedFn on_finished, void *userdata);

size_t job_waiter_count(const JobWaiter *w);
const Job *job_waiter_get(const JobWaiter *w, size_t i);
/* True when every job ended "done". */
bool job_waiter_all_done(const JobWaiter *w);
/* Forget the jobs waited for, cancelling calls still unanswered, keeping the subscription. */
void job_waiter_reset(JobWaiter *w);

/* A job's outcome as -errno, as systemctl maps it: 0 for "done" and "skipped", -ETIME for
 * "timeout", -ECANCELED, -EIO for "dependency", …; -EINPROGRESS while it runs; the call's own
 * error when the manager refused it. */
int job_errno(const Job *job);
