/* What a reload keeps on disk: the units it replaced, so a rollback can put them back, and the
 * rollout state in the runtime directory, so a killed reload resumes where it stopped. */
#include "fileio.h"
#include "lock.h"
#include "output.h"
#include "reload.h"
#include "unitfs.h"
#include "util.h"
#include "verb-common.h"

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
                if (e < 0)
                        return log_error_errno(e, "%s: cannot restore %s/%s: %m", r->app, r->c->unit_dir,
                                               r->saved[i].path);
        }
        return 0;
}

int reload_state_write(Reload *r) {
        _cleanup_free_ char *path = NULL, *text = rollout_state_format(&r->state);
        int e = app_runtime_file(r->c->scope, r->app, ".rollout", &path);
        if (e < 0 || !text)
                return e < 0 ? e : -ENOMEM;
        return write_file_atomic(path, text, 0644);
}

int rollout_state_load(Scope scope, const char *app, RolloutState *ret) {
        _cleanup_free_ char *path = NULL;
        _cleanup_fclose_ FILE *f = NULL;
        char buf[256] = "";
        int e;

        if ((e = app_runtime_file(scope, app, ".rollout", &path)) < 0)
                return e;
        if (!(f = fopen(path, "re")))
                return -errno;
        if (fread(buf, 1, sizeof(buf) - 1, f) == 0)
                return -ENOENT;
        return rollout_state_parse(buf, ret);
}

void reload_state_read(Reload *r, RolloutState *ret, bool *ret_found) {
        *ret_found = rollout_state_load(r->c->scope, r->app, ret) >= 0;
}

void rollout_state_remove(Scope scope, const char *app) {
        _cleanup_free_ char *path = NULL;
        if (app_runtime_file(scope, app, ".rollout", &path) >= 0)
                (void) unlink(path);
}

void reload_state_remove(Reload *r) {
        rollout_state_remove(r->c->scope, r->app);
}

int reload_apply_units(Reload *r) {
        _cleanup_free_ char *error = NULL;
        int e;

        if (r->units_changed) {
                if ((e = reload_save_previous_units(r)) < 0)
                        return log_error_errno(e, "%s: cannot read its units: %m", r->app);
                if ((e = cluster_apply_plan(r->c, &r->plan, &error)) < 0)
                        return log_error_errno(e, "%s: %s", r->app, strna(error));
        }
        /* Also when this command wrote nothing: one killed between writing units and reloading left
         * them unloaded. */
        if ((e = daemon_reload_if_needed(r->c, r->app, r->units_changed)) < 0)
                return e;
        if (r->units_changed && r->revision.number && app_revision_loaded(r->c, r->app, &r->revision) < 0)
                log_warning("%s: cannot record that revision %u is loaded", r->app, r->revision.number);
        return 0;
}
