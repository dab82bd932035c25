/* The state of one app's instances, for status and top. */
#include "app-status.h"

#include "fileio.h"
#include "journal.h"
#include "lock.h"
#include "output.h"
#include "printable.h"
#include "reload.h"
#include "revstore.h"
#include "util.h"

void app_status_done(AppStatus *s) {
        for (size_t i = 0; i < s->n; i++)
                unit_info_done(&s->instances[i].info);
        free(s->instances);
        free(s->app);
        free(s->socket_unit);
        unit_info_done(&s->socket);
        *s = (AppStatus) {};
}

bool hit_restart_limit(const UnitInfo *u) {
        /* With Restart= set, an instance ends up failed rather than auto-restarting only when the
         * manager gave up: the start limit. (Its Result keeps the exit that started the loop.) */
        return streq_ptr(u->sub_state, "failed") &&
               (streq_ptr(u->result, "start-limit-hit") || (u->has_n_restarts && u->n_restarts > 0));
}

bool unit_is_active(const UnitInfo *u) {
        return streq_ptr(u->active_state, "active") || streq_ptr(u->active_state, "reloading");
}

static uint64_t read_last_reload(Scope scope, const char *app) {
        _cleanup_free_ char *path = NULL;
        _cleanup_fclose_ FILE *f = NULL;
        unsigned long v = 0;

        if (app_runtime_file(scope, app, ".reloaded", &path) < 0 || !(f = fopen(path, "re")))
                return 0;
        if (fscanf(f, "%lu", &v) != 1)
                return 0;
        return v;
}

/* Which revision each instance runs, which one is loaded, and whether a rollout is unfinished.
 * Only read: nothing here is needed to show the instances themselves. */
static void read_revisions(Scope scope, AppStatus *s) {
        _cleanup_free_ RevisionLoad *loads = NULL;
        size_t n_loads = 0;
        uint8_t boot[16];

        if (revstore_loads(scope, s->app, &loads, &n_loads) >= 0 && revstore_current_boot(boot) >= 0) {
                for (size_t i = 0; i < s->n; i++) {
                        const UnitInfo *u = &s->instances[i].info;
                        if (u->main_pid > 0)
                                s->instances[i].revision = revision_of_process(loads, n_loads, boot,
                                                                               u->exec_main_start_monotonic);
                }
                s->revision = revision_loaded(loads, n_loads);
        }
        if (rollout_state_load(scope, s->app, &s->rollout_state) < 0)
                return;
        s->rollout = s->rollout_state.phase == ROLLOUT_PHASE_PAUSED   ? ROLLOUT_PAUSED
                     : s->rollout_state.phase == ROLLOUT_PHASE_FAILED ? ROLLOUT_STOPPED
                     : app_lock_held(scope, s->app)                   ? ROLLOUT_ROLLING
                                                                      : ROLLOUT_INTERRUPTED;
}

/* Instances the watchdog had killed, from the manager's records in the journal: looked up only for
 * instances that restarted at all, so a healthy app costs nothing. */
static void read_watchdog_kills(Cluster *c, AppStatus *s) {
        _cleanup_free_ unsigned *counts = NULL;
        unsigned top = 0;
        uint32_t manager;

        for (size_t i = 0; i < s->n; i++)
                if (s->instances[i].info.has_n_restarts && s->instances[i].info.n_restarts > 0)
                        top = s->instances[i].index + 1 > top ? s->instances[i].index + 1 : top;
        if (top == 0 || cluster_manager_pid(c, &manager) < 0 || !(counts = calloc(top, sizeof(unsigned))) ||
            journal_watchdog_kills(c->scope, s->app, manager, counts, top) < 0)
                return;
        for (size_t i = 0; i < s->n; i++)
                if (s->instances[i].index < top)
                        s->instances[i].watchdog_kills = counts[s->instances[i].index];
}

/* What status and top show of an instance beyond the state the list of units brings, by that
 * state: a stopped instance has no process to measure, an active one no failure to explain. At
 * many instances these calls are most of what status costs. */
