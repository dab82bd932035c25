/* clusterctl scale APP N|max|max-N|+N|-N: the enabled instances are the desired count; new ones
 * are started and waited for, surplus ones (highest index first) stopped and disabled. */
#include "instances.h"
#include "output.h"
#include "unitfs.h"
#include "util.h"
#include "verb-common.h"

/* Per-instance drop-ins for 0..count-1 (increment_var), none above: rendered from what the
 * template's marker records, so scale works without the config. Sets *changed. */
static int sync_dropins(Cluster *c, const char *app, unsigned count, unsigned old_count, bool *changed) {
        _cleanup_(app_done) App minimal = {};
        _cleanup_free_ char *rel = NULL, *text = NULL;
        int r;

        if (asprintf_safe(&rel, "%s@.service", app) < 0)
                return -ENOMEM;
        r = unitfs_read(c->unit_dir, rel, &text);
        if (r < 0)
                return r;
        r = app_from_marker(text, &minimal);
        if (r < 0)
                return r;
        for (unsigned k = 0; k < count; k++) {
                UnitFile *f = NULL;
                _cleanup_free_ char *old = NULL;
                r = render_instance_dropin(&minimal, k, &f);
                if (r < 0)
                        return r;
                if (!f)
                        break;
                if (unitfs_read(c->unit_dir, f->path, &old) < 0 || !streq(old, f->text)) {
                        r = unitfs_write_atomic(c->unit_dir, f->path, f->text);
                        *changed = true;
                }
                free(f->path);
                free(f->text);
                free(f);
                if (r < 0)
                        return r;
        }
        for (unsigned k = count; k < old_count; k++) {
                _cleanup_free_ char *dropin = NULL;
                r = render_instance_dropin_path(app, k, &dropin);
                if (r < 0)
                        return r;
                if (unitfs_check_owned(c->unit_dir, dropin, app) < 0)
                        continue;
                r = unitfs_remove(c->unit_dir, dropin);
                if (r < 0)
                        return r;
                *changed = true;
        }
        return 0;
}

static int scale_to(Cluster *c, const char *app, unsigned old_count, unsigned count) {
        _cleanup_strv_free_ char **units = NULL;
        bool changed = old_count != count;
        uint64_t begin = now_usec();
        char took[32];
        int r;

        if (count < old_count) {
                r = stop_instances_from(c, app, count);
                if (r < 0)
                        return r;
        }
        r = sync_dropins(c, app, count, old_count, &changed);
        if (r < 0)
                return log_error_errno(r, "%s: cannot write per-instance drop-ins in %s: %m", app, c->unit_dir);
        r = cluster_set_enabled(c, app, count);
        if (r < 0)
                return log_error_errno(r, "%s: cannot write the enable links in %s: %m", app, c->unit_dir);
        r = daemon_reload_if_needed(c, app, changed);
        if (r < 0)
                return r;
        /* Start every desired instance, not only new ones: an interrupted scale converges. */
        units = instance_units_upto(app, count, ".service");
        if (!units)
                return log_oom();
        r = run_jobs_and_report(c, "StartUnit", units, "starting");
        if (r < 0)
                return r;
        format_duration(now_usec() - begin, took, sizeof(took));
        if (!arg_quiet) {
                if (old_count == count)
                        log_info("%s: %u instance%s, all active", app, count, count == 1 ? "" : "s");
                else
                        log_info("%s: scaled %u → %u in %s", app, old_count, count, took);
        }
        return EXIT_OK;
}

int verb_scale_check_args(int argc, char **argv) {
        unsigned count;
        (void) argc;

        if (scale_target_parse(argv[2], 0, usable_cpus(), &count) == -EINVAL)
                return log_error_errno(-EINVAL, "'%s' is not an instance count (N, max, max-N, +N or -N)", argv[2]);
        return 0;
}

int verb_scale(int argc, char **argv, Cluster *c) {
        _cleanup_free_ unsigned *enabled = NULL;
        const char *app = argv[1];
        unsigned count;
        size_t n = 0;
        int r;
        (void) argc;

        r = read_enabled(c, app, &enabled, &n);
        if (r < 0)
                return r;
        unsigned current = n > 0 ? enabled[n - 1] + 1 : 0;
        r = scale_target_parse(argv[2], current, usable_cpus(), &count);
        if (r < 0) {
                log_error("cannot scale '%s' from %u by '%s': the count must stay between 1 and %d", app, current,
                          argv[2], INSTANCES_MAX);
                return EXIT_USAGE;
        }
        return scale_to(c, app, current, count);
}
