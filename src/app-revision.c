/* Keeping revisions and their loads in step with what the manager runs. */
#include "app-revision.h"

#include <limits.h>

#include "bus.h"
#include "output.h"
#include "reload.h"
#include "revstore.h"
#include "unitfs.h"
#include "util.h"

#define CONFIG_TEXT_MAX (1024 * 1024)
#define CHANGE_WIDTH 72

/* A config's text as it is now; NULL when it cannot be kept as text (unreadable, huge, a NUL). */
static char *read_config_text(const char *path) {
        _cleanup_fclose_ FILE *f = path ? fopen(path, "re") : NULL;
        _cleanup_free_ char *buf = NULL;
        size_t n;

        if (!f || !(buf = malloc(CONFIG_TEXT_MAX + 1)))
                return NULL;
        n = fread(buf, 1, CONFIG_TEXT_MAX + 1, f);
        if (n > CONFIG_TEXT_MAX || ferror(f) || memchr(buf, 0, n))
                return NULL;
        buf[n] = 0;
        return TAKE_PTR(buf);
}

static int copy_fixed_files(const UnitSet *from, UnitSet *to) {
        for (size_t i = 0; i < from->n_files; i++) {
                if (strchr(from->files[i].path, '/'))
                        continue;
                char *text = strdup(from->files[i].text);
                int e = text ? unit_set_add(to, from->files[i].path, text) : -ENOMEM;
                if (e < 0)
                        return e;
        }
        return 0;
}

/* The revisions in use: those running instances were started on, and those of a rollout under
 * way (paused, interrupted or stopped on a failure), which undo goes back to even when no instance
 * runs them any more. Pruning must leave them. -ENODATA when a running instance's revision is not
 * known. */
static int revisions_in_use(Cluster *c, const char *app, unsigned **ret, size_t *ret_n) {
        _cleanup_free_ unsigned *indices = NULL, *revisions = NULL, *in_use = NULL;
        UnitInfo *loaded = NULL, *infos = NULL;
        RolloutState rollout;
        size_t n_loaded = 0, n = 0, n_in_use = 0;
        int e;

        if ((e = cluster_loaded_unit_infos(c, app, &loaded, &n_loaded)) < 0)
                return e;
        e = cluster_add_loaded_instances(loaded, n_loaded, app, &indices, &n);
        unit_infos_free(loaded, n_loaded);
        if (e < 0)
                return e;
        if (!(revisions = calloc(n ? n : 1, sizeof(unsigned))) || !(in_use = calloc(n + 2, sizeof(unsigned))))
                return -ENOMEM;
        if (n > 0 && (e = app_revision_of_instances(c, app, indices, n, 0, revisions, &infos)) < 0)
                return e;
        for (size_t i = 0; i < n && e >= 0; i++)
                if (infos[i].main_pid > 0 && revisions[i] == 0)
                        e = -ENODATA;
                else if (revisions[i] > 0)
                        in_use[n_in_use++] = revisions[i];
        unit_infos_free(infos, n);
        if (e < 0)
                return e;
        if (rollout_state_load(c->scope, app, &rollout) >= 0) {
                in_use[n_in_use++] = rollout.revision;
                in_use[n_in_use++] = rollout.from_revision;
        }
        *ret = TAKE_PTR(in_use);
        *ret_n = n_in_use;
        return 0;
}

int app_revision_keep(Cluster *c, const char *app, const UnitSet *set, const char *config_path, const char *origin,
                      const char *change, unsigned keep, RevisionInfo *ret) {
        _cleanup_(revision_done) Revision r = {}, newest = {};
        _cleanup_free_ unsigned *in_use = NULL;
        size_t n_in_use = 0;
        int e;

        if ((e = copy_fixed_files(set, &r.units)) < 0)
                return e;
        r.units_hash = revision_units_hash(&r.units);
        r.time_usec = realtime_usec();
        if (!(r.origin = strdup(origin)) || (config_path && !(r.config_path = strdup(config_path))))
                return -ENOMEM;
        r.config_text = read_config_text(config_path);
        e = revstore_latest(c->scope, app, &newest);
        if (e < 0 && e != -ENOENT)
                return e;
        if (change)
                r.change = strdup(change);
        else
                e = revision_change_summary(e >= 0 ? &newest.units : NULL, &r.units, CHANGE_WIDTH, &r.change);
        if ((change && !r.change) || (!change && e < 0))
                return -ENOMEM;
        /* Not knowing what is in use, prune nothing: a history too long beats an undo that cannot be. */
        if ((e = revisions_in_use(c, app, &in_use, &n_in_use)) < 0) {
                log_warning("%s: cannot tell which revisions are in use (%s); none is pruned this time", app,
                            strerror(-e));
                keep = UINT_MAX;
        }
        if ((e = revstore_add(c->scope, app, &r, keep, in_use, n_in_use)) < 0)
                return e;
        *ret = (RevisionInfo) { .number = r.number, .units_hash = r.units_hash };
        return 0;
}

