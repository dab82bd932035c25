/* The keys of an app's config group: one parser per key, and the values each accepts. */
#include <stdint.h>

#include "config-parser.h"
#include "escape.h"
#include "listen.h"

static const char *const socket_mode_table[_SOCKET_MODE_MAX] = {
        [SOCKET_MODE_SHARED] = "shared",
        [SOCKET_MODE_REUSEPORT] = "reuseport",
};
static const char *const ready_mode_table[_READY_MAX] = {
        [READY_NOTIFY] = "notify",
        [READY_EXEC] = "exec",
        [READY_LISTEN] = "listen",
};
static const char *const hardening_table[_HARDENING_MAX] = {
        [HARDENING_NONE] = "none",
        [HARDENING_DEFAULT] = "default",
        [HARDENING_STRICT] = "strict",
};
static const char *const on_failure_table[_ON_FAILURE_MAX] = {
        [ON_FAILURE_STOP] = "stop",
        [ON_FAILURE_ROLLBACK] = "rollback",
        [ON_FAILURE_CONTINUE] = "continue",
};
/* systemd's Restart= values, PM2's autorestart maps to "always". */
static const char *const restart_values[] = {
        "no", "on-success", "on-failure", "on-abnormal", "on-watchdog", "on-abort", "always", NULL,
};
static const char *const signal_names[] = {
        "SIGTERM", "SIGINT", "SIGQUIT", "SIGHUP", "SIGUSR1", "SIGUSR2", "SIGKILL", "SIGWINCH", "SIGCONT", NULL,
};

const char *socket_mode_to_string(SocketMode m) {
        return m >= 0 && m < _SOCKET_MODE_MAX ? socket_mode_table[m] : NULL;
}
const char *ready_mode_to_string(ReadyMode m) {
        return m >= 0 && m < _READY_MAX ? ready_mode_table[m] : NULL;
}
const char *on_failure_to_string(OnFailure f) {
        return f >= 0 && f < _ON_FAILURE_MAX ? on_failure_table[f] : NULL;
}
const char *hardening_to_string(Hardening h) {
        return h >= 0 && h < _HARDENING_MAX ? hardening_table[h] : NULL;
}
OnFailure on_failure_from_string(const char *s) {
        return (OnFailure) table_lookup(on_failure_table, _ON_FAILURE_MAX, s);
}

static int parse_name(Parser *p, const config_setting_t *s, App *app) {
        const char *v = NULL;
        int r = get_string(p, s, &v);
        if (r < 0)
                return r;
        if (!app_name_is_valid(v))
                return fail_at(p, s,
                               "name: '%s' is not a valid app name (1 to %d characters of A-Z a-z 0-9 _ -, "
                               "not starting with -; no '@', '.' or suffix)",
                               v, APP_NAME_MAX);
        return dup_string(p, s, &app->name);
}

static int parse_cwd(Parser *p, const config_setting_t *s, App *app) {
        const char *v = NULL;
        int r = get_string(p, s, &v);
        if (r < 0)
                return r;
        free(app->cwd);
        app->cwd = NULL;
        return absolute_path(p, s, v, NULL, &app->cwd);
}

static int parse_user_or_group(Parser *p, const config_setting_t *s, char **field) {
        const char *v = NULL;
        int r = get_string(p, s, &v);
        if (r < 0)
                return r;
        if (!user_name_is_valid(v))
                return fail_at(p, s, "%s: '%s' is not a valid user or group name", setting_label(s), v);
        return dup_string(p, s, field);
}

static int parse_user(Parser *p, const config_setting_t *s, App *app) {
        return parse_user_or_group(p, s, &app->user);
}

static int parse_group(Parser *p, const config_setting_t *s, App *app) {
        return parse_user_or_group(p, s, &app->group);
}