static uint32_t status_properties(const UnitInfo *u) {
        bool stopped = streq_ptr(u->active_state, "inactive") || streq_ptr(u->active_state, "failed");
        uint32_t mask = UNIT_PROPERTY_BIT(SERVICE_STATUS_TEXT) | UNIT_PROPERTY_BIT(SERVICE_N_RESTARTS);

        if (!unit_is_active(u))
                mask |= UNIT_PROPERTY_BIT(SERVICE_RESULT);
        else
                mask |= UNIT_PROPERTY_BIT(UNIT_ACTIVE_ENTER_MONOTONIC);
        if (!stopped)
                mask |= UNIT_PROPERTY_BIT(SERVICE_MAIN_PID) | UNIT_PROPERTY_BIT(SERVICE_EXEC_MAIN_START_MONOTONIC) |
                        UNIT_PROPERTY_BIT(SERVICE_MEMORY_CURRENT) | UNIT_PROPERTY_BIT(SERVICE_CPU_USAGE);
        return mask;
}

static UnitInfo *find_info(UnitInfo *infos, size_t n, const char *name) {
        for (size_t i = 0; i < n; i++)
                if (streq_ptr(infos[i].name, name))
                        return &infos[i];
        return NULL;
}

/* An enabled instance the manager has not loaded: it keeps every unit that is not inactive. */
static int not_loaded_info(const char *app, unsigned k, UnitInfo *ret) {
        unit_info_init(ret);
        if (unit_name_instance(app, k, ".service", &ret->name) < 0 || !(ret->active_state = strdup("inactive")) ||
            !(ret->sub_state = strdup("dead")))
                return -ENOMEM;
        return 0;
}

/* Enabled instances plus any loaded ones (running but no longer enabled), with their properties
 * fetched in one round of asynchronous calls. */
int collect_status(Cluster *c, const char *app, AppStatus *ret) {
        _cleanup_(app_status_done) AppStatus s = {};
        _cleanup_free_ unsigned *enabled = NULL, *all = NULL;
        _cleanup_free_ char *shared_socket = NULL;
        _cleanup_free_ UnitInfo **fetch = NULL;
        _cleanup_free_ uint32_t *masks = NULL;
        size_t n_enabled = 0, n_all = 0, n_loaded = 0, n_fetch = 0;
        UnitInfo *loaded = NULL, *u;
        int r;

        if (!(s.app = strdup(app)) || asprintf_safe(&shared_socket, "%s.socket", app) < 0)
                return -ENOMEM;
        r = cluster_enabled(c, app, &enabled, &n_enabled);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n_enabled; i++)
                if ((r = index_list_add(&all, &n_all, enabled[i])) < 0)
                        return r;
        /* One call for every loaded unit of the app and its state. */
        r = cluster_loaded_unit_infos(c, app, &loaded, &n_loaded);
        if (r < 0)
                return r;
        r = cluster_add_loaded_instances(loaded, n_loaded, app, &all, &n_all);
        index_list_sort(all, n_all);

        s.instances = calloc(n_all ? n_all : 1, sizeof(Instance));
        fetch = calloc(n_all ? n_all : 1, sizeof(UnitInfo *));
        masks = calloc(n_all ? n_all : 1, sizeof(uint32_t));
        if (r < 0 || !s.instances || !fetch || !masks) {
                unit_infos_free(loaded, n_loaded);
                return r < 0 ? r : -ENOMEM;
        }
        for (size_t i = 0; i < n_all; i++) {
                _cleanup_free_ char *name = NULL;
                Instance *in = &s.instances[i];
                *in = (Instance) { .index = all[i], .cpu_percent = -1 };
                unit_info_init(&in->info);
                s.n++;
                for (size_t e = 0; e < n_enabled; e++)
                        in->enabled = in->enabled || enabled[e] == all[i];
                if (unit_name_instance(app, all[i], ".service", &name) < 0) {
                        r = -ENOMEM;
                        break;
                }
                if ((u = find_info(loaded, n_loaded, name))) {
                        in->info = *u;
                        unit_info_init(u);
                        masks[n_fetch] = status_properties(&in->info);
                        fetch[n_fetch++] = &in->info;
                } else if ((r = not_loaded_info(app, all[i], &in->info)) < 0)
                        break;
        }
        /* The shared socket, if the app has one, is shown in the summary line. */
        if (r >= 0 && (u = find_info(loaded, n_loaded, shared_socket))) {
                s.socket = *u;
                unit_info_init(u);
                s.socket_unit = TAKE_PTR(shared_socket);
        }
        unit_infos_free(loaded, n_loaded);
        if (r < 0)
                return r;

        r = bus_get_unit_properties(c->bus, fetch, masks, n_fetch, now_usec() + BUS_QUERY_TIMEOUT_USEC);
        if (r < 0)
                return r;
        for (size_t i = 0; i < s.n; i++)
                if (s.instances[i].enabled) {
                        s.desired++;
                        s.active += unit_is_active(&s.instances[i].info);
                }
        s.last_reload_usec = read_last_reload(c->scope, app);
        read_revisions(c->scope, &s);
        read_watchdog_kills(c, &s);
        *ret = s;
        s = (AppStatus) {};
        return 0;
}

