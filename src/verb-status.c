/* clusterctl status [APP] (ls): the instances as the manager sees them, as a table or JSON.
 * Exit 3 when not every enabled instance is active. The JSON is documented in clusterctl(1). */
#include "app-status.h"
#include "output.h"
#include "unitfs.h"
#include "util.h"
#include "verb-common.h"

/* The summary, broken after a comma where it would not fit the terminal, rather than wrapped. */
static void print_summary(const char *line, size_t width) {
        size_t used = 0;

        for (const char *p = line; *p;) {
                const char *comma = strstr(p, ", ");
                size_t len = comma ? (size_t) (comma - p) + 1 : strlen(p);
                _cleanup_free_ char *part = strndup(p, len);
                size_t w = part ? text_width(part) : len;
                if (width > 0 && used > 0 && used + 1 + w > width) {
                        fputs("\n   ", stdout);
                        used = 3;
                } else if (used > 0) {
                        putchar(' ');
                        used++;
                }
                fputs(part ? part : "", stdout);
                used += w;
                p += len + (comma ? 1 : 0);
        }
        putchar('\n');
}

static int print_table(const AppStatus *s) {
        _cleanup_(table_done) Table t = {};
        _cleanup_free_ char *text = NULL;
        size_t width = output_width();
        char line[1024];
        int r;

        if ((r = status_instance_table(s, false, &t)) < 0 || (r = table_format(&t, width, &text)) < 0)
                return r;
        format_status_summary(s, line, sizeof(line));
        print_summary(line, width);
        fputs(text, stdout);
        return 0;
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
        json_u64_or_null("revision", s->revision, s->revision > 0);
        printf(",\"rollout\":");
        if (s->rollout != ROLLOUT_NONE) {
                printf("{\"state\":\"%s\",\"revision\":%u", rollout_shown_to_string(s->rollout),
                       s->rollout_state.revision);
                json_u64_or_null("from", s->rollout_state.from_revision, s->rollout_state.from_revision > 0);
                printf(",\"on_revision\":%u}", instances_on_revision(s, s->rollout_state.revision));
        } else
                printf("null");
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

                printf("%s{\"index\":%u,\"unit\":", i ? "," : "", s->instances[i].index);
                json_print_string(stdout, u->name);
                printf(",\"enabled\":%s,\"active_state\":", s->instances[i].enabled ? "true" : "false");
                json_print_string(stdout, u->active_state);
                printf(",\"sub_state\":");
                json_print_string(stdout, u->sub_state);
                json_u64_or_null("revision", s->instances[i].revision, s->instances[i].revision > 0);
                json_u64_or_null("pid", u->main_pid, u->main_pid > 0);
                json_double_or_null("uptime_s", uptime_seconds(u));
                json_double_or_null("ready_s", ready_seconds(u));
                json_u64_or_null("restarts", u->n_restarts, u->has_n_restarts);
                printf(",\"watchdog_kills\":%u", s->instances[i].watchdog_kills);
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
        else if ((r = print_table(&s)) < 0)
                return log_error_errno(r, "cannot print the status of '%s': %m", app);
        else
                hint_if_no_linger();
        return s.active == s.desired && s.desired > 0 ? EXIT_OK : EXIT_NOT_ACTIVE;
}

/* One line per app; the socket's text is cut first, then the least telling columns go. */
static const TableColumn app_columns[] = {
        { .header = "APP" },
        { .header = "ACTIVE" },
        { .header = "SOCKET", .shorten_rank = 1, .shorten_min = 10, .hide_rank = 3 },
        { .header = "STATE" },
        { .header = "REV", .hide_rank = 5 },
        { .header = "ROLLOUT", .hide_rank = 4 },
        { .header = "LAST RELOAD", .hide_rank = 2 },
};

static void print_app_json(const AppStatus *s, const char *state, bool first) {
        printf("%s{\"app\":", first ? "" : ",");
        json_print_string(stdout, s->app);
        printf(",\"desired\":%u,\"active\":%u,\"state\":\"%s\",\"socket\":", s->desired, s->active, state);
        if (s->socket_unit)
                json_print_string(stdout, s->socket_unit);
        else
                printf("null");
        json_u64_or_null("last_reload_usec", s->last_reload_usec, s->last_reload_usec > 0);
        json_u64_or_null("revision", s->revision, s->revision > 0);
        printf(",\"rollout\":");
        if (s->rollout != ROLLOUT_NONE)
                printf("\"%s\"", rollout_shown_to_string(s->rollout));
        else
                printf("null");
        printf("}");
}

static int add_app_row(Table *t, const AppStatus *s, const char *state) {
        char active[32], socket[96], reloaded[48] = "-", rev[16] = "-", rollout[64] = "-";
        uint64_t now = realtime_usec();

        snprintf(active, sizeof(active), "%u/%u", s->active, s->desired);
        snprintf(socket, sizeof(socket), "%s%s%s", s->socket_unit ? s->socket_unit : "-", s->socket_unit ? " " : "",
                 s->socket_unit ? strna(s->socket.active_state) : "");
        if (s->last_reload_usec > 0 && s->last_reload_usec <= now) {
                format_duration(now - s->last_reload_usec, reloaded, sizeof(reloaded) - 5);
                strcat(reloaded, " ago");
        }
        if (s->revision)
                snprintf(rev, sizeof(rev), "%u", s->revision);
        if (s->rollout != ROLLOUT_NONE)
                snprintf(rollout, sizeof(rollout), "%s", rollout_shown_to_string(s->rollout));
        const char *row[] = { s->app, active, socket, state, rev, rollout, reloaded };
        return table_add_row(t, row);
}

static int status_all(Cluster *c) {
        _cleanup_(table_done) Table t = { .columns = app_columns, .n_columns = ELEMENTSOF(app_columns) };
        _cleanup_strv_free_ char **apps = NULL;
        _cleanup_free_ char *text = NULL;
        int r, result = EXIT_OK;

        r = unitfs_list_apps(c->unit_dir, &apps);
        if (r < 0)
                return log_error_errno(r, "cannot list %s: %m", c->unit_dir);
        if (arg_json)
                printf("{\"apps\":[");
        else if (!apps && !arg_quiet)
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
                if (arg_json)
                        print_app_json(&s, state, i == 0);
                else if (add_app_row(&t, &s, state) < 0)
                        return log_oom();
        }
        if (arg_json)
                printf("]}\n");
        else if (t.n_rows > 0) {
                if ((r = table_format(&t, output_width(), &text)) < 0)
                        return log_oom();
                fputs(text, stdout);
                hint_if_no_linger();
        }
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
