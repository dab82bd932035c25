/* clusterctl generate FILE [-o DIR]: the units of a config, for packagers and config
 * management. Needs no manager. */
#include "manager-facts.h"
#include "output.h"
#include "unitfs.h"
#include "util.h"
#include "verb-common.h"

static int write_app(const App *app, const UnitSet *set, unsigned count) {
        int r;

        for (size_t i = 0; i < set->n_files; i++) {
                r = unitfs_check_owned(arg_output_dir, set->files[i].path, app->name);
                if (r == -EEXIST && !arg_force)
                        return log_error_errno(r, "%s/%s exists and was not written by clusterctl; refusing to "
                                               "overwrite it (use --force)", arg_output_dir, set->files[i].path);
                r = unitfs_write_atomic(arg_output_dir, set->files[i].path, set->files[i].text);
                if (r < 0)
                        return log_error_errno(r, "cannot write %s/%s: %m", arg_output_dir, set->files[i].path);
        }
        for (unsigned k = 0; k < count; k++)
                if ((r = unitfs_wants_add(arg_output_dir, app->name, k)) < 0)
                        return log_error_errno(r, "cannot write the enable links in %s: %m", arg_output_dir);
        if ((r = unitfs_target_enable(arg_output_dir, arg_scope, app->name)) < 0)
                return log_error_errno(r, "cannot write the target link in %s: %m", arg_output_dir);
        if (!arg_quiet)
                log_info("%s: %zu files and %u instance links written to %s", app->name, set->n_files, count,
                         arg_output_dir);
        return 0;
}

int verb_generate(int argc, char **argv, Cluster *c) {
        _cleanup_(app_list_done) AppList apps = {};
        SandboxLimits limits;
        int r;
        (void) argc;
        (void) c;

        r = load_config(argv[1], &apps);
        if (r < 0)
                return config_error_status(r);
        /* What start would write here, for the user running it. */
        manager_sandbox_limits(arg_scope, &limits);
        for (size_t i = 0; i < apps.n_apps; i++) {
                _cleanup_(unit_set_done) UnitSet set = {};
                unsigned count;

                warn_if_root(&apps.apps[i]);
                warn_if_sandbox_limited(&apps.apps[i], &limits);
                r = render_configured(argv[1], &apps.apps[i], &limits, &set, &count);
                if (r < 0)
                        return config_error_status(r);
                if (arg_output_dir) {
                        r = write_app(&apps.apps[i], &set, count);
                        if (r < 0)
                                return r;
                        continue;
                }
                for (size_t f = 0; f < set.n_files; f++)
                        printf("%s# %s\n%s", i + f ? "\n" : "", set.files[f].path, set.files[f].text);
        }
        return EXIT_OK;
}
