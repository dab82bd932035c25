/* clusterctl status [APP] -H …: every host asked at the same time (at most HOSTS_PARALLEL_MAX),
 * its `status --json` merged into one table with a HOST column, a summary line per host above
 * it. Exit 3 when an instance is down on any host, 1 when a host could not be asked. */
#include "app-status.h"
#include "hosts.h"
#include "output.h"
#include "util.h"
#include "verb-common.h"

typedef struct HostsStatus {
        HostsRun h;
        json_object **answers; /* per host: its status object */
} HostsStatus;

static void on_object(HostRun *run, json_object *o, void *userdata) {
        HostsStatus *s = userdata;
        size_t i = host_index(&s->h, run);

        if (json_str(o, "event"))
                hosts_on_object(run, o, &s->h);
        else if (!s->answers[i])
                s->answers[i] = json_object_get(o);
}

static void on_text(HostRun *run, const char *line, void *userdata) {
        hosts_on_text(run, line, &((HostsStatus *) userdata)->h);
}

static bool on_host_exit(HostRun *run, void *userdata) {
        return hosts_on_exit_continue(run, &((HostsStatus *) userdata)->h);
}

static char *dup_str(json_object *o, const char *key) {
        const char *v = json_str(o, key);
        return v ? strdup(v) : NULL;
}

/* The host's answer as the local status has it, so both print the same rows. Times the host
 * gave as durations become times here. */
static int app_status_from_json(json_object *o, AppStatus *ret) {
        _cleanup_(app_status_done) AppStatus s = {};
        json_object *instances = NULL, *socket = NULL;
        uint64_t now = now_usec();

        s.app = dup_str(o, "app");
        s.desired = (unsigned) json_int(o, "desired", 0);
        s.active = (unsigned) json_int(o, "active", 0);
        if (json_object_object_get_ex(o, "socket", &socket) && json_object_is_type(socket, json_type_object)) {
                s.socket_unit = dup_str(socket, "unit");
                s.socket.active_state = dup_str(socket, "active_state");
        }
        if (json_object_object_get_ex(o, "instances", &instances) && json_object_is_type(instances, json_type_array)) {
                s.n = json_object_array_length(instances);
                if (!(s.instances = calloc(s.n ? s.n : 1, sizeof(Instance))))
                        return -ENOMEM;
                for (size_t i = 0; i < s.n; i++) {
                        json_object *j = json_object_array_get_idx(instances, i);
                        Instance *in = &s.instances[i];
                        UnitInfo *u = &in->info;
                        json_object *enabled = NULL;
                        double uptime = json_double(j, "uptime_s", -1), ready = json_double(j, "ready_s", -1);

                        in->index = (unsigned) json_int(j, "index", 0);
                        in->enabled = json_object_object_get_ex(j, "enabled", &enabled) && json_object_get_boolean(enabled);
                        in->cpu_percent = json_double(j, "cpu_percent", -1);
                        u->name = dup_str(j, "unit");
                        u->active_state = dup_str(j, "active_state");
                        u->sub_state = dup_str(j, "sub_state");
                        u->result = dup_str(j, "result");
                        u->status_text = dup_str(j, "status_text");
                        u->main_pid = (uint32_t) json_int(j, "pid", 0);
                        in->revision = (unsigned) json_int(j, "revision", 0);
                        u->has_n_restarts = json_int(j, "restarts", -1) >= 0;
                        u->n_restarts = (uint32_t) json_int(j, "restarts", 0);
                        u->memory_current = (uint64_t) json_int(j, "memory_bytes", -1);
                        u->cpu_usage_nsec = (uint64_t) json_int(j, "cpu_ns", -1);
                        /* Back onto this machine's clock: uptime and ready come as seconds. */
                        if (uptime >= 0 && now > (uint64_t) (uptime * 1e6))
                                u->active_enter_monotonic = now - (uint64_t) (uptime * 1e6);
                        if (ready >= 0 && u->active_enter_monotonic > (uint64_t) (ready * 1e6))
                                u->exec_main_start_monotonic = u->active_enter_monotonic - (uint64_t) (ready * 1e6);
                }
        }
        *ret = s;
        s = (AppStatus) {};
        return 0;
}

static int print_one_app(HostsStatus *s) {
        _cleanup_(table_done) Table t = {};
        _cleanup_free_ char *text = NULL;
        int w = s->h.name_width > 4 ? s->h.name_width : 4;
        char line[640];

        t.columns = status_host_columns(&t.n_columns);
        for (size_t i = 0; i < s->h.n; i++) {
                _cleanup_(app_status_done) AppStatus st = {};
                if (!s->answers[i] || app_status_from_json(s->answers[i], &st) < 0)
                        continue;
                format_status_summary(&st, line, sizeof(line));
                printf("%-*s  %s\n", w, s->h.runs[i].host->display, line);
        }
        for (size_t i = 0; i < s->h.n; i++) {
                _cleanup_(app_status_done) AppStatus st = {};
                if (!s->answers[i])
                        continue;
                if (app_status_from_json(s->answers[i], &st) < 0 || status_host_rows(&t, &st, s->h.runs[i].host->display) < 0)
                        return EXIT_FAILURE_;
        }
        if (table_format(&t, output_width(), &text) < 0)
                return EXIT_FAILURE_;
        fputs(text, stdout);
        for (size_t i = 0; i < s->h.n; i++)
                if (!s->answers[i])
                        printf("%-*s  %s\n", w, s->h.runs[i].host->display,
                               s->h.outcomes[i].failure ? "unknown: the host did not answer (above)" : "unknown");
        return EXIT_OK;
}

