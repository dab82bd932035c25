/* One app's cluster: unit files, enabled instances and jobs, shared by the verbs. */
#include "cluster.h"

#include <sys/stat.h>

#include "manager-facts.h"
#include "unitfs.h"
#include "util.h"

#define JOB_SLACK_USEC (10ULL * 1000000ULL)
#define TIMEOUT_CAP_USEC (3600ULL * 1000000ULL)

int cluster_open(Cluster *c, Scope scope, char **ret_error) {
        int r;

        *c = (Cluster) { .scope = scope };
        *ret_error = NULL;
        manager_sandbox_limits(scope, &c->limits);
        r = unit_dir_for_scope(scope, &c->unit_dir);
        if (r < 0) {
                *ret_error = strdup("cannot find the user unit directory: set XDG_CONFIG_HOME or HOME");
                return r;
        }
        return bus_connect(scope, &c->bus, ret_error);
}

void cluster_close(Cluster *c) {
        free(c->unit_dir);
        sd_bus_flush_close_unref(c->bus);
        *c = (Cluster) {};
}

bool arg_is_config_path(const char *arg) {
        struct stat st;
        return strchr(arg, '/') || endswith(arg, ".conf") || endswith(arg, ".cfg") ||
               (stat(arg, &st) == 0 && S_ISREG(st.st_mode));
}

int find_app_config(Scope scope, const char *app, char **ret) {
        _cleanup_free_ char *path = NULL;
        int r = app_config_path(scope, app, &path);

        if (r == -ENXIO)
                return -ENOENT;
        if (r < 0)
                return r;
        if (access(path, R_OK) < 0)
                return -errno;
        *ret = TAKE_PTR(path);
        return 0;
}

void unit_plan_done(UnitPlan *p) {
        unit_set_done(&p->write);
        strv_free(p->remove);
        strv_free(p->unchanged);
        *p = (UnitPlan) {};
}

int cluster_plan_units(Cluster *c, const App *app, unsigned count, bool force, UnitPlan *ret, char **ret_error) {
        _cleanup_(unit_set_done) UnitSet want = {};
        int r;

        *ret_error = NULL;
        r = render_app_all(app, c->scope, &c->limits, count, &want, ret_error);
        if (r < 0)
                return r;
        return cluster_plan_set(c, app->name, &want, force, ret, ret_error);
}

int cluster_plan_set(Cluster *c, const char *app, const UnitSet *want, bool force, UnitPlan *ret, char **ret_error) {
        _cleanup_(unit_plan_done) UnitPlan plan = {};
        _cleanup_strv_free_ char **existing = NULL;
        int r;

        *ret_error = NULL;
        for (size_t i = 0; i < want->n_files; i++) {
                const UnitFile *f = &want->files[i];
                _cleanup_free_ char *old = NULL;

                r = unitfs_read(c->unit_dir, f->path, &old);
                if (r < 0 && r != -ENOENT) {
                        asprintf_safe(ret_error, "cannot read %s/%s: %s", c->unit_dir, f->path, strerror(-r));
                        return r;
                }
                if (old && !force && !marker_find(old, app)) {
                        asprintf_safe(ret_error,
                                      "%s/%s exists and was not written by clusterctl for '%s'; refusing to "
                                      "overwrite it (move it away, or use --force)",
                                      c->unit_dir, f->path, app);
                        return -EEXIST;
                }
                if (old && streq(old, f->text)) {
                        if (strv_extend(&plan.unchanged, f->path) < 0)
                                return -ENOMEM;
                        continue;
                }
                r = unit_set_add(&plan.write, f->path, strdup(f->text));
                if (r < 0)
                        return r;
        }
        /* Our files that this config does not produce any more (socket mode changed, scaled down). */
        r = unitfs_app_files(c->unit_dir, app, &existing);
        if (r < 0) {
                asprintf_safe(ret_error, "cannot list %s: %s", c->unit_dir, strerror(-r));
                return r;
        }
        for (size_t i = 0; existing && existing[i]; i++)
                if (!unit_set_find(want, existing[i]) && strv_extend(&plan.remove, existing[i]) < 0)
                        return -ENOMEM;
        *ret = plan;
        plan = (UnitPlan) {};
        return 0;
}

