/* Unit names of an app's instances. */
#include "unit-name.h"

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
