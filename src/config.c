/* libconfig file → validated App descriptions, with file:line on every error. */
#include "config.h"

#include <arpa/inet.h>
#include <libconfig.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <sys/stat.h>

#include "escape.h"
#include "listen.h"
#include "util.h"

#define DEFAULT_INSTANCE_VAR "NODE_APP_INSTANCE"
#define DEFAULT_READY_TIMEOUT 30.0
#define DEFAULT_RESTART_DELAY 1.0
#define DEFAULT_GRACE 0.5
#define TIMEOUT_MAX 86400.0

static const char *const socket_mode_table[_SOCKET_MODE_MAX] = {
        [SOCKET_MODE_SHARED] = "shared",
        [SOCKET_MODE_REUSEPORT] = "reuseport",
};
static const char *const ready_mode_table[_READY_MAX] = {
        [READY_NOTIFY] = "notify",
        [READY_EXEC] = "exec",
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

static int table_lookup(const char *const *table, size_t n, const char *s) {
        for (size_t i = 0; i < n; i++)
                if (table[i] && streq(table[i], s))
                        return (int) i;
        return -1;
}

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

void config_error_done(ConfigError *e) {
        free(e->file);
        free(e->message);
        *e = (ConfigError) {};
}

char *config_error_format(const ConfigError *e) {
        char *s;
        int r;

        if (e->line > 0)
                r = asprintf(&s, "%s:%d: %s", strempty(e->file), e->line, strempty(e->message));
        else
                r = asprintf(&s, "%s: %s", strempty(e->file), strempty(e->message));
        return r < 0 ? NULL : s;
}

void app_done(App *app) {
        free(app->name);
        free(app->config_path);
        strv_free(app->argv);
        free(app->cwd);
        free(app->user);
        free(app->group);
        for (size_t i = 0; i < app->n_env; i++) {
                free(app->env[i].name);
                free(app->env[i].value);
        }
        free(app->env);
        free(app->env_file);
        free(app->instance_var);
        free(app->increment_var);
        strv_free(app->listen);
        free(app->kill_signal);
        free(app->restart);
        free(app->memory_max);
        *app = (App) {};
}

void app_list_done(AppList *l) {
        for (size_t i = 0; i < l->n_apps; i++)
                app_done(&l->apps[i]);
        free(l->apps);
        *l = (AppList) {};
}

/* State of one parse: where we are, and where errors go. */
typedef struct Parser {
        const char *path;
        char *dir; /* directory of the config, for relative paths */
        ConfigError *error;
} Parser;

_printf_(3, 4) static int fail_at(Parser *p, const config_setting_t *s, const char *fmt, ...) {
        va_list ap;
        char *msg = NULL;

        va_start(ap, fmt);
        if (vasprintf(&msg, fmt, ap) < 0)
                msg = NULL;
        va_end(ap);

        config_error_done(p->error);
        const char *file = s ? config_setting_source_file(s) : NULL;
        if (file && file[0] != '/')
                (void) asprintf_safe(&p->error->file, "%s/%s", p->dir, file);
        else
                p->error->file = strdup(file ? file : p->path);
        p->error->line = s ? (int) config_setting_source_line(s) : 0;
        p->error->message = msg;
        return -EINVAL;
}

static const char *type_name(int type) {
        switch (type) {
        case CONFIG_TYPE_INT:
        case CONFIG_TYPE_INT64:
                return "an integer";
        case CONFIG_TYPE_FLOAT:
                return "a number";
        case CONFIG_TYPE_STRING:
                return "a string";
        case CONFIG_TYPE_BOOL:
                return "a boolean";
        case CONFIG_TYPE_GROUP:
                return "a group { … }";
        case CONFIG_TYPE_ARRAY:
                return "an array [ … ]";
        case CONFIG_TYPE_LIST:
                return "a list ( … )";
        default:
                return "unknown";
        }
}

static bool is_integer(const config_setting_t *s) {
        return config_setting_type(s) == CONFIG_TYPE_INT || config_setting_type(s) == CONFIG_TYPE_INT64;
}

/* The key a setting belongs to: list elements have no name, their list does. */
static const char *setting_label(const config_setting_t *s) {
        for (; s; s = config_setting_parent(s))
                if (config_setting_name(s))
                        return config_setting_name(s);
        return "value";
}

static int get_string(Parser *p, const config_setting_t *s, const char **ret) {
        const char *v = NULL;
        int r;

        if (config_setting_type(s) != CONFIG_TYPE_STRING)
                return fail_at(p, s, "%s: expected a string, got %s", setting_label(s),
                               type_name(config_setting_type(s)));
        v = config_setting_get_string(s);
        r = value_check(v);
        if (r < 0)
                return fail_at(p, s, "%s: value %s", setting_label(s), value_check_error(r));
        *ret = v;
        return 0;
}

static int dup_string(Parser *p, const config_setting_t *s, char **ret) {
        const char *v = NULL;
        int r = get_string(p, s, &v);
        if (r < 0)
                return r;
        char *c = strdup(v);
        if (!c)
                return -ENOMEM;
        free(*ret);
        *ret = c;
        return 0;
}

static int get_seconds(Parser *p, const config_setting_t *s, double min, double *ret) {
        double v;

        switch (config_setting_type(s)) {
        case CONFIG_TYPE_INT:
        case CONFIG_TYPE_INT64:
                v = (double) config_setting_get_int64(s);
                break;
        case CONFIG_TYPE_FLOAT:
                v = config_setting_get_float(s);
                break;
        default:
                return fail_at(p, s, "%s: expected a number of seconds, got %s", setting_label(s),
                               type_name(config_setting_type(s)));
        }
        if (!isfinite(v) || v < min || v > TIMEOUT_MAX)
                return fail_at(p, s, "%s: %g is out of range (%g to %g seconds)", setting_label(s), v, min,
                               TIMEOUT_MAX);
        *ret = v;
        return 0;
}

/* Makes path absolute against the config's directory (or base when given). */
static int absolute_path(Parser *p, const config_setting_t *s, const char *path, const char *base, char **ret) {
        char *abs;
        int r;

        if (!*path)
                return fail_at(p, s, "%s: path is empty", setting_label(s));
        if (path[0] == '/')
                abs = strdup(path);
        else if (asprintf(&abs, "%s/%s", base ? base : p->dir, path) < 0)
                abs = NULL;
        if (!abs)
                return -ENOMEM;
        char *normalized = NULL;
        r = path_normalize(abs, &normalized);
        free(abs);
        if (r < 0)
                return r;
        abs = normalized;
        if (strlen(abs) >= PATH_MAX) {
                free(abs);
                return fail_at(p, s, "%s: path is too long (at most %d bytes)", setting_label(s), PATH_MAX - 1);
        }
        for (const char *c = abs; *c;) {
                size_t len = strcspn(++c, "/");
                if (len > NAME_MAX) {
                        free(abs);
                        return fail_at(p, s, "%s: a path component is longer than %d bytes", setting_label(s), NAME_MAX);
                }
                c += len;
        }
        char *escaped = NULL;
        r = escape_raw(abs, &escaped);
        free(escaped);
        if (r < 0) {
                free(abs);
                return fail_at(p, s, "%s: path '%s' cannot be written to a unit (%s)", setting_label(s), path,
                               r == -EBADMSG ? "leading/trailing space or trailing backslash" : value_check_error(r));
        }
        *ret = abs;
        return 0;
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

/* A string list from a string (split like a shell) or an array/list of strings. */
static int get_argv(Parser *p, const config_setting_t *s, char ***ret) {
        _cleanup_strv_free_ char **argv = NULL;
        int r;

        if (config_setting_type(s) == CONFIG_TYPE_STRING) {
                const char *v = NULL;
                r = get_string(p, s, &v);
                if (r < 0)
                        return r;
                r = split_command_line(v, &argv);
                if (r == -ENODATA)
                        return fail_at(p, s, "%s: command line is empty", setting_label(s));
                if (r < 0)
                        return fail_at(p, s, "%s: unbalanced quotes or trailing backslash in '%s'",
                                       setting_label(s), v);
        } else if (config_setting_is_aggregate(s) && config_setting_type(s) != CONFIG_TYPE_GROUP) {
                int n = config_setting_length(s);
                for (int i = 0; i < n; i++) {
                        const config_setting_t *e = config_setting_get_elem(s, (unsigned) i);
                        if (config_setting_type(e) != CONFIG_TYPE_STRING)
                                return fail_at(p, e, "%s: element %d: expected a string, got %s",
                                               setting_label(s), i, type_name(config_setting_type(e)));
                        const char *v = config_setting_get_string(e);
                        r = value_check(v);
                        if (r < 0)
                                return fail_at(p, e, "%s: element %d %s", setting_label(s), i,
                                               value_check_error(r));
                        r = strv_extend(&argv, v);
                        if (r < 0)
                                return r;
                }
                if (!argv || !argv[0][0])
                        return fail_at(p, s, "%s: command line is empty", setting_label(s));
        } else
                return fail_at(p, s, "%s: expected a string or a list of strings, got %s", setting_label(s),
                               type_name(config_setting_type(s)));
        *ret = TAKE_PTR(argv);
        return 0;
}

#define EXEC_LENGTH_MAX (256 * 1024) /* systemd reads no unit line over 1 MiB; quoting can double it */

static int parse_exec(Parser *p, const config_setting_t *s, App *app) {
        strv_free(app->argv);
        app->argv = NULL;
        return get_argv(p, s, &app->argv);
}

static int check_exec_length(Parser *p, const config_setting_t *s, const App *app) {
        size_t total = 0;
        for (size_t i = 0; app->argv && app->argv[i]; i++)
                total += strlen(app->argv[i]) + 1;
        if (total > EXEC_LENGTH_MAX)
                return fail_at(p, s, "%s: the command line is %zu bytes, more than %d", setting_label(s), total,
                               EXEC_LENGTH_MAX);
        return 0;
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

static int parse_enum(Parser *p, const config_setting_t *s, const char *const *table, size_t n, int *ret) {
        const char *v = NULL;
        int r = get_string(p, s, &v);
        if (r < 0)
                return r;
        int i = table_lookup(table, n, v);
        if (i < 0) {
                _cleanup_buffer_ Buffer allowed = {};
                for (size_t k = 0; k < n; k++)
                        if (table[k])
                                buffer_printf(&allowed, "%s\"%s\"", allowed.len ? ", " : "", table[k]);
                return fail_at(p, s, "%s: '%s' is not one of %s", setting_label(s), v, allowed.data);
        }
        *ret = i;
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

static int parse_rollout(Parser *p, const config_setting_t *s, App *app) {
        if (config_setting_type(s) != CONFIG_TYPE_GROUP)
                return fail_at(p, s, "rollout: expected a group { batch = 1; pause = 0.0; grace = 0.5; on_failure = \"stop\"; }");
        int n = config_setting_length(s);
        for (int i = 0; i < n; i++) {
                const config_setting_t *e = config_setting_get_elem(s, (unsigned) i);
                const char *key = config_setting_name(e);
                int r;

                if (streq(key, "batch")) {
                        if (is_integer(e)) {
                                long long b = config_setting_get_int64(e);
                                if (b < 1 || b > INSTANCES_MAX)
                                        return fail_at(p, e, "rollout.batch: %lld is out of range (1 to %d, or \"N%%\")",
                                                       b, INSTANCES_MAX);
                                app->rollout.batch = (unsigned) b;
                                app->rollout.batch_percent = 0;
                        } else if (config_setting_type(e) == CONFIG_TYPE_STRING) {
                                r = batch_spec_parse(config_setting_get_string(e), &app->rollout.batch, &app->rollout.batch_percent);
                                if (r < 0)
                                        return fail_at(p, e, "rollout.batch: '%s' is not a count or a percentage (\"25%%\")",
                                                       config_setting_get_string(e));
                        } else
                                return fail_at(p, e, "rollout.batch: expected an integer or \"N%%\", got %s",
                                               type_name(config_setting_type(e)));
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
                        return fail_at(p, e, "rollout: unknown key '%s' (batch, pause, grace, on_failure)", key);
        }
        return 0;
}

/* script/interpreter/args are collected first and turned into argv once the group is read. */
typedef struct ScriptKeys {
        const config_setting_t *script, *interpreter, *args, *exec;
} ScriptKeys;

typedef int (*KeyParser)(Parser *p, const config_setting_t *s, App *app);

typedef struct KeyTable {
        const char *key;
        KeyParser parse;
} KeyTable;

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
        { "hardening", parse_hardening },
};

static bool path_under(const char *path, const char *dir) {
        size_t n = strlen(dir);
        return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == 0);
}

/* Why the sandbox of `level` hides path from the app (PrivateTmp=yes, in every scope), or NULL.
 * ProtectHome= depends on the scope: render.c checks that. */
static const char *hidden_by_hardening(Hardening level, const char *path) {
        if (level == HARDENING_NONE || !path || path[0] != '/')
                return NULL;
        if (path_under(path, "/tmp") || path_under(path, "/var/tmp"))
                return "PrivateTmp=yes gives each instance its own empty /tmp and /var/tmp";
        return NULL;
}

static int check_not_hidden(Parser *p, const config_setting_t *s, const App *app, const char *path) {
        const char *why = hidden_by_hardening(app->hardening, path);
        if (!why)
                return 0;
        return fail_at(p, s, "%s: %s is hidden from the app by hardening = \"%s\" (%s); move it, or set "
                       "hardening = \"none\"",
                       setting_label(s), path, hardening_to_string(app->hardening), why);
}

static const char *interpreter_for(const char *script) {
        if (endswith(script, ".js") || endswith(script, ".mjs") || endswith(script, ".cjs"))
                return "node";
        if (endswith(script, ".py"))
                return "python3";
        if (endswith(script, ".sh"))
                return "sh";
        return NULL;
}

/* Finds a bare command in PATH, as the shell would; ENOENT when it is nowhere. */
static int find_in_path(const char *name, char **ret) {
        const char *path = getenv("PATH");
        _cleanup_free_ char *copy = strdup(path && *path ? path : "/usr/local/bin:/usr/bin:/bin");
        char *save = NULL;

        if (!copy)
                return -ENOMEM;
        for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
                char *candidate;
                if (dir[0] != '/')
                        continue;
                if (asprintf(&candidate, "%s/%s", dir, name) < 0)
                        return -ENOMEM;
                struct stat st;
                if (stat(candidate, &st) == 0 && S_ISREG(st.st_mode) && access(candidate, X_OK) == 0) {
                        *ret = candidate;
                        return 0;
                }
                free(candidate);
        }
        return -ENOENT;
}

/* argv[0] must be absolute: systemd would read a leading - @ : + ! as flags, and searching
 * PATH at start-up would make the unit depend on the manager's environment. */
static int resolve_argv0(Parser *p, const config_setting_t *s, App *app) {
        char *resolved = NULL;
        const char *cmd = app->argv[0];
        int r;

        if (!*cmd)
                return fail_at(p, s, "%s: the command is empty", setting_label(s));
        /* systemd runs no executable whose name has quotes or backslashes, and substitutes $VAR
         * even in the path the process sees as argv[0]. */
        if (strpbrk(cmd, "\"'\\$"))
                return fail_at(p, s, "%s: the command '%s' has a quote, backslash or '$' in its path, which "
                               "systemd cannot run as written; rename it or use a symlink", setting_label(s), cmd);
        if (strchr(cmd, '/')) {
                r = absolute_path(p, s, cmd, app->cwd, &resolved); /* cwd is ignored for an absolute cmd */
                if (r < 0)
                        return r;
        } else {
                r = find_in_path(cmd, &resolved);
                if (r == -ENOENT)
                        return fail_at(p, s, "%s: command '%s' not found in PATH; give an absolute path",
                                       setting_label(s), cmd);
                if (r < 0)
                        return r;
        }
        free(app->argv[0]);
        app->argv[0] = resolved;
        struct stat st;
        if (streq(resolved, "/") || endswith(resolved, "/") || (stat(resolved, &st) == 0 && S_ISDIR(st.st_mode)))
                return fail_at(p, s, "%s: '%s' is a directory, not a command", setting_label(s), resolved);
        return 0;
}

static int build_argv(Parser *p, const config_setting_t *group, const ScriptKeys *k, App *app) {
        int r;

        if (k->exec && (k->script || k->interpreter || k->args))
                return fail_at(p, k->exec, "exec: give either exec or script (with interpreter/args), not both");
        if (k->exec) {
                r = parse_exec(p, k->exec, app);
                if (r < 0)
                        return r;
                r = resolve_argv0(p, k->exec, app);
                if (r >= 0)
                        r = check_exec_length(p, k->exec, app);
                return r < 0 ? r : check_not_hidden(p, k->exec, app, app->argv[0]);
        }
        if (!k->script) {
                if (k->interpreter || k->args)
                        return fail_at(p, k->interpreter ? k->interpreter : k->args,
                                       "%s: needs a script", config_setting_name(k->interpreter ? k->interpreter : k->args));
                return fail_at(p, group, "app '%s' has neither exec nor script", strempty(app->name));
        }

        const char *script, *interpreter = NULL;
        _cleanup_free_ char *script_path = NULL;
        _cleanup_strv_free_ char **args = NULL;

        r = get_string(p, k->script, &script);
        if (r < 0)
                return r;
        r = absolute_path(p, k->script, script, app->cwd, &script_path);
        if (r < 0)
                return r;
        r = check_not_hidden(p, k->script, app, script_path);
        if (r < 0)
                return r;
        if (k->interpreter) {
                r = get_string(p, k->interpreter, &interpreter);
                if (r < 0)
                        return r;
                if (streq(interpreter, "none"))
                        interpreter = NULL;
        } else
                interpreter = interpreter_for(script);
        if (k->args) {
                r = get_argv(p, k->args, &args);
                if (r < 0)
                        return r;
        }

        if (interpreter) {
                _cleanup_strv_free_ char **interp = NULL;
                r = split_command_line(interpreter, &interp);
                if (r < 0)
                        return fail_at(p, k->interpreter, "interpreter: '%s' is not a command", interpreter);
                for (size_t i = 0; interp[i]; i++)
                        if ((r = strv_extend(&app->argv, interp[i])) < 0)
                                return r;
        }
        if ((r = strv_extend(&app->argv, script_path)) < 0)
                return r;
        for (size_t i = 0; args && args[i]; i++)
                if ((r = strv_extend(&app->argv, args[i])) < 0)
                        return r;
        const config_setting_t *argv0_key = interpreter ? (k->interpreter ? k->interpreter : k->script) : k->script;
        r = resolve_argv0(p, argv0_key, app);
        if (r >= 0)
                r = check_exec_length(p, k->args ? k->args : argv0_key, app);
        return r < 0 ? r : check_not_hidden(p, argv0_key, app, app->argv[0]);
}

static void app_set_defaults(App *app) {
        app->instances = (InstanceSpec) { .relative_to_max = false, .n = 1 };
        app->socket_mode = SOCKET_MODE_SHARED;
        app->hardening = HARDENING_DEFAULT;
        app->ready = READY_NOTIFY;
        app->ready_timeout = DEFAULT_READY_TIMEOUT;
        app->kill_timeout = -1;
        app->restart_delay = DEFAULT_RESTART_DELAY;
        app->rollout = (Rollout) { .batch = 1, .grace = DEFAULT_GRACE, .on_failure = ON_FAILURE_STOP };
}

static const EnvVar *app_find_env(const App *app, const char *name) {
        for (size_t i = 0; i < app->n_env; i++)
                if (streq(app->env[i].name, name))
                        return &app->env[i];
        return NULL;
}

/* Checks that only make sense once every key of the app is known. */
static int validate_app(Parser *p, const config_setting_t *group, App *app) {
        if (!app->name)
                return fail_at(p, group, "app has no name (name = \"web\";)");
        const char *why = hidden_by_hardening(app->hardening, app->cwd);
        if (why) {
                const config_setting_t *s = config_setting_lookup((config_setting_t *) group, "cwd");
                return fail_at(p, s ? s : group,
                               "cwd: %s is hidden from the app by hardening = \"%s\" (%s); move it, or set "
                               "hardening = \"none\"",
                               app->cwd, hardening_to_string(app->hardening), why);
        }
        if (!app->instance_var && !(app->instance_var = strdup(DEFAULT_INSTANCE_VAR)))
                return -ENOMEM;
        if (!app->restart && !(app->restart = strdup("always")))
                return -ENOMEM;
        if (app->increment_var) {
                const config_setting_t *s = config_setting_lookup((config_setting_t *) group, "increment_var");
                const EnvVar *base = app_find_env(app, app->increment_var);
                char *end;
                if (!base)
                        return fail_at(p, s, "increment_var: env.%s must be set to the first instance's value",
                                       app->increment_var);
                errno = 0;
                app->increment_base = strtol(base->value, &end, 10);
                if (errno || *end || !*base->value || app->increment_base < 0 || app->increment_base > 1000000000)
                        return fail_at(p, s, "increment_var: env.%s = \"%s\" is not a non-negative integer",
                                       app->increment_var, base->value);
                if (streq(app->increment_var, app->instance_var))
                        return fail_at(p, s, "increment_var: '%s' is already the instance_var", app->increment_var);
        }
        if (app->socket_mode == SOCKET_MODE_REUSEPORT)
                for (size_t i = 0; app->listen && app->listen[i]; i++)
                        if (app->listen[i][0] == '/')
                                return fail_at(p, config_setting_lookup((config_setting_t *) group, "listen"),
                                               "listen: unix socket '%s' cannot be used with socket_mode = "
                                               "\"reuseport\" (the kernel balances only TCP); use \"shared\"",
                                               app->listen[i]);
        return 0;
}

static int parse_app(Parser *p, const config_setting_t *group, App *ret) {
        _cleanup_(app_done) App app = {};
        ScriptKeys script = {};
        int r;

        if (config_setting_type(group) != CONFIG_TYPE_GROUP)
                return fail_at(p, group, "expected an app group { name = …; exec = …; }, got %s",
                               type_name(config_setting_type(group)));
        app_set_defaults(&app);

        int n = config_setting_length(group);
        for (int i = 0; i < n; i++) {
                const config_setting_t *s = config_setting_get_elem(group, (unsigned) i);
                const char *key = config_setting_name(s);
                bool found = false;

                if (streq(key, "exec"))
                        script.exec = s, found = true;
                else if (streq(key, "script"))
                        script.script = s, found = true;
                else if (streq(key, "interpreter"))
                        script.interpreter = s, found = true;
                else if (streq(key, "args"))
                        script.args = s, found = true;
                for (size_t k = 0; !found && k < ELEMENTSOF(keys); k++)
                        if (streq(keys[k].key, key)) {
                                r = keys[k].parse(p, s, &app);
                                if (r < 0)
                                        return r;
                                found = true;
                        }
                if (!found)
                        return fail_at(p, s, "unknown key '%s'", key);
        }
        if (!app.cwd) {
                _cleanup_free_ char *escaped = NULL;
                if (escape_raw(p->dir, &escaped) < 0)
                        return fail_at(p, group, "cwd: the config's directory '%s' cannot be a working directory in "
                                       "a unit (leading/trailing space or backslash); set cwd", p->dir);
                if (!(app.cwd = strdup(p->dir)))
                        return -ENOMEM;
        }
        r = build_argv(p, group, &script, &app);
        if (r < 0)
                return r;
        r = validate_app(p, group, &app);
        if (r < 0)
                return r;
        if (!(app.config_path = strdup(p->path)))
                return -ENOMEM;
        *ret = app;
        app = (App) {};
        return 0;
}

static int parse_root(Parser *p, config_t *cfg, AppList *ret) {
        _cleanup_(app_list_done) AppList list = {};
        const config_setting_t *root = config_root_setting(cfg);
        const config_setting_t *apps = config_setting_get_member(root, "apps");
        int r;

        if (apps) {
                if (config_setting_length(root) != 1) {
                        for (int i = 0; i < config_setting_length(root); i++) {
                                const config_setting_t *s = config_setting_get_elem(root, (unsigned) i);
                                if (s != apps)
                                        return fail_at(p, s, "unknown key '%s' beside apps = ( … ) (put it inside an app)",
                                                       config_setting_name(s));
                        }
                }
                if (config_setting_type(apps) != CONFIG_TYPE_LIST)
                        return fail_at(p, apps, "apps: expected a list ( { … }, { … } ), got %s",
                                       type_name(config_setting_type(apps)));
                int n = config_setting_length(apps);
                if (n == 0)
                        return fail_at(p, apps, "apps: the list is empty");
                list.apps = calloc((size_t) n, sizeof(App));
                if (!list.apps)
                        return -ENOMEM;
                for (int i = 0; i < n; i++) {
                        const config_setting_t *a = config_setting_get_elem(apps, (unsigned) i);
                        r = parse_app(p, a, &list.apps[list.n_apps]);
                        if (r < 0)
                                return r;
                        list.n_apps++;
                        for (size_t k = 0; k + 1 < list.n_apps; k++)
                                if (streq(list.apps[k].name, list.apps[list.n_apps - 1].name))
                                        return fail_at(p, a, "app '%s' is defined twice", list.apps[k].name);
                }
        } else {
                if (config_setting_length(root) == 0)
                        return fail_at(p, NULL, "no app defined (expected name = …; exec = …; or apps = ( … );)");
                list.apps = calloc(1, sizeof(App));
                if (!list.apps)
                        return -ENOMEM;
                r = parse_app(p, root, &list.apps[0]);
                if (r < 0)
                        return r;
                list.n_apps = 1;
        }
        *ret = list;
        list = (AppList) {};
        return 0;
}

static void config_destroyp(config_t **c) {
        if (*c)
                config_destroy(*c);
}

static int config_load(const char *text, const char *path, AppList *ret, ConfigError *ret_error) {
        config_t cfg;
        _cleanup_(config_destroyp) config_t *cfgp = NULL;
        _cleanup_free_ char *abs = NULL, *dir_buf = NULL;
        ConfigError error = {};
        Parser p = { .error = &error };
        int r;

        abs = path[0] == '/' ? strdup(path) : realpath(path, NULL);
        if (!abs) {
                char cwd[PATH_MAX];
                if (!getcwd(cwd, sizeof(cwd)) || asprintf(&abs, "%s/%s", cwd, path) < 0)
                        return -ENOMEM;
        }
        _cleanup_free_ char *normalized = NULL;
        if (path_normalize(abs, &normalized) < 0)
                return -ENOMEM;
        free(abs);
        abs = TAKE_PTR(normalized);
        if (!(dir_buf = strdup(abs)))
                return -ENOMEM;
        p.path = abs;
        p.dir = dirname(dir_buf);
        r = value_check(abs);
        if (r < 0 || abs[strlen(abs) - 1] == ' ' || abs[strlen(abs) - 1] == '\\') {
                error.file = strdup(path);
                error.message = strdup("the config's path cannot be named in a unit file (control character, "
                                       "invalid UTF-8 or trailing space/backslash); rename it");
                *ret_error = error;
                return -EINVAL;
        }

        config_init(&cfg);
        cfgp = &cfg;
        config_set_include_dir(&cfg, p.dir);
        if (text ? config_read_string(&cfg, text) != CONFIG_TRUE : config_read_file(&cfg, path) != CONFIG_TRUE) {
                if (config_error_type(&cfg) == CONFIG_ERR_FILE_IO) {
                        error.file = strdup(path);
                        r = asprintf(&error.message, "cannot read: %s", strerror(errno ? errno : EIO));
                        *ret_error = error;
                        return -EIO;
                }
                const char *f = config_error_file(&cfg);
                error.file = strdup(f ? f : abs);
                error.line = config_error_line(&cfg);
                error.message = strdup(strempty(config_error_text(&cfg)));
                *ret_error = error;
                return -EINVAL;
        }

        r = parse_root(&p, &cfg, ret);
        if (r < 0) {
                if (!error.message) {
                        error.file = strdup(abs);
                        error.message = strdup(strerror(-r));
                }
                *ret_error = error;
                return r;
        }
        return 0;
}

int config_load_file(const char *path, AppList *ret, ConfigError *ret_error) {
        struct stat st;

        if (stat(path, &st) < 0) {
                int r = -errno;
                ret_error->file = strdup(path);
                ret_error->line = 0;
                ret_error->message = strdup(strerror(-r));
                return r;
        }
        if (!S_ISREG(st.st_mode)) {
                ret_error->file = strdup(path);
                ret_error->line = 0;
                ret_error->message = strdup("not a regular file");
                return -EINVAL;
        }
        return config_load(NULL, path, ret, ret_error);
}

int config_load_string(const char *text, const char *path, AppList *ret, ConfigError *ret_error) {
        return config_load(text, path, ret, ret_error);
}
