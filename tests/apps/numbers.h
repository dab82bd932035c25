/* Strict number parsing for the test apps' flags: the whole string, a finite value, in [min, max].
 * -EINVAL otherwise. */
#pragma once

#include <errno.h>
#include <math.h>
#include <stdlib.h>

static inline int parse_double_in(const char *s, double min, double max, double *ret) {
        char *end;
        errno = 0;
        double v = strtod(s, &end);
        if (errno != 0 || end == s || *end != '\0' || !isfinite(v) || v < min || v > max)
                return -EINVAL;
        *ret = v;
        return 0;
}

static inline int parse_ll_in(const char *s, long long min, long long max, long long *ret) {
        char *end;
        errno = 0;
        long long v = strtoll(s, &end, 10);
        if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
                return -EINVAL;
        *ret = v;
        return 0;
}
