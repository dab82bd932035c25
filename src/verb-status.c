/* clusterctl status [APP] (ls): the instances as the manager sees them, as a table or JSON.
 * Exit 3 when not every enabled instance is active. The JSON is documented in clusterctl(1). */
#include "app-status.h"
#include "output.h"
#include "unitfs.h"
#include "util.h"
#include "verb-common.h"

static void print_table(const AppStatus *s) {
        char line[512];

        format_status_summary(s, line, sizeof(line));
        printf("%s\n%s\n", line, instance_table_header());
        for (size_t i = 0; i < s->n; i++) {
                format_instance_row(&s->instances[i], line, sizeof(line));
                printf("%s\n", line);
        }
}

static void json_u64_or_null(const char *key, uint64_t v, bool known) {
        if (known)
                printf(",\"%s\":%lu", key, (unsigned long) v);
        else
                printf(",\"%s\":null", key);
}

static void json_double_or_null(const char *key, double v) {
        if (v >= 0)
                printf(",\"%s\":%.3f", key, v);
        else
                printf(",\"%s\":null", key);
}

static void print_json(const AppStatus *s) {
        printf("{\"app\":");
        json_print_string(stdout, s->app);
        printf(",\"scope\":\"%s\",\"desired\":%u,\"active\":%u", arg_scope == SCOPE_SYSTEM ? "system" : "user",
               s->desired, s->active);
        json_u64_or_null("last_reload_usec", s->last_reload_usec, s->last_reload_usec > 0);
        printf(",\"socket\":");
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
                bool up = unit_is_active(u) && u->active_enter_usec > 0 && u->active_enter_usec <= now;

                printf("%s{\"index\":%u,\"unit\":", i ? "," : "", s->instances[i].index);
                json_print_string(stdout, u->name);
                printf(",\"enabled\":%s,\"active_state\":", s->instances[i].enabled ? "true" : "false");
                json_print_string(stdout, u->active_state);
                printf(",\"sub_state\":");
                json_print_string(stdout, u->sub_state);
                json_u64_or_null("pid", u->main_pid, u->main_pid > 0);
                json_double_or_null("uptime_s", up ? (double) (now - u->active_enter_usec) / 1e6 : -1);
                json_double_or_null("ready_s", ready_seconds(u));
                json_u64_or_null("restarts", u->n_restarts, u->has_n_restarts);
                json_u64_or_null("memory_bytes", u->memory_current, u->memory_current != UINT64_MAX);
                json_u64_or_null("cpu_ns", u->cpu_usage_nsec, u->cpu_usage_nsec != UINT64_MAX);
                json_double_or_null("cpu_percent", s->instances[i].cpu_percent);
                printf(",\"result\":");
                json_print_string(stdout, u->result);
                printf(",\"status_text\":");
                if (u->status_text && *u->status_text)
                        json_print_string(stdout, u->status_text);
                else
                        printf("null");
                printf("}");
        }
        printf("]}\n");
}

/* Two samples arg_cpu_sample apart, so cpu is a percentage rather than a total. */
static int collect_sampled(Cluster *c, const char *app, AppStatus *ret) {
        _cleanup_(app_status_done) AppStatus first = {};
        uint64_t t0, t1;
        int r;

        if (arg_cpu_sample <= 0)
                return collect_status(c, app, ret);
        t0 = now_usec();
        if ((r = collect_status(c, app, &first)) < 0)
                return r;
        if ((r = bus_run_until(c->bus, t0 + (uint64_t) (arg_cpu_sample * 1e6), NULL, NULL)) < 0)
                return r;
        t1 = now_usec();
        if ((r = collect_status(c, app, ret)) < 0)
                return r;
        status_cpu_between(ret, &first, t1 - t0);
        return 0;
}

static int status_one(Cluster *c, const char *app) {
        _cleanup_(app_status_done) AppStatus s = {};
        int r;

        r = collect_sampled(c, app, &s);
        if (r < 0)
                return log_error_errno(r, "cannot read the status of '%s': %m", app);
        if (arg_json)
                print_json(&s);
        else {
                print_table(&s);
                hint_if_no_linger();
        }
        return s.active == s.desired && s.desired > 0 ? EXIT_OK : EXIT_NOT_ACTIVE;
}

static int status_all(Cluster *c) {
        _cleanup_strv_free_ char **apps = NULL;
        int r, result = EXIT_OK;

        r = unitfs_list_apps(c->unit_dir, &apps);
        if (r < 0)
                return log_error_errno(r, "cannot list %s: %m", c->unit_dir);
        if (arg_json)
                printf("{\"apps\":[");
        else if (apps)
                printf("%-24s %-10s %-26s %-9s %s\n", "APP", "ACTIVE", "SOCKET", "STATE", "LAST RELOAD");
        else if (!arg_quiet)
                log_info("no apps installed in %s", c->unit_dir);
        for (size_t i = 0; apps && apps[i]; i++) {
                _cleanup_(app_status_done) AppStatus s = {};
                r = collect_status(c, apps[i], &s);
                if (r < 0) {
                        log_error_errno(r, "cannot read the status of '%s': %m", apps[i]);
                        result = EXIT_FAILURE_;
                        continue;
                }
                bool ok = s.active == s.desired && s.desired > 0;
                const char *state = ok ? "ok" : s.active == 0 ? "down" : "degraded";
                if (!ok && result == EXIT_OK)
                        result = EXIT_NOT_ACTIVE;
                if (arg_json) {
                        printf("%s{\"app\":", i ? "," : "");
                        json_print_string(stdout, s.app);
                        printf(",\"desired\":%u,\"active\":%u,\"state\":\"%s\",\"socket\":", s.desired, s.active, state);
                        if (s.socket_unit)
                                json_print_string(stdout, s.socket_unit);
                        else
                                printf("null");
                        json_u64_or_null("last_reload_usec", s.last_reload_usec, s.last_reload_usec > 0);
                        printf("}");
                } else {
                        char active[32], socket[96], reloaded[48] = "-";
                        uint64_t now = realtime_usec();
                        snprintf(active, sizeof(active), "%u/%u", s.active, s.desired);
                        snprintf(socket, sizeof(socket), "%s%s%s", s.socket_unit ? s.socket_unit : "-",
                                 s.socket_unit ? " " : "", s.socket_unit ? strna(s.socket.active_state) : "");
                        if (s.last_reload_usec > 0 && s.last_reload_usec <= now) {
                                format_duration(now - s.last_reload_usec, reloaded, sizeof(reloaded) - 5);
                                strcat(reloaded, " ago");
                        }
                        printf("%-24s %-10s %-26s %-9s %s\n", s.app, active, socket, state, reloaded);
                }
        }
        if (arg_json)
                printf("]}\n");
        else if (apps)
                hint_if_no_linger();
        return result;
}

int verb_status(int argc, char **argv, Cluster *c) {
        if (arg_watch) {
                if (argc < 2) {
                        log_error("status --watch needs an app");
                        return EXIT_USAGE;
                }
                return verb_top(argc, argv, c);
        }
        return argc > 1 ? status_one(c, argv[1]) : status_all(c);
}
