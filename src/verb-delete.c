/* clusterctl delete APP: stop the app, then remove every file and link clusterctl wrote for it,
 * and nothing else. */
#include "output.h"
#include "reload.h"
#include "revstore.h"
#include "unitfs.h"
#include "util.h"
#include "verb-common.h"

static int remove_app_files(Cluster *c, const char *app, size_t *ret_removed) {
        _cleanup_strv_free_ char **files = NULL;
        _cleanup_free_ unsigned *enabled = NULL;
        size_t n = 0, removed = 0;
        int r;

        r = cluster_enabled(c, app, &enabled, &n);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++, removed++)
                if ((r = unitfs_wants_remove(c->unit_dir, app, enabled[i])) < 0)
                        return r;
        r = unitfs_wants_dir_remove(c->unit_dir, app);
        if (r < 0)
                return r;
        r = unitfs_target_disable(c->unit_dir, c->scope, app);
        if (r < 0)
                return r;
        r = unitfs_app_files(c->unit_dir, app, &files);
        if (r < 0)
                return r;
        /* Drop-ins first, the template last: a run interrupted here can still find the app. */
        for (size_t i = strv_length(files); i > 0; i--) {
                const char *f = files[i - 1];
                if (endswith(f, "@.service"))
                        continue;
                if ((r = unitfs_remove(c->unit_dir, f)) < 0)
                        return r;
                removed++;
        }
        r = unitfs_remove_empty_dropin_dirs(c->unit_dir, app);
        if (r < 0)
                return r;
        for (size_t i = 0; files && files[i]; i++)
                if (endswith(files[i], "@.service")) {
                        if ((r = unitfs_remove(c->unit_dir, files[i])) < 0)
                                return r;
                        removed++;
                }
        *ret_removed = removed;
        return 0;
}

/* What the app's rollouts recorded at run time (its last reload, a finished rollout's id): a new
 * app of the same name must not show them. Its lock file stays: this command holds it. */
static void remove_runtime_records(Scope scope, const char *app) {
        static const char *const suffixes[] = { ".reloaded", ".rollout-done" };

        for (size_t i = 0; i < ELEMENTSOF(suffixes); i++) {
                _cleanup_free_ char *path = NULL;
                if (app_runtime_file(scope, app, suffixes[i], &path) >= 0 && unlink(path) < 0 && errno != ENOENT)
                        log_warning("%s: cannot remove %s: %s", app, path, strerror(errno));
        }
}

int verb_delete(int argc, char **argv, Cluster *c) {
        _cleanup_strv_free_ char **units = NULL;
        const char *app = argv[1];
        size_t removed = 0;
        int r;
        (void) argc;

        r = stop_app_units(c, app, &units);
        if (r < 0)
                return log_error_errno(r, "%s: not every unit stopped; its files are left in place", app);
        r = remove_app_files(c, app, &removed);
        if (r < 0)
                return log_error_errno(r, "%s: cannot remove its files from %s: %m", app, c->unit_dir);
        r = daemon_reload(c);
        if (r < 0)
                return r;
        /* Its revisions and rollout state go with it: a new app of the same name starts afresh. */
        if ((r = revstore_remove_all(c->scope, app)) < 0)
                log_warning("%s: cannot remove its revisions: %s", app, strerror(-r));
        rollout_state_remove(c->scope, app);
        remove_runtime_records(c->scope, app);
        /* Forget failed states so nothing of the app lingers in 'systemctl list-units'. */
        for (size_t i = 0; units && units[i]; i++)
                (void) sd_bus_call_method(c->bus, SD_DEST, SD_PATH, SD_MANAGER, "ResetFailedUnit", NULL, NULL, "s",
                                          units[i]);
        if (!arg_quiet)
                log_info("%s: deleted (%zu files and links removed)", app, removed);
        return EXIT_OK;
}