int cluster_apply_plan(Cluster *c, const UnitPlan *p, char **ret_error) {
        int r;

        *ret_error = NULL;
        for (size_t i = 0; i < p->write.n_files; i++) {
                r = unitfs_write_atomic(c->unit_dir, p->write.files[i].path, p->write.files[i].text);
                if (r < 0) {
                        asprintf_safe(ret_error, "cannot write %s/%s: %s%s", c->unit_dir, p->write.files[i].path,
                                      strerror(-r),
                                      r == -EACCES || r == -EPERM ? " (run as root, or use --user)" : "");
                        return r;
                }
        }
        for (size_t i = 0; p->remove && p->remove[i]; i++) {
                r = unitfs_remove(c->unit_dir, p->remove[i]);
                if (r < 0) {
                        asprintf_safe(ret_error, "cannot remove %s/%s: %s", c->unit_dir, p->remove[i], strerror(-r));
                        return r;
                }
        }
        return 0;
}

int cluster_enabled(Cluster *c, const char *app, unsigned **ret, size_t *ret_n) {
        return unitfs_wants_list(c->unit_dir, app, ret, ret_n);
}

int cluster_set_enabled(Cluster *c, const char *app, unsigned count) {
        _cleanup_free_ unsigned *have = NULL;
        size_t n = 0;
        int r;

        r = unitfs_wants_list(c->unit_dir, app, &have, &n);
        if (r < 0)
                return r;
        for (unsigned k = 0; k < count; k++) {
                r = unitfs_wants_add(c->unit_dir, app, k);
                if (r < 0)
                        return r;
        }
        for (size_t i = 0; i < n; i++)
                if (have[i] >= count && (r = unitfs_wants_remove(c->unit_dir, app, have[i])) < 0)
                        return r;
        return unitfs_target_enable(c->unit_dir, c->scope, app);
}

int cluster_manager_pid(Cluster *c, uint32_t *ret) {
        _cleanup_(sd_bus_creds_unrefp) sd_bus_creds *creds = NULL;
        pid_t pid;
        int r;

        /* Through a bus, the owner of the manager's name; connected to its private socket, the peer. */
        if (sd_bus_is_bus_client(c->bus) > 0)
                r = sd_bus_get_name_creds(c->bus, SD_DEST, SD_BUS_CREDS_PID, &creds);
        else
                r = sd_bus_get_owner_creds(c->bus, SD_BUS_CREDS_PID, &creds);
        if (r < 0)
                return r;
        if ((r = sd_bus_creds_get_pid(creds, &pid)) < 0)
                return r;
        *ret = (uint32_t) pid;
        return 0;
}

bool cluster_app_exists(Cluster *c, const char *app) {
        _cleanup_free_ char *rel = NULL;
        if (asprintf_safe(&rel, "%s@.service", app) < 0)
                return false;
        _cleanup_free_ char *text = NULL;
        return unitfs_read(c->unit_dir, rel, &text) >= 0 && marker_find(text, app);
}

uint64_t cluster_job_deadline(Cluster *c, char *const *units) {
        UnitInfo *infos = NULL;
        uint64_t worst = 0, now = now_usec();
        size_t n = strv_length(units);

        /* Ask the manager what these units allow themselves; a guess would be either too short
         * (false failure) or too long (a hang). */
        if (bus_get_unit_infos(c->bus, units,
                               UNIT_PROPERTY_BIT(SERVICE_TIMEOUT_START) | UNIT_PROPERTY_BIT(SERVICE_TIMEOUT_STOP), &infos,
                               now + BUS_QUERY_TIMEOUT_USEC) >= 0) {
                for (size_t i = 0; i < n; i++) {
                        uint64_t start = infos[i].timeout_start_usec, stop = infos[i].timeout_stop_usec;
                        uint64_t t = (start > TIMEOUT_CAP_USEC ? TIMEOUT_CAP_USEC : start) +
                                     (stop > TIMEOUT_CAP_USEC ? TIMEOUT_CAP_USEC : stop);
                        if (t > worst)
                                worst = t;
                }
                unit_infos_free(infos, n);
        } else
                worst = 180ULL * 1000000ULL;
        return now_usec() + worst + JOB_SLACK_USEC;
}

