/* Instance-count arithmetic: "4", "max", "max-1", "-1", "+2", "-2". Pure. */
#pragma once

#include <stdbool.h>

#define INSTANCES_MAX 1024

typedef struct InstanceSpec {
        bool relative_to_max; /* "max" or "max-N" or negative N */
        int n;                /* count, or N subtracted from max */
} InstanceSpec;

/* An absolute spec, as in a config's `instances`: N ≥ 1, "max", "max-N", or -N. */
int instance_spec_parse(const char *s, InstanceSpec *ret);

/* The count a spec means given the usable CPUs; at least 1, at most INSTANCES_MAX. */
unsigned instance_spec_resolve(const InstanceSpec *spec, unsigned cpus);

/* A scale argument: absolute spec, or "+N"/"-N" relative to the current count. For scale,
 * a leading '-' means relative (PM2's `scale app -2`), and "max-N" means max minus N.
 * Returns -ERANGE when the result would fall below 1 or exceed INSTANCES_MAX. */
int scale_target_parse(const char *s, unsigned current, unsigned cpus, unsigned *ret);

/* CPUs this process may run on (sched_getaffinity), at least 1. */
unsigned usable_cpus(void);

/* A rollout batch: "N" instances or "P%" of them (1..100). Exactly one of the two is non-zero. */
int batch_spec_parse(const char *s, unsigned *ret_count, unsigned *ret_percent);
/* The batch size for `total` instances: at least 1, at most total. */
unsigned batch_size(unsigned count, unsigned percent, unsigned total);