void status_cpu_between(AppStatus *now, const AppStatus *before, uint64_t elapsed_usec) {
        for (size_t i = 0; i < now->n; i++) {
                now->instances[i].cpu_percent = -1;
                for (size_t k = 0; before && k < before->n; k++) {
                        const UnitInfo *a = &before->instances[k].info, *b = &now->instances[i].info;
                        if (before->instances[k].index != now->instances[i].index)
                                continue;
                        if (a->cpu_usage_nsec != UINT64_MAX && b->cpu_usage_nsec != UINT64_MAX &&
                            b->cpu_usage_nsec >= a->cpu_usage_nsec && elapsed_usec > 0)
                                now->instances[i].cpu_percent =
                                        (double) (b->cpu_usage_nsec - a->cpu_usage_nsec) / 10.0 / (double) elapsed_usec;
                }
        }
}

double ready_seconds(const UnitInfo *u) {
        if (!unit_is_active(u) || u->exec_main_start_monotonic == 0 ||
            u->active_enter_monotonic < u->exec_main_start_monotonic)
                return -1;
        return (double) (u->active_enter_monotonic - u->exec_main_start_monotonic) / 1e6;
}

/* From the manager's monotonic clock, which is ours: the wall clock may have been set since. */
double uptime_seconds(const UnitInfo *u) {
        uint64_t now = now_usec();
        if (!unit_is_active(u) || u->active_enter_monotonic == 0 || u->active_enter_monotonic > now)
                return -1;
        return (double) (now - u->active_enter_monotonic) / 1e6;
}

void record_last_reload(Scope scope, const char *app) {
        _cleanup_free_ char *path = NULL;
        char text[32];

        snprintf(text, sizeof(text), "%lu\n", (unsigned long) realtime_usec());
        if (app_runtime_file(scope, app, ".reloaded", &path) >= 0)
                (void) write_file_atomic(path, text, 0644);
}

const char *rollout_shown_to_string(RolloutShown r) {
        switch (r) {
        case ROLLOUT_ROLLING:
                return "rolling";
        case ROLLOUT_PAUSED:
                return "paused";
        case ROLLOUT_STOPPED:
                return "stopped on failure";
        case ROLLOUT_INTERRUPTED:
                return "interrupted";
        default:
                return NULL;
        }
}

unsigned instances_on_revision(const AppStatus *s, unsigned number) {
        unsigned n = 0;
        for (size_t i = 0; i < s->n; i++)
                n += s->instances[i].enabled && number && s->instances[i].revision == number;
        return n;
}