int app_revision_loaded(Cluster *c, const char *app, const RevisionInfo *r) {
        uint64_t mono, real;
        int e = bus_units_load_timestamp(c->bus, &mono, &real);
        if (e < 0)
                return e;
        return revstore_record_load(c->scope, app, r->number, r->units_hash, mono, real);
}

int app_revision_disk_units(Cluster *c, const char *app, UnitSet *ret) {
        _cleanup_strv_free_ char **files = NULL;
        _cleanup_(unit_set_done) UnitSet set = {};
        int e;

        if ((e = unitfs_app_files(c->unit_dir, app, &files)) < 0)
                return e;
        for (size_t i = 0; files && files[i]; i++) {
                char *text = NULL;
                if (strchr(files[i], '/'))
                        continue;
                if ((e = unitfs_read(c->unit_dir, files[i], &text)) < 0 || (e = unit_set_add(&set, files[i], text)) < 0)
                        return e;
        }
        *ret = set;
        set = (UnitSet) {};
        return 0;
}

/* False when the manager has not loaded what is on disk for the app's instances. */
static bool units_loaded(Cluster *c, const char *app) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_free_ char *unit = NULL, *path = NULL;
        int need = 1;

        if (unit_name_instance(app, 0, ".service", &unit) < 0 ||
            sd_bus_path_encode("/org/freedesktop/systemd1/unit", unit, &path) < 0)
                return false;
        if (sd_bus_get_property_trivial(c->bus, SD_DEST, path, "org.freedesktop.systemd1.Unit", "NeedDaemonReload",
                                        &error, 'b', &need) < 0)
                return false;
        return !need;
}

int app_revision_sync(Cluster *c, const char *app, unsigned keep) {
        _cleanup_(unit_set_done) UnitSet disk = {};
        _cleanup_(revision_done) Revision newest = {};
        _cleanup_free_ RevisionLoad *loads = NULL;
        _cleanup_free_ char *rel = NULL, *template = NULL, *config = NULL;
        RevisionInfo r;
        size_t n_loads = 0;
        int e;

        if ((e = app_revision_disk_units(c, app, &disk)) < 0)
                return e;
        if (disk.n_files == 0)
                return 0;
        e = revstore_latest(c->scope, app, &newest);
        if (e == -ENOENT) {
                if (asprintf_safe(&rel, "%s@.service", app) < 0)
                        return -ENOMEM;
                if (unitfs_read(c->unit_dir, rel, &template) >= 0)
                        config = marker_get(template, "Config");
                if ((e = app_revision_keep(c, app, &disk, config, "installed", "as found installed", keep, &r)) < 0)
                        return e;
        } else if (e < 0)
                return e;
        else {
                r = (RevisionInfo) { .number = newest.number, .units_hash = newest.units_hash };
                if (revision_units_hash(&disk) != r.units_hash)
                        return 0; /* edited by hand, or a command stopped before writing: nothing to record */
        }
        if ((e = revstore_loads(c->scope, app, &loads, &n_loads)) < 0)
                return e;
        if (n_loads > 0 && loads[n_loads - 1].units_hash == r.units_hash)
                return 0;
        if (!units_loaded(c, app))
                return 0;
        return app_revision_loaded(c, app, &r);
}

int app_revision_of_instances(Cluster *c, const char *app, const unsigned *indices, size_t n, uint32_t also,
                              unsigned *ret, UnitInfo **ret_infos) {
        _cleanup_strv_free_ char **units = instance_units(app, indices, n, ".service");
        _cleanup_free_ RevisionLoad *loads = NULL;
        UnitInfo *infos = NULL;
        uint8_t boot[16];
        size_t n_loads = 0;
        int e;

        if (!units)
                return -ENOMEM;
        if ((e = revstore_loads(c->scope, app, &loads, &n_loads)) < 0 || (e = revstore_current_boot(boot)) < 0 ||
            (e = bus_get_unit_infos(c->bus, units,
                                    also | UNIT_PROPERTY_BIT(SERVICE_MAIN_PID) |
                                            UNIT_PROPERTY_BIT(SERVICE_EXEC_MAIN_START_MONOTONIC),
                                    &infos, now_usec() + BUS_QUERY_TIMEOUT_USEC)) < 0)
                return e;
        for (size_t i = 0; i < n; i++) {
                bool running = infos[i].main_pid > 0;
                ret[i] = running ? revision_of_process(loads, n_loads, boot, infos[i].exec_main_start_monotonic) : 0;
        }
        if (ret_infos)
                *ret_infos = infos;
        else
                unit_infos_free(infos, n);
        return 0;
}