int cluster_run_jobs(Cluster *c, const char *method, char *const *units, JobWaiter **ret, JobFinishedFn on_finished,
                     void *userdata) {
        JobWaiter *w = NULL;
        uint64_t deadline = cluster_job_deadline(c, units);
        int r;

        r = job_waiter_new(c->bus, &w);
        if (r < 0)
                return r;
        /* An instance that hit its restart limit refuses to start until its failure is reset, as
         * `systemctl reset-failed` does; an operator asking to start it means to try again. The
         * manager handles calls in order, so these land before the jobs. */
        if (streq(method, "StartUnit") || streq(method, "RestartUnit"))
                for (size_t i = 0; units && units[i]; i++)
                        (void) sd_bus_call_method_async(c->bus, NULL, SD_DEST, SD_PATH, SD_MANAGER, "ResetFailedUnit",
                                                        NULL, NULL, "s", units[i]);
        for (size_t i = 0; units && units[i]; i++) {
                r = job_waiter_enqueue(w, method, units[i], "replace");
                if (r < 0)
                        goto fail;
        }
        r = job_waiter_wait(w, deadline, on_finished, userdata);
        *ret = w;
        return r;
fail:
        job_waiter_free(w);
        return r;
}

/* Every unit an app can have: instances, their sockets, the shared socket, the target, and
 * cron_restart's timer and service. */
static char **app_unit_patterns(const char *app) {
        _cleanup_strv_free_ char **l = calloc(6, sizeof(char *));

        if (!l || asprintf_safe(&l[0], "%s@*.service", app) < 0 || asprintf_safe(&l[1], "%s@*.socket", app) < 0 ||
            asprintf_safe(&l[2], "%s.socket", app) < 0 || asprintf_safe(&l[3], "%s.target", app) < 0 ||
            asprintf_safe(&l[4], "%s.reload.*", app) < 0)
                return NULL;
        return TAKE_PTR(l);
}

int cluster_loaded_units(Cluster *c, const char *app, char ***ret) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_strv_free_ char **patterns = app_unit_patterns(app);

        return patterns ? bus_list_units(c->bus, patterns, ret, &error) : -ENOMEM;
}

int cluster_loaded_unit_infos(Cluster *c, const char *app, UnitInfo **ret, size_t *ret_n) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_strv_free_ char **patterns = app_unit_patterns(app);

        return patterns ? bus_list_unit_infos(c->bus, patterns, ret, ret_n, &error) : -ENOMEM;
}

int cluster_add_loaded_instances(const UnitInfo *infos, size_t n, const char *app, unsigned **list, size_t *n_list) {
        for (size_t i = 0; i < n; i++) {
                unsigned k;
                if (unit_name_parse_instance(infos[i].name, strlen(infos[i].name), app, ".service", &k) < 0)
                        continue;
                int e = index_list_add(list, n_list, k);
                if (e < 0)
                        return e;
        }
        return 0;
}

typedef struct StaleQuery {
        size_t remaining;
        bool stale;
} StaleQuery;

static int on_need_daemon_reload(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        StaleQuery *q = userdata;
        int b = 0;
        (void) ret_error;

        q->remaining--;
        if (!sd_bus_message_is_method_error(m, NULL) && sd_bus_message_read(m, "v", "b", &b) >= 0 && b)
                q->stale = true;
        return 0;
}

static bool no_query_remaining(void *userdata) {
        return ((StaleQuery *) userdata)->remaining == 0;
}

int cluster_units_stale(Cluster *c, const char *app, bool *ret) {
        _cleanup_strv_free_ char **units = NULL;
        sd_bus_slot **slots = NULL;
        StaleQuery q = {};
        size_t n;
        int r;

        r = cluster_loaded_units(c, app, &units);
        if (r < 0)
                return r;
        n = strv_length(units);
        if (!(slots = calloc(n ? n : 1, sizeof(sd_bus_slot *))))
                return -ENOMEM;
        /* One round of asynchronous calls, as for the status, not one round trip per unit. */
        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *path = NULL;
                r = sd_bus_path_encode("/org/freedesktop/systemd1/unit", units[i], &path);
                if (r < 0)
                        goto finish;
                r = sd_bus_call_method_async(c->bus, &slots[i], SD_DEST, path, "org.freedesktop.DBus.Properties", "Get",
                                             on_need_daemon_reload, &q, "ss", "org.freedesktop.systemd1.Unit",
                                             "NeedDaemonReload");
                if (r < 0)
                        goto finish;
                q.remaining++;
        }
        r = bus_run_until(c->bus, now_usec() + BUS_QUERY_TIMEOUT_USEC, no_query_remaining, &q);
        if (r >= 0)
                *ret = q.stale;
finish:
        for (size_t i = 0; i < n; i++)
                sd_bus_slot_unref(slots[i]);
        free(slots);
        return r < 0 ? r : 0;
}
