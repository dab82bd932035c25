/* Instance-count arithmetic. */
#include "instances.h"

#include <sched.h>

#include "util.h"

int instance_spec_parse(const char *s, InstanceSpec *ret) {
        int n, r;

        if (!s)
                return -EINVAL;
        if (streq(s, "max")) {
                *ret = (InstanceSpec) { .relative_to_max = true, .n = 0 };
                return 0;
        }
        if (startswith(s, "max-")) {
                unsigned m;
                r = safe_atou(s + 4, &m);
                if (r < 0)
                        return r;
                if (m >= INSTANCES_MAX)
                        return -ERANGE;
                *ret = (InstanceSpec) { .relative_to_max = true, .n = (int) m };
                return 0;
        }
        if (*s == '+')
                return -EINVAL;
        r = safe_atoi(s, &n);
        if (r < 0)
                return r;
        if (n == 0 || n > INSTANCES_MAX || n <= -INSTANCES_MAX)
                return -ERANGE;
        if (n < 0)
                *ret = (InstanceSpec) { .relative_to_max = true, .n = -n };
        else
                *ret = (InstanceSpec) { .relative_to_max = false, .n = n };
        return 0;
}

unsigned instance_spec_resolve(const InstanceSpec *spec, unsigned cpus) {
        long v = spec->relative_to_max ? (long) cpus - spec->n : spec->n;

        if (v < 1)
                return 1;
        if (v > INSTANCES_MAX)
                return INSTANCES_MAX;
        return (unsigned) v;
}

int scale_target_parse(const char *s, unsigned current, unsigned cpus, unsigned *ret) {
        long v;
        int r;

        if (!s || !*s)
                return -EINVAL;
        if (*s == '+' || *s == '-') {
                unsigned delta;
                r = safe_atou(s + 1, &delta);
                if (r < 0)
                        return r;
                if (delta > INSTANCES_MAX)
                        return -ERANGE;
                v = *s == '+' ? (long) current + delta : (long) current - delta;
        } else {
                InstanceSpec spec;
                r = instance_spec_parse(s, &spec);
                if (r < 0)
                        return r;
                v = spec.relative_to_max ? (long) cpus - spec.n : spec.n;
                if (spec.relative_to_max && v < 1)
                        v = 1; /* "max-3" on two CPUs still means one instance, as in a config */
        }
        if (v < 1 || v > INSTANCES_MAX)
                return -ERANGE;
        *ret = (unsigned) v;
        return 0;
}

unsigned usable_cpus(void) {
        cpu_set_t set;

        if (sched_getaffinity(0, sizeof(set), &set) < 0)
                return 1;
        int n = CPU_COUNT(&set);
        return n > 0 ? (unsigned) n : 1;
}

int batch_spec_parse(const char *s, unsigned *ret_count, unsigned *ret_percent) {
        _cleanup_free_ char *copy = NULL;
        unsigned v;
        int r;

        if (!s || !*s)
                return -EINVAL;
        if (endswith(s, "%")) {
                if (!(copy = strndup(s, strlen(s) - 1)))
                        return -ENOMEM;
                r = safe_atou(copy, &v);
                if (r < 0 || v < 1 || v > 100)
                        return -EINVAL;
                *ret_count = 0;
                *ret_percent = v;
                return 0;
        }
        r = safe_atou(s, &v);
        if (r < 0 || v < 1 || v > INSTANCES_MAX)
                return -EINVAL;
        *ret_count = v;
        *ret_percent = 0;
        return 0;
}

unsigned batch_size(unsigned count, unsigned percent, unsigned total) {
        unsigned b = percent ? (total * percent + 99) / 100 : count;

        if (total == 0)
                return 1;
        if (b < 1)
                b = 1;
        return b > total ? total : b;
}
