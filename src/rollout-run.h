/* Running a rollout: moving instances to the units the manager has loaded, batch by batch.
 *
 * With surge, spare instances start first on the indices after the last one (APP@N…), with the
 * new units, and must stay up through the grace period while every old instance still serves: a
 * version that does not start, or dies soon after, stops the rollout before any old instance is
 * touched. Then the old instances restart in place, `batch` + `surge` at a time (the spares keep
 * the capacity at count − batch or more), and the spares stop at the end. Without surge the first
 * batch is the proof.
 *
 * Later batches move on at READY=1; every moved instance is watched (PropertiesChanged) until the
 * rollout ends, and it ends only when the last batch has been up for the grace period too: no
 * instance that dies within `grace` of its READY goes unnoticed, as when each batch waited. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "cluster.h"
#include "jobs.h"

typedef struct RolloutOptions {
        unsigned batch_count, batch_percent; /* out of service at once; one of the two is 0 */
        unsigned surge;                      /* spares; 0: none */
        double grace, pause;                 /* seconds */
        bool stop_on_failure;
} RolloutOptions;

typedef enum RolloutEvent {
        ROLLOUT_RESTARTING,    /* a RestartUnit is on its way */
        ROLLOUT_SPARE_STARTING, /* the StartUnit of a spare is on its way */
        ROLLOUT_UNSTABLE,      /* was ready, then not: `detail` says what it became */
        ROLLOUT_SPARE_READY,   /* a spare is serving */
        ROLLOUT_SPARE_STOPPING,
} RolloutEvent;

typedef struct RolloutProgress {
        void (*event)(void *userdata, RolloutEvent event, const char *unit, const char *detail);
        JobFinishedFn job_finished; /* each RestartUnit/StartUnit job as it ends */
        /* Asked before each batch: true stops the rollout there (-ECONNABORTED). */
        bool (*stop_requested)(void *userdata);
        void *userdata;
} RolloutProgress;

typedef struct RolloutResult {
        unsigned *moved; /* instances restarted, in order */
        size_t n_moved;
        unsigned *failed; /* instances that failed; spares are not among them */
        size_t n_failed;
        bool spare_failed; /* the new version failed on a spare: no instance was touched */
} RolloutResult;

void rollout_result_done(RolloutResult *r);

/* Restarts `pending` (instance indices below `count`) as the options say. Returns < 0 only when it
 * could not go on (the bus failed); failures of instances are in *ret. The spares are stopped
 * whatever happens. */
int rollout_run(Cluster *c, const char *app, unsigned count, const unsigned *pending, size_t n,
                const RolloutOptions *o, const RolloutProgress *p, RolloutResult *ret);

/* The spares a rollout would use: `surge` (a count, or a percentage of count when percent is set),
 * when the instances share one socket; 0 otherwise. With one socket per instance (reuseport) a
 * restarting instance's socket stays in the kernel's group, and the connections hashed to it wait
 * for its new process whether or not a spare serves beside it; without a socket nothing routes
 * connections to a spare. */
unsigned rollout_spares(Cluster *c, const char *app, unsigned count, unsigned surge, unsigned surge_percent);