void format_status_summary(const AppStatus *s, char *buf, size_t size) {
        unsigned looping = 0, limit_hit = 0, watchdog = 0;
        Buffer b = {};

        for (size_t i = 0; i < s->n; i++) {
                looping += streq_ptr(s->instances[i].info.sub_state, "auto-restart");
                limit_hit += hit_restart_limit(&s->instances[i].info);
                watchdog += streq_ptr(s->instances[i].info.result, "watchdog") || s->instances[i].watchdog_kills > 0;
        }
        (void) buffer_printf(&b, "%s: %u/%u instances active", s->app, s->active, s->desired);
        if (s->socket_unit)
                (void) buffer_printf(&b, ", %s %s", s->socket_unit, strna(s->socket.active_state));
        if (s->revision)
                (void) buffer_printf(&b, ", revision %u", s->revision);
        if (s->rollout != ROLLOUT_NONE) {
                unsigned to = s->rollout_state.revision, on = instances_on_revision(s, to);
                if (s->rollout == ROLLOUT_ROLLING)
                        (void) buffer_printf(&b, ", rolling out revision %u (%u of %u on it)", to, on, s->desired);
                else
                        (void) buffer_printf(&b, ", rollout of revision %u %s%s (%u of %u on it)", to,
                                             rollout_shown_to_string(s->rollout),
                                             s->rollout == ROLLOUT_PAUSED ? " after its canary" : "", on, s->desired);
        }
        if (looping)
                (void) buffer_printf(&b, ", %u crash-looping (restarting after exits)", looping);
        if (watchdog)
                (void) buffer_printf(&b, ", %u restarted by the watchdog", watchdog);
        if (limit_hit)
                (void) buffer_printf(&b, ", %u stopped by the restart limit", limit_hit);
        snprintf(buf, size, "%s", strempty(b.data));
        buffer_done(&b);
}

static void format_uptime(const UnitInfo *u, char *buf, size_t size) {
        double up = uptime_seconds(u);
        if (up >= 0)
                format_duration((uint64_t) (up * 1e6), buf, size);
        else
                snprintf(buf, size, "-");
}

/* "12.5%" when sampled, else the total cpu time the manager counted, else "-". */
static void format_cpu(const Instance *in, char *buf, size_t size) {
        if (in->cpu_percent >= 0)
                snprintf(buf, size, "%.1f%%", in->cpu_percent);
        else if (in->info.cpu_usage_nsec != UINT64_MAX)
                format_duration(in->info.cpu_usage_nsec / 1000, buf, size);
        else
                snprintf(buf, size, "-");
}


/* "active/running", or why it is down: "failed/failed (exit-code, restart limit)". */
static char *format_state(const Instance *in) {
        const UnitInfo *u = &in->info;
        bool show_result = u->result && !streq(u->result, "success") && !unit_is_active(u);
        char *s = NULL;

        asprintf_safe(&s, "%s/%s%s%s%s%s%s", strna(u->active_state), strna(u->sub_state), show_result ? " (" : "",
                      show_result ? u->result : "", hit_restart_limit(u) ? ", restart limit" : "",
                      show_result ? ")" : "", in->enabled ? "" : " (disabled)");
        return s;
}

enum {
        COL_INSTANCE,
        COL_UNIT,
        COL_STATE,
        COL_PID,
        COL_REV,
        COL_UPTIME,
        COL_RESTARTS,
        COL_MEMORY,
        COL_CPU,
        COL_READY,
        COL_STATUS,
        _COL_MAX,
};

/* The order columns give way in, least useful first: INSTANCE repeats the unit's index, READY is
 * history; the app's STATUS text is cut before anything goes. UNIT stays. */
static const TableColumn status_columns[_COL_MAX] = {
        [COL_INSTANCE] = { .header = "INSTANCE", .hide_rank = 2 },
        [COL_UNIT] = { .header = "UNIT" },
        [COL_STATE] = { .header = "STATE", .shorten_rank = 7, .shorten_min = 14 },
        [COL_REV] = { .header = "REV", .hide_rank = 11 },
        [COL_PID] = { .header = "PID", .hide_rank = 8 },
        [COL_UPTIME] = { .header = "UPTIME", .hide_rank = 9 },
        [COL_RESTARTS] = { .header = "RESTARTS", .hide_rank = 6 },
        [COL_MEMORY] = { .header = "MEMORY", .hide_rank = 5 },
        [COL_CPU] = { .header = "CPU", .hide_rank = 4 },
        [COL_READY] = { .header = "READY", .hide_rank = 3 },
        [COL_STATUS] = { .header = "STATUS", .shorten_rank = 1, .shorten_min = 12, .hide_rank = 10 },
};

