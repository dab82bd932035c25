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
        JobState state;
        uint64_t finished_usec; /* monotonic */
} Job;

typedef struct JobWaiter JobWaiter;

int job_waiter_new(sd_bus *bus, JobWaiter **ret);
JobWaiter *job_waiter_free(JobWaiter *w);
static inline void job_waiter_freep(JobWaiter **w) {
        job_waiter_free(*w);
}

/* method: "StartUnit", "StopUnit", "RestartUnit", "TryRestartUnit"; mode usually "replace". */
int job_waiter_enqueue(JobWaiter *w, const char *method, const char *unit, const char *mode);

/* Processes replies and signals until every enqueued job finished, or the deadline (monotonic µs):
 * -ETIME then, with unfinished jobs left in their state. on_finished, if set, is called as each
 * job ends (for progress output). */
typedef void (*JobFinishedFn)(const Job *job, void *userdata);
int job_waiter_wait(JobWaiter *w, uint64_t deadline_usec, JobFinishedFn on_finished, void *userdata);

size_t job_waiter_count(const JobWaiter *w);
const Job *job_waiter_get(const JobWaiter *w, size_t i);
/* True when every job ended "done". */
bool job_waiter_all_done(const JobWaiter *w);
/* Forget the jobs waited for, keeping the subscription (for the next batch). */
void job_waiter_reset(JobWaiter *w);
