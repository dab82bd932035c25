/* Unit names of an app's instances. */
#include "unit-name.h"

#include <string.h>

#include "instances.h"
#include "util.h"

int unit_name_instance(const char *app, unsigned index, const char *suffix, char **ret) {
        return asprintf_safe(ret, "%s@%u%s", app, index, suffix);
}

char **instance_units(const char *app, const unsigned *indices, size_t n, const char *suffix) {
        char **l = calloc(n + 1, sizeof(char *));
        if (!l)
                return NULL;
        for (size_t i = 0; i < n; i++)
                if (unit_name_instance(app, indices[i], suffix, &l[i]) < 0) {
                        strv_free(l);
                        return NULL;
                }
        return l;
}

char **instance_units_upto(const char *app, unsigned count, const char *suffix) {
        _cleanup_free_ unsigned *indices = calloc(count ? count : 1, sizeof(unsigned));
        if (!indices)
                return NULL;
        for (unsigned k = 0; k < count; k++)
                indices[k] = k;
        return instance_units(app, indices, count, suffix);
}

int unit_name_parse_instance(const char *name, size_t len, const char *app, const char *suffix, unsigned *ret) {
        size_t app_len = strlen(app), suffix_len = strlen(suffix);
        unsigned k = 0;

        if (len < app_len + 2 + suffix_len || memcmp(name, app, app_len) != 0 || name[app_len] != '@' ||
            memcmp(name + len - suffix_len, suffix, suffix_len) != 0)
                return -EINVAL;
        const char *digits = name + app_len + 1, *end = name + len - suffix_len;
        if (digits[0] == '0' && end - digits > 1)
                return -EINVAL;
        for (const char *p = digits; p < end; p++) {
                if (*p < '0' || *p > '9')
                        return -EINVAL;
                k = k * 10 + (unsigned) (*p - '0');
                if (k >= INSTANCES_MAX)
                        return -EINVAL;
        }
        *ret = k;
        return 0;
}