static void print_all_apps(HostsStatus *s) {
        int w = s->h.name_width > 4 ? s->h.name_width : 4;
        bool header = false, answered = false;

        for (size_t i = 0; i < s->h.n; i++) {
                json_object *apps = NULL;
                if (!s->answers[i] || !json_object_object_get_ex(s->answers[i], "apps", &apps) ||
                    !json_object_is_type(apps, json_type_array))
                        continue;
                answered = true;
                for (size_t k = 0; k < json_object_array_length(apps); k++) {
                        json_object *a = json_object_array_get_idx(apps, k);
                        char active[32], reloaded[48] = "-";
                        int64_t last = json_int(a, "last_reload_usec", 0);
                        uint64_t now = realtime_usec();
                        if (!header) {
                                printf("%-*s  %-24s %-10s %-26s %-9s %s\n", w, "HOST", "APP", "ACTIVE", "SOCKET", "STATE",
                                       "LAST RELOAD");
                                header = true;
                        }
                        snprintf(active, sizeof(active), "%lld/%lld", (long long) json_int(a, "active", 0),
                                 (long long) json_int(a, "desired", 0));
                        if (last > 0 && (uint64_t) last <= now) {
                                format_duration(now - (uint64_t) last, reloaded, sizeof(reloaded) - 5);
                                strcat(reloaded, " ago");
                        }
                        printf("%-*s  %-24s %-10s %-26s %-9s %s\n", w, s->h.runs[i].host->display,
                               strna(json_str(a, "app")), active, strna(json_str(a, "socket")),
                               strna(json_str(a, "state")), reloaded);
                }
        }
        if (!header && answered && !arg_quiet)
                log_info("no apps installed on any of the hosts that answered");
}

static void print_json(HostsStatus *s) {
        json_object *root = json_object_new_object(), *hosts = json_object_new_array();

        for (size_t i = 0; i < s->h.n; i++) {
                json_object *h = json_object_new_object();
                json_object_object_add(h, "host", json_object_new_string(s->h.runs[i].host->display));
                if (s->answers[i])
                        json_object_object_add(h, "status", json_object_get(s->answers[i]));
                else
                        json_object_object_add(h, "error", json_object_new_string(s->h.outcomes[i].failure
                                                                                         ? s->h.outcomes[i].failure
                                                                                         : "no answer"));
                json_object_array_add(hosts, h);
        }
        json_object_object_add(root, "hosts", hosts);
        printf("%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN));
        json_object_put(root);
}

int hosts_status(int argc, char **argv) {
        _cleanup_strv_free_ char **args = NULL;
        HostsStatus s = {};
        int r, result = EXIT_OK;

        if (argc > 1 && check_app_name(argv[1]) < 0)
                return EXIT_USAGE;
        if (arg_watch) {
                log_error("status --watch is for one host; without -H it shows this one");
                return EXIT_USAGE;
        }
        if (strv_extend(&args, "status") < 0 || (argc > 1 && strv_extend(&args, argv[1]) < 0) ||
            strv_extend(&args, "--json") < 0)
                return EXIT_FAILURE_;
        if (arg_cpu_sample > 0) {
                char v[32];
                snprintf(v, sizeof(v), "--cpu-sample=%g", arg_cpu_sample);
                if (strv_extend(&args, v) < 0)
                        return EXIT_FAILURE_;
        }
        if ((r = hosts_run_new(args, NULL, &s.h)))
                return r;
        if (!(s.answers = calloc(s.h.n, sizeof(json_object *)))) {
                hosts_run_done(&s.h);
                return EXIT_FAILURE_;
        }
        FanoutOps ops = { .on_object = on_object, .on_text = on_text, .on_exit = on_host_exit };
        r = fanout_run(s.h.runs, s.h.n, HOSTS_PARALLEL_MAX, &ops, &s);
        if (r < 0 && r != -EINTR)
                log_error("cannot run ssh: %s", strerror(-r));
        if (r < 0)
                result = EXIT_FAILURE_;

        if (arg_json)
                print_json(&s);
        else if (argc > 1 && print_one_app(&s) != EXIT_OK)
                result = EXIT_FAILURE_;
        else
                print_all_apps(&s);
        for (size_t i = 0; i < s.h.n; i++) {
                int code = host_exit_code(&s.h, i);
                if (code == EXIT_NOT_ACTIVE && result == EXIT_OK)
                        result = EXIT_NOT_ACTIVE;
                else if (code != EXIT_OK && code != EXIT_NOT_ACTIVE)
                        result = EXIT_FAILURE_;
                json_object_put(s.answers[i]);
        }
        free(s.answers);
        hosts_run_done(&s.h);
        return result;
}
