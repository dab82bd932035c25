/* Rollout planning, pure: which instances restart together, and the small state that lets an
 * interrupted reload resume without restarting an instance twice. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "render.h"

typedef struct RolloutPlan {
        unsigned *order; /* instance indices, in restart order */
        size_t n;
        size_t batch; /* instances per batch, ≥ 1 */
} RolloutPlan;

void rollout_plan_done(RolloutPlan *p);
/* Batches over `indices` (ascending), of batch_count instances or batch_percent % of n. */
int rollout_plan(const unsigned *indices, size_t n, unsigned batch_count, unsigned batch_percent, RolloutPlan *ret);
size_t rollout_n_batches(const RolloutPlan *p);
/* Instances of batch k: *ret_first points into order, *ret_n of them. */
void rollout_batch(const RolloutPlan *p, size_t k, const unsigned **ret_first, size_t *ret_n);

typedef enum RolloutPhase {
        ROLLOUT_PHASE_RUNNING, /* under way, or interrupted when no command holds the app's lock */
        ROLLOUT_PHASE_PAUSED,  /* after a canary, until promote or undo */
        ROLLOUT_PHASE_FAILED,  /* stopped on a failure */
        _ROLLOUT_PHASE_MAX,
} RolloutPhase;

/* State kept while a rollout runs: the unit set it rolls out, and when it began (CLOCK_MONOTONIC,
 * the manager's clock too). An instance whose process started after `since` is done. It also says
 * whether the rollout is paused or stopped, which revision it rolls out and from which, how many
 * instances its canary moved, and whether it is an undo. */
typedef struct RolloutState {
        uint64_t units_hash;
        uint64_t since_usec;
        RolloutPhase phase;
        unsigned revision, from_revision; /* 0: unknown */
        unsigned canary;                  /* instances the canary moved; 0: none */
        bool undo;                        /* the rollout is an undo's: undo, not promote, finishes it */
} RolloutState;

const char *rollout_phase_to_string(RolloutPhase p);

char *rollout_state_format(const RolloutState *s);
int rollout_state_parse(const char *text, RolloutState *ret);