static int parse_env(Parser *p, const config_setting_t *s, App *app) {
        if (config_setting_type(s) != CONFIG_TYPE_GROUP)
                return fail_at(p, s, "env: expected a group { NAME = \"value\"; … }, got %s",
                               type_name(config_setting_type(s)));
        int n = config_setting_length(s);
        app->env = calloc((size_t) n + 1, sizeof(EnvVar));
        if (!app->env)
                return -ENOMEM;
        for (int i = 0; i < n; i++) {
                const config_setting_t *e = config_setting_get_elem(s, (unsigned) i);
                const char *name = config_setting_name(e);
                char *value = NULL;
                int r;

                if (!env_name_is_valid(name))
                        return fail_at(p, e, "env: '%s' is not a valid variable name", name);
                switch (config_setting_type(e)) {
                case CONFIG_TYPE_STRING:
                        r = value_check(config_setting_get_string(e));
                        if (r < 0)
                                return fail_at(p, e, "env.%s: value %s", name, value_check_error(r));
                        value = strdup(config_setting_get_string(e));
                        break;
                case CONFIG_TYPE_INT:
                case CONFIG_TYPE_INT64:
                        r = asprintf(&value, "%lld", config_setting_get_int64(e));
                        break;
                case CONFIG_TYPE_FLOAT:
                        r = asprintf(&value, "%g", config_setting_get_float(e));
                        break;
                case CONFIG_TYPE_BOOL:
                        value = strdup(config_setting_get_bool(e) ? "true" : "false");
                        break;
                default:
                        return fail_at(p, e, "env.%s: expected a string, number or boolean, got %s", name,
                                       type_name(config_setting_type(e)));
                }
                if (!value)
                        return -ENOMEM;
                app->env[app->n_env].value = value;
                if (!(app->env[app->n_env].name = strdup(name)))
                        return -ENOMEM;
                app->n_env++;
        }
        return 0;
}

static int parse_env_file(Parser *p, const config_setting_t *s, App *app) {
        const char *v = NULL;
        int r = get_string(p, s, &v);
        if (r < 0)
                return r;
        free(app->env_file);
        app->env_file = NULL;
        return absolute_path(p, s, v, NULL, &app->env_file);
}

static int parse_instances(Parser *p, const config_setting_t *s, App *app) {
        int r;

        switch (config_setting_type(s)) {
        case CONFIG_TYPE_INT:
        case CONFIG_TYPE_INT64: {
                long long v = config_setting_get_int64(s);
                char buf[32];
                if (v == 0 || v > INSTANCES_MAX || v <= -INSTANCES_MAX)
                        return fail_at(p, s, "instances: %lld is out of range (1 to %d, \"max\", or -N for max-N)",
                                       v, INSTANCES_MAX);
                snprintf(buf, sizeof(buf), "%lld", v);
                r = instance_spec_parse(buf, &app->instances);
                break;
        }
        case CONFIG_TYPE_STRING:
                r = instance_spec_parse(config_setting_get_string(s), &app->instances);
                break;
        default:
                return fail_at(p, s, "instances: expected an integer or \"max\", got %s",
                               type_name(config_setting_type(s)));
        }
        if (r < 0)
                return fail_at(p, s, "instances: '%s' is not a count (1 to %d, \"max\", \"max-N\" or -N)",
                               config_setting_type(s) == CONFIG_TYPE_STRING ? config_setting_get_string(s) : "?",
                               INSTANCES_MAX);
        return 0;
}

static int parse_env_name_setting(Parser *p, const config_setting_t *s, char **field) {
        const char *v = NULL;
        int r = get_string(p, s, &v);
        if (r < 0)
                return r;
        if (!env_name_is_valid(v))
                return fail_at(p, s, "%s: '%s' is not a valid variable name", setting_label(s), v);
        return dup_string(p, s, field);
}

static int parse_instance_var(Parser *p, const config_setting_t *s, App *app) {
        return parse_env_name_setting(p, s, &app->instance_var);
}

static int parse_increment_var(Parser *p, const config_setting_t *s, App *app) {
        return parse_env_name_setting(p, s, &app->increment_var);
}

