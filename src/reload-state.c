/* What a reload keeps on disk: the units it replaced, so a rollback can put them back, and the
 * rollout state in the runtime directory, so a killed reload resumes where it stopped. */
#include "lock.h"
#include "output.h"
#include "reload.h"
#include "unitfs.h"
#include "util.h"

static int save_file(Reload *r, const char *path) {
        SavedFile *s = realloc(r->saved, sizeof(SavedFile) * (r->n_saved + 1));
        if (!s)
                return -ENOMEM;
        r->saved = s;
        s[r->n_saved] = (SavedFile) { .path = strdup(path) };
        if (!s[r->n_saved].path)
                return -ENOMEM;
        int e = unitfs_read(r->c->unit_dir, path, &s[r->n_saved].text);
        if (e < 0 && e != -ENOENT)
                return e;
        r->n_saved++;
        return 0;
}

int reload_save_previous_units(Reload *r) {
        int e;
        for (size_t i = 0; i < r->plan.write.n_files; i++)
                if ((e = save_file(r, r->plan.write.files[i].path)) < 0)
                        return e;
        for (size_t i = 0; r->plan.remove && r->plan.remove[i]; i++)
                if ((e = save_file(r, r->plan.remove[i])) < 0)
                        return e;
        return 0;
}

int reload_restore_previous_units(Reload *r) {
        int e;
        for (size_t i = 0; i < r->n_saved; i++) {
                if (r->saved[i].text)
                        e = unitfs_write_atomic(r->c->unit_dir, r->saved[i].path, r->saved[i].text);
                else
                        e = unitfs_remove(r->c->unit_dir, r->saved[i].path);
                if (e < 0) {
                        log_error("%s: cannot restore %s/%s: %s", r->app, r->c->unit_dir, r->saved[i].path, strerror(-e));
                        return e;
                }
        }
        return 0;
}

int reload_state_write(Reload *r) {
        _cleanup_free_ char *path = NULL, *text = rollout_state_format(&r->state);
        int e = app_runtime_file(r->c->scope, r->app, ".rollout", &path);
        if (e < 0 || !text)
                return e < 0 ? e : -ENOMEM;
        _cleanup_free_ char *tmp = strjoin(path, ".tmp");
        FILE *f = tmp ? fopen(tmp, "we") : NULL;
        if (!f)
                return -errno;
        fputs(text, f);
        if (fclose(f) != 0 || rename(tmp, path) < 0)
                return -errno;
        return 0;
}

void reload_state_read(Reload *r, RolloutState *ret, bool *ret_found) {
        _cleanup_free_ char *path = NULL;
        _cleanup_fclose_ FILE *f = NULL;
        char buf[256] = "";

        *ret_found = false;
        if (app_runtime_file(r->c->scope, r->app, ".rollout", &path) < 0 || !(f = fopen(path, "re")))
                return;
        if (fread(buf, 1, sizeof(buf) - 1, f) > 0 && rollout_state_parse(buf, ret) >= 0)
                *ret_found = true;
}

void reload_state_remove(Reload *r) {
        _cleanup_free_ char *path = NULL;
        if (app_runtime_file(r->c->scope, r->app, ".rollout", &path) >= 0)
                (void) unlink(path);
}
