/* clusterctl status [APP] (ls): the instances as the manager sees them, as a table or JSON.
 * Exit 3 when not every enabled instance is active. */
#include "output.h"
#include "unitfs.h"
#include "util.h"
#include "verb-common.h"

#define PROPERTIES_TIMEOUT_USEC (25ULL * 1000000ULL)

typedef struct Instance {
        unsigned index;
        bool enabled;
        UnitInfo info;
} Instance;

typedef struct AppStatus {
        char *app;
        Instance *instances;
        size_t n;
        unsigned desired;
        unsigned active;
        char *socket_unit;
        UnitInfo socket;
} AppStatus;

static void app_status_done(AppStatus *s) {
        for (size_t i = 0; i < s->n; i++)
                unit_info_done(&s->instances[i].info);
        free(s->instances);
        free(s->app);
        free(s->socket_unit);
        unit_info_done(&s->socket);
        *s = (AppStatus) {};
}

static bool is_active(const UnitInfo *u) {
        return streq_ptr(u->active_state, "active") || streq_ptr(u->active_state, "reloading");
}

static int add_index(unsigned **list, size_t *n, unsigned k) {
        for (size_t i = 0; i < *n; i++)
                if ((*list)[i] == k)
                        return 0;
        unsigned *l = realloc(*list, sizeof(unsigned) * (*n + 1));
        if (!l)
                return -ENOMEM;
        *list = l;
        l[(*n)++] = k;
        return 0;
}

static int compare_unsigned(const void *a, const void *b) {
        unsigned x = *(const unsigned *) a, y = *(const unsigned *) b;
        return x < y ? -1 : x > y;
}

/* Enabled instances plus any loaded ones (running but no longer enabled), with their properties
 * fetched in one round of asynchronous calls. */
static int collect_status(Cluster *c, const char *app, AppStatus *ret) {
        _cleanup_(app_status_done) AppStatus s = {};
        _cleanup_free_ unsigned *enabled = NULL, *all = NULL;
        _cleanup_strv_free_ char **loaded = NULL, **units = NULL;
        _cleanup_free_ char *shared_socket = NULL;
        size_t n_enabled = 0, n_all = 0;
        UnitInfo *infos = NULL;
        int r;

        if (!(s.app = strdup(app)))
                return -ENOMEM;
        r = cluster_enabled(c, app, &enabled, &n_enabled);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n_enabled; i++)
                if ((r = add_index(&all, &n_all, enabled[i])) < 0)
                        return r;
        r = cluster_loaded_units(c, app, &loaded);
        if (r < 0)
                return r;
        size_t al = strlen(app);
        for (size_t i = 0; loaded && loaded[i]; i++) {
                unsigned k;
                _cleanup_free_ char *num = NULL;
                if (!endswith(loaded[i], ".service") || strncmp(loaded[i], app, al) || loaded[i][al] != '@')
                        continue;
                num = strndup(loaded[i] + al + 1, strlen(loaded[i]) - al - 1 - strlen(".service"));
                if (num && safe_atou(num, &k) >= 0 && (r = add_index(&all, &n_all, k)) < 0)
                        return r;
        }
        if (n_all > 1)
                qsort(all, n_all, sizeof(unsigned), compare_unsigned);

        units = instance_units(app, all, n_all, ".service");
        if (!units)
                return -ENOMEM;
        /* The shared socket, if the app has one, is shown in the summary line. */
        if (asprintf_safe(&shared_socket, "%s.socket", app) < 0)
                return -ENOMEM;
        bool has_shared_socket = strv_contains(loaded, shared_socket);
        if (has_shared_socket && strv_extend(&units, shared_socket) < 0)
                return -ENOMEM;

        r = bus_get_unit_infos(c->bus, units, &infos, now_usec() + PROPERTIES_TIMEOUT_USEC);
        if (r < 0)
                return r;
        s.instances = calloc(n_all ? n_all : 1, sizeof(Instance));
        if (!s.instances) {
                for (size_t i = 0; i < strv_length(units); i++)
                        unit_info_done(&infos[i]);
                free(infos);
                return -ENOMEM;
        }
        for (size_t i = 0; i < n_all; i++) {
                bool en = false;
                for (size_t e = 0; e < n_enabled; e++)
                        en = en || enabled[e] == all[i];
                s.instances[i] = (Instance) { .index = all[i], .enabled = en, .info = infos[i] };
                if (en)
                        s.desired++;
                if (en && is_active(&infos[i]))
                        s.active++;
        }
        s.n = n_all;
        if (has_shared_socket) {
                s.socket = infos[n_all];
                s.socket_unit = TAKE_PTR(shared_socket);
        }
        free(infos);
        *ret = s;
        s = (AppStatus) {};
        return 0;
}