/* top: the cpu it samples is what one watches; pid and uptime matter less there. */
static const TableColumn top_columns[_COL_MAX] = {
        [COL_INSTANCE] = { .header = "INSTANCE", .hide_rank = 2 },
        [COL_UNIT] = { .header = "UNIT" },
        [COL_STATE] = { .header = "STATE", .shorten_rank = 7, .shorten_min = 14 },
        [COL_REV] = { .header = "REV", .hide_rank = 8 },
        [COL_PID] = { .header = "PID", .hide_rank = 4 },
        [COL_UPTIME] = { .header = "UPTIME", .hide_rank = 5 },
        [COL_RESTARTS] = { .header = "RESTARTS", .hide_rank = 6 },
        [COL_MEMORY] = { .header = "MEMORY", .hide_rank = 10 },
        [COL_CPU] = { .header = "CPU" },
        [COL_READY] = { .header = "READY", .hide_rank = 3 },
        [COL_STATUS] = { .header = "STATUS", .shorten_rank = 1, .shorten_min = 12, .hide_rank = 9 },
};

/* An instance's row; with host, a first cell naming it (status over several hosts). */
static int add_instance_row(Table *t, const Instance *in, const char *host) {
        const UnitInfo *u = &in->info;
        char index[16], rev[16] = "-", pid[16] = "-", uptime[32], restarts[48] = "-", mem[16] = "-", cpu[32],
                ready[16] = "-";
        _cleanup_free_ char *state = format_state(in);
        _cleanup_free_ char *status = printable_text(u->status_text); /* the app's STATUS= */
        double rs = ready_seconds(u);

        if (!state || !status)
                return -ENOMEM;
        for (char *p = status; p && *p; p++)
                if (*p == '\t')
                        *p = ' '; /* the columns stay in place */
        snprintf(index, sizeof(index), "%u", in->index);
        if (in->revision)
                snprintf(rev, sizeof(rev), "%u", in->revision);
        if (u->main_pid > 0)
                snprintf(pid, sizeof(pid), "%u", u->main_pid);
        format_uptime(u, uptime, sizeof(uptime));
        if (u->has_n_restarts && in->watchdog_kills > 0)
                snprintf(restarts, sizeof(restarts), "%u (%u watchdog)", u->n_restarts, in->watchdog_kills);
        else if (u->has_n_restarts)
                snprintf(restarts, sizeof(restarts), "%u", u->n_restarts);
        if (u->memory_current != UINT64_MAX)
                format_bytes(u->memory_current, mem, sizeof(mem));
        format_cpu(in, cpu, sizeof(cpu));
        if (rs >= 0)
                snprintf(ready, sizeof(ready), "%.2fs", rs);
        const char *cells[_COL_MAX + 1] = {
                host,           index,           u->name,    state,  pid,   rev, uptime,
                restarts,       mem,             cpu,        ready,  status,
        };
        return table_add_row(t, host ? cells : cells + 1);
}

int status_instance_table(const AppStatus *s, bool live, Table *ret) {
        _cleanup_(table_done) Table t = { .columns = live ? top_columns : status_columns, .n_columns = _COL_MAX };
        int e;

        for (size_t i = 0; i < s->n; i++)
                if ((e = add_instance_row(&t, &s->instances[i], NULL)) < 0)
                        return e;
        *ret = t;
        t = (Table) {};
        return 0;
}

const TableColumn *status_host_columns(size_t *ret_n) {
        static TableColumn columns[_COL_MAX + 1];
        if (!columns[0].header) {
                columns[0] = (TableColumn) { .header = "HOST" };
                memcpy(columns + 1, status_columns, sizeof(status_columns));
        }
        *ret_n = _COL_MAX + 1;
        return columns;
}

int status_host_rows(Table *t, const AppStatus *s, const char *host) {
        int e;
        for (size_t i = 0; i < s->n; i++)
                if ((e = add_instance_row(t, &s->instances[i], host)) < 0)
                        return e;
        return 0;
}
