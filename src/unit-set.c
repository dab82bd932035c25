/* A set of unit files by path. */
#include "unit-set.h"

#include <inttypes.h>

#include "util.h"

void unit_set_done(UnitSet *s) {
        for (size_t i = 0; i < s->n_files; i++) {
                free(s->files[i].path);
                free(s->files[i].text);
        }
        free(s->files);
        *s = (UnitSet) {};
}

int unit_set_add(UnitSet *s, const char *path, char *text) {
        UnitFile *f = realloc(s->files, sizeof(UnitFile) * (s->n_files + 1));
        if (!f) {
                free(text);
                return -ENOMEM;
        }
        s->files = f;
        f[s->n_files].text = text;
        if (!(f[s->n_files].path = strdup(path))) {
                free(text);
                return -ENOMEM;
        }
        s->n_files++;
        return 0;
}

const UnitFile *unit_set_find(const UnitSet *s, const char *path) {
        for (size_t i = 0; i < s->n_files; i++)
                if (streq(s->files[i].path, path))
                        return &s->files[i];
        return NULL;
}

uint64_t unit_set_hash(const UnitSet *s) {
        _cleanup_buffer_ Buffer b = {};

        /* Order-independent: files are hashed in path order. */
        const UnitFile **sorted = calloc(s->n_files ? s->n_files : 1, sizeof(UnitFile *));
        if (!sorted)
                return 0;
        for (size_t i = 0; i < s->n_files; i++)
                sorted[i] = &s->files[i];
        for (size_t i = 1; i < s->n_files; i++)
                for (size_t j = i; j > 0 && strcmp(sorted[j - 1]->path, sorted[j]->path) > 0; j--) {
                        const UnitFile *t = sorted[j];
                        sorted[j] = sorted[j - 1];
                        sorted[j - 1] = t;
                }
        for (size_t i = 0; i < s->n_files; i++)
                buffer_printf(&b, "%s\n%016" PRIx64 "\n", sorted[i]->path,
                              hash64(sorted[i]->text, strlen(sorted[i]->text)));
        free(sorted);
        return hash64(b.data ? b.data : "", b.len);
}