static void print_uptime(const UnitInfo *u, char *buf, size_t size) {
        uint64_t now = realtime_usec();
        if (is_active(u) && u->active_enter_usec > 0 && u->active_enter_usec <= now)
                format_duration(now - u->active_enter_usec, buf, size);
        else
                snprintf(buf, size, "-");
}

static void print_table(const AppStatus *s) {
        printf("%s: %u/%u instances active", s->app, s->active, s->desired);
        if (s->socket_unit)
                printf(", %s %s", s->socket_unit, strna(s->socket.active_state));
        printf("\n");
        printf("%-8s %-24s %-22s %-8s %-9s %-8s %-8s %-8s %s\n", "INSTANCE", "UNIT", "STATE", "PID", "UPTIME",
               "RESTARTS", "MEMORY", "CPU", "STATUS");
        for (size_t i = 0; i < s->n; i++) {
                const UnitInfo *u = &s->instances[i].info;
                char state[64], pid[16] = "-", uptime[32], restarts[16] = "-", mem[16] = "-", cpu[32] = "-";

                snprintf(state, sizeof(state), "%s/%s%s", strna(u->active_state), strna(u->sub_state),
                         s->instances[i].enabled ? "" : " (disabled)");
                if (u->main_pid > 0)
                        snprintf(pid, sizeof(pid), "%u", u->main_pid);
                print_uptime(u, uptime, sizeof(uptime));
                if (u->has_n_restarts)
                        snprintf(restarts, sizeof(restarts), "%u", u->n_restarts);
                if (u->memory_current != UINT64_MAX)
                        format_bytes(u->memory_current, mem, sizeof(mem));
                if (u->cpu_usage_nsec != UINT64_MAX)
                        format_duration(u->cpu_usage_nsec / 1000, cpu, sizeof(cpu));
                printf("%-8u %-24s %-22s %-8s %-9s %-8s %-8s %-8s %s\n", s->instances[i].index, strna(u->name), state,
                       pid, uptime, restarts, mem, cpu, strna(u->status_text));
        }
}

static void json_u64_or_null(const char *key, uint64_t v, bool known) {
        if (known)
                printf(",\"%s\":%lu", key, (unsigned long) v);
        else
                printf(",\"%s\":null", key);
}