static int add_listen(Parser *p, const config_setting_t *s, App *app) {
        const char *v = NULL;
        char *normalized = NULL;
        int r = get_string(p, s, &v);
        if (r < 0)
                return r;
        if (!*v)
                return fail_at(p, s, "listen: not set; give the address the app listens on (\"3000\", "
                               "\"127.0.0.1:3000\", \"[::1]:3000\" or a unix socket path)");
        r = listen_address_normalize(v, &normalized);
        if (r < 0)
                return fail_at(p, s, "listen: '%s' is not an address (\"PORT\", \"IPv4:PORT\", \"[IPv6]:PORT\" "
                               "or an absolute unix socket path)", v);
        if (strv_contains(app->listen, normalized)) {
                free(normalized);
                return fail_at(p, s, "listen: '%s' is listed twice", v);
        }
        return strv_push(&app->listen, normalized);
}

static int parse_listen(Parser *p, const config_setting_t *s, App *app) {
        int r;

        if (config_setting_type(s) == CONFIG_TYPE_STRING)
                return add_listen(p, s, app);
        if (is_integer(s)) {
                char buf[24];
                long long port = config_setting_get_int64(s);
                if (port < 1 || port > 65535)
                        return fail_at(p, s, "listen: port %lld is out of range (1 to 65535)", port);
                snprintf(buf, sizeof(buf), "%lld", port);
                return strv_extend(&app->listen, buf);
        }
        if (!config_setting_is_aggregate(s) || config_setting_type(s) == CONFIG_TYPE_GROUP)
                return fail_at(p, s, "listen: expected an address or a list of addresses, got %s",
                               type_name(config_setting_type(s)));
        int n = config_setting_length(s);
        if (n == 0)
                return fail_at(p, s, "listen: the list is empty (leave the key out for an app without sockets)");
        for (int i = 0; i < n; i++) {
                r = add_listen(p, config_setting_get_elem(s, (unsigned) i), app);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int parse_socket_mode(Parser *p, const config_setting_t *s, App *app) {
        int v, r = parse_enum(p, s, socket_mode_table, _SOCKET_MODE_MAX, &v);
        if (r >= 0)
                app->socket_mode = (SocketMode) v;
        return r;
}

static int parse_ready(Parser *p, const config_setting_t *s, App *app) {
        int v, r = parse_enum(p, s, ready_mode_table, _READY_MAX, &v);
        if (r >= 0)
                app->ready = (ReadyMode) v;
        return r;
}

static int parse_hardening(Parser *p, const config_setting_t *s, App *app) {
        int v, r = parse_enum(p, s, hardening_table, _HARDENING_MAX, &v);
        if (r >= 0)
                app->hardening = (Hardening) v;
        return r;
}

static int parse_ready_timeout(Parser *p, const config_setting_t *s, App *app) {
        int r = get_seconds(p, s, 0.001, &app->ready_timeout);
        return r;
}

static int parse_kill_signal(Parser *p, const config_setting_t *s, App *app) {
        const char *v = NULL;
        char buf[16];
        int r = get_string(p, s, &v);
        if (r < 0)
                return r;
        snprintf(buf, sizeof(buf), "%s%s", startswith(v, "SIG") ? "" : "SIG", v);
        if (strlen(v) > 10 || table_lookup(signal_names, ELEMENTSOF(signal_names) - 1, buf) < 0)
                return fail_at(p, s, "kill_signal: '%s' is not a signal clusterctl accepts (SIGTERM, SIGINT, "
                               "SIGQUIT, SIGHUP, SIGUSR1, SIGUSR2, SIGKILL, SIGWINCH, SIGCONT)", v);
        free(app->kill_signal);
        return (app->kill_signal = strdup(buf)) ? 0 : -ENOMEM;
}

static int parse_kill_timeout(Parser *p, const config_setting_t *s, App *app) {
        /* TimeoutStopSec=0 would mean "never", the opposite of what 0 suggests. */
        return get_seconds(p, s, 0.001, &app->kill_timeout);
}

static int parse_restart(Parser *p, const config_setting_t *s, App *app) {
        const char *v = NULL;
        int r;

        if (config_setting_type(s) == CONFIG_TYPE_BOOL) /* PM2's autorestart = true/false */
                v = config_setting_get_bool(s) ? "always" : "no";
        else {
                r = get_string(p, s, &v);
                if (r < 0)
                        return r;
                if (table_lookup(restart_values, ELEMENTSOF(restart_values) - 1, v) < 0)
                        return fail_at(p, s, "restart: '%s' is not one of no, on-success, on-failure, "
                                       "on-abnormal, on-watchdog, on-abort, always (or true/false)", v);
        }
        free(app->restart);
        return (app->restart = strdup(v)) ? 0 : -ENOMEM;
}

static int parse_restart_delay(Parser *p, const config_setting_t *s, App *app) {
        return get_seconds(p, s, 0, &app->restart_delay);
}

static int parse_memory_max(Parser *p, const config_setting_t *s, App *app) {
        char buf[32];
        const char *v = NULL;
        int r;

        if (config_setting_type(s) == CONFIG_TYPE_INT || config_setting_type(s) == CONFIG_TYPE_INT64) {
                long long n = config_setting_get_int64(s);
                if (n <= 0)
                        return fail_at(p, s, "memory_max: %lld must be positive", n);
                snprintf(buf, sizeof(buf), "%lld", n);
                v = buf;
        } else {
                r = get_string(p, s, &v);
                if (r < 0)
                        return r;
                size_t digits = strspn(v, "0123456789");
                bool ok = streq(v, "infinity") ||
                          (digits > 0 && digits < 16 && (v[digits] == 0 || (strchr("KMGT", v[digits]) && !v[digits + 1])));
                if (ok && !streq(v, "infinity")) {
                        /* In bytes, it must be above 0 and fit 64 bits, or systemd drops the limit. */
                        unsigned long long n = strtoull(v, NULL, 10);
                        unsigned shift = v[digits] ? 10 * (unsigned) (strchr("KMGT", v[digits]) - "KMGT" + 1) : 0;
                        ok = n > 0 && n <= (UINT64_MAX >> shift);
                }
                if (!ok)
                        return fail_at(p, s, "memory_max: '%s' is not a size (bytes, or a number with K, M, G or T)", v);
        }
        free(app->memory_max);
        return (app->memory_max = strdup(v)) ? 0 : -ENOMEM;
}

static int parse_cpu_weight(Parser *p, const config_setting_t *s, App *app) {
        if (!is_integer(s))
                return fail_at(p, s, "cpu_weight: expected an integer, got %s", type_name(config_setting_type(s)));
        long long v = config_setting_get_int64(s);
        if (v < 1 || v > 10000)
                return fail_at(p, s, "cpu_weight: %lld is out of range (1 to 10000)", v);
        app->cpu_weight = (int) v;
        return 0;
}

static int parse_watchdog(Parser *p, const config_setting_t *s, App *app) {
        return get_seconds(p, s, 0, &app->watchdog);
}

static int parse_history_limit(Parser *p, const config_setting_t *s, App *app) {
        if (!is_integer(s))
                return fail_at(p, s, "history_limit: expected an integer, got %s", type_name(config_setting_type(s)));
        long long v = config_setting_get_int64(s);
        if (v < 1 || v > HISTORY_LIMIT_MAX)
                return fail_at(p, s, "history_limit: %lld is out of range (1 to %d)", v, HISTORY_LIMIT_MAX);
        app->history_limit = (unsigned) v;
        return 0;
}

/* A count from min to INSTANCES_MAX, or "N%" of the instances. */
static int parse_count_or_percent(Parser *p, const config_setting_t *e, const char *name, long long min,
                                  unsigned *ret_count, unsigned *ret_percent) {
        if (is_integer(e)) {
                long long v = config_setting_get_int64(e);
                if (v < min || v > INSTANCES_MAX)
                        return fail_at(p, e, "%s: %lld is out of range (%lld to %d, or \"N%%\")", name, v, min,
                                       INSTANCES_MAX);
                *ret_count = (unsigned) v;
                *ret_percent = 0;
                return 0;
        }
        if (config_setting_type(e) != CONFIG_TYPE_STRING)
                return fail_at(p, e, "%s: expected an integer or \"N%%\", got %s", name,
                               type_name(config_setting_type(e)));
        if (batch_spec_parse(config_setting_get_string(e), ret_count, ret_percent) < 0)
                return fail_at(p, e, "%s: '%s' is not a count or a percentage (\"25%%\")", name,
                               config_setting_get_string(e));
        return 0;
}

static int parse_rollout(Parser *p, const config_setting_t *s, App *app) {
        if (config_setting_type(s) != CONFIG_TYPE_GROUP)
                return fail_at(p, s, "rollout: expected a group { batch = 1; surge = \"25%%\"; pause = 0.0; grace = 0.5; on_failure = \"stop\"; }");
        int n = config_setting_length(s);
        for (int i = 0; i < n; i++) {
                const config_setting_t *e = config_setting_get_elem(s, (unsigned) i);
                const char *key = config_setting_name(e);
                int r;

                if (streq(key, "batch")) {
                        if ((r = parse_count_or_percent(p, e, "rollout.batch", 1, &app->rollout.batch,
                                                        &app->rollout.batch_percent)) < 0)
                                return r;
                } else if (streq(key, "surge")) {
                        if ((r = parse_count_or_percent(p, e, "rollout.surge", 0, &app->rollout.surge,
                                                        &app->rollout.surge_percent)) < 0)
                                return r;
                } else if (streq(key, "pause")) {
                        r = get_seconds(p, e, 0, &app->rollout.pause);
                        if (r < 0)
                                return r;
                } else if (streq(key, "grace")) {
                        r = get_seconds(p, e, 0, &app->rollout.grace);
                        if (r < 0)
                                return r;
                } else if (streq(key, "on_failure")) {
                        int v;
                        r = parse_enum(p, e, on_failure_table, _ON_FAILURE_MAX, &v);
                        if (r < 0)
                                return r;
                        app->rollout.on_failure = (OnFailure) v;
                } else
                        return fail_at(p, e, "rollout: unknown key '%s' (batch, surge, pause, grace, on_failure)", key);
        }
        return 0;
}


typedef struct KeyTable {
        const char *key;
        KeyParser parse;
} KeyTable;

/* Every key of an app group but exec/script/interpreter/args (config-command.c). */
static const KeyTable keys[] = {
        { "name", parse_name },
        { "cwd", parse_cwd },
        { "user", parse_user },
        { "group", parse_group },
        { "env", parse_env },
        { "env_file", parse_env_file },
        { "instances", parse_instances },
        { "instance_var", parse_instance_var },
        { "increment_var", parse_increment_var },
        { "listen", parse_listen },
        { "socket_mode", parse_socket_mode },
        { "ready", parse_ready },
        { "ready_timeout", parse_ready_timeout },
        { "kill_signal", parse_kill_signal },
        { "kill_timeout", parse_kill_timeout },
        { "restart", parse_restart },
        { "restart_delay", parse_restart_delay },
        { "memory_max", parse_memory_max },
        { "cpu_weight", parse_cpu_weight },
        { "rollout", parse_rollout },
        { "watchdog", parse_watchdog },
        { "history_limit", parse_history_limit },
        { "hardening", parse_hardening },
        { "node_compat", parse_node_compat },
        { "shutdown_with_message", parse_shutdown_with_message },
        { "cron_restart", parse_cron_restart },
};

KeyParser config_key_parser(const char *key) {
        for (size_t i = 0; i < ELEMENTSOF(keys); i++)
                if (streq(keys[i].key, key))
                        return keys[i].parse;
        return NULL;
}