static void print_json(const AppStatus *s) {
        printf("{\"app\":");
        json_print_string(stdout, s->app);
        printf(",\"scope\":\"%s\",\"desired\":%u,\"active\":%u,\"socket\":", arg_scope == SCOPE_SYSTEM ? "system" : "user",
               s->desired, s->active);
        if (s->socket_unit) {
                printf("{\"unit\":");
                json_print_string(stdout, s->socket_unit);
                printf(",\"active_state\":");
                json_print_string(stdout, s->socket.active_state);
                printf("}");
        } else
                printf("null");
        printf(",\"instances\":[");
        for (size_t i = 0; i < s->n; i++) {
                const UnitInfo *u = &s->instances[i].info;
                uint64_t now = realtime_usec();
                bool up = is_active(u) && u->active_enter_usec > 0 && u->active_enter_usec <= now;
                printf("%s{\"index\":%u,\"unit\":", i ? "," : "", s->instances[i].index);
                json_print_string(stdout, u->name);
                printf(",\"enabled\":%s,\"active_state\":", s->instances[i].enabled ? "true" : "false");
                json_print_string(stdout, u->active_state);
                printf(",\"sub_state\":");
                json_print_string(stdout, u->sub_state);
                json_u64_or_null("pid", u->main_pid, u->main_pid > 0);
                if (up)
                        printf(",\"uptime_s\":%.3f", (double) (now - u->active_enter_usec) / 1e6);
                else
                        printf(",\"uptime_s\":null");
                json_u64_or_null("restarts", u->n_restarts, u->has_n_restarts);
                json_u64_or_null("memory_bytes", u->memory_current, u->memory_current != UINT64_MAX);
                json_u64_or_null("cpu_ns", u->cpu_usage_nsec, u->cpu_usage_nsec != UINT64_MAX);
                printf(",\"status_text\":");
                if (u->status_text && *u->status_text)
                        json_print_string(stdout, u->status_text);
                else
                        printf("null");
                printf("}");
        }
        printf("]}\n");
}

static int status_one(Cluster *c, const char *app) {
        _cleanup_(app_status_done) AppStatus s = {};
        int r;

        if (!cluster_app_exists(c, app)) {
                log_error("no app '%s' is installed in %s", app, c->unit_dir);
                return EXIT_FAILURE_;
        }
        r = collect_status(c, app, &s);
        if (r < 0) {
                log_error("cannot read the status of '%s': %s", app, strerror(-r));
                return EXIT_FAILURE_;
        }
        if (arg_json)
                print_json(&s);
        else
                print_table(&s);
        return s.active == s.desired && s.desired > 0 ? EXIT_OK : EXIT_NOT_ACTIVE;
}

static int status_all(Cluster *c) {
        _cleanup_strv_free_ char **apps = NULL;
        int r, result = EXIT_OK;

        r = unitfs_list_apps(c->unit_dir, &apps);
        if (r < 0) {
                log_error("cannot list %s: %s", c->unit_dir, strerror(-r));
                return EXIT_FAILURE_;
        }
        if (arg_json)
                printf("{\"apps\":[");
        else if (apps)
                printf("%-24s %-10s %-24s %s\n", "APP", "ACTIVE", "SOCKET", "STATE");
        else if (!arg_quiet)
                log_info("no apps installed in %s", c->unit_dir);
        for (size_t i = 0; apps && apps[i]; i++) {
                _cleanup_(app_status_done) AppStatus s = {};
                r = collect_status(c, apps[i], &s);
                if (r < 0) {
                        log_error("cannot read the status of '%s': %s", apps[i], strerror(-r));
                        result = EXIT_FAILURE_;
                        continue;
                }
                bool ok = s.active == s.desired && s.desired > 0;
                if (!ok && result == EXIT_OK)
                        result = EXIT_NOT_ACTIVE;
                if (arg_json) {
                        printf("%s{\"app\":", i ? "," : "");
                        json_print_string(stdout, s.app);
                        printf(",\"desired\":%u,\"active\":%u}", s.desired, s.active);
                } else {
                        char active[32];
                        snprintf(active, sizeof(active), "%u/%u", s.active, s.desired);
                        printf("%-24s %-10s %-24s %s\n", s.app, active, s.socket_unit ? s.socket_unit : "-",
                               ok ? "ok" : s.active == 0 ? "down" : "degraded");
                }
        }
        if (arg_json)
                printf("]}\n");
        return result;
}

int verb_status(int argc, char **argv) {
        _cleanup_(cluster_close) Cluster c = {};
        int r;

        if (argc > 1 && (r = check_app_name(argv[1])))
                return r;
        if ((r = open_cluster(&c)))
                return r;
        return argc > 1 ? status_one(&c, argv[1]) : status_all(&c);
}
