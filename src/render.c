/* App → unit file text from the embedded templates. Every value from a config passes through
 * escape.c before it reaches a template. */
#include "render.h"

#include "escape.h"
#include "hardening.h"
#include "listen.h"
#include "templates.h"
#include "util.h"

static void strv_freep_array(char ***l) {
        strv_free(*l);
}

/* One value for a placeholder (NULL value: the line is dropped). */
static int one(char ***l, const char *v) {
        if (!v)
                return 0;
        return strv_extend(l, v);
}

static int seconds_value(double s, char ***l) {
        char buf[64];
        if (s < 0)
                return 0;
        /* systemd reads "1.5s"; keep it exact to the millisecond. */
        snprintf(buf, sizeof(buf), "%.3fs", s);
        return strv_extend(l, buf);
}

static char *dup_error(const char *fmt, const char *what, int r) {
        char *s;
        if (asprintf(&s, fmt, what, r == -EBADMSG ? "leading/trailing space or trailing backslash" : value_check_error(r)) < 0)
                return NULL;
        return s;
}

/* The values of every placeholder for an app. Indices match enum below. */
enum {
        V_APP,
        V_CONFIG_COMMENT,
        V_SOCKET,
        V_SHARED_SOCKET,
        V_TRIGGER_SERVICE,
        V_TYPE,
        V_NOTIFY_ACCESS,
        V_EXEC_START,
        V_CWD,
        V_USER,
        V_GROUP,
        V_DYNAMIC_USER,
        V_STATE_DIRECTORY,
        V_ENV_FILE,
        V_ENVIRONMENT,
        V_INSTANCE_ENV,
        V_READY_TIMEOUT,
        V_KILL_TIMEOUT,
        V_KILL_SIGNAL,
        V_RESTART,
        V_RESTART_DELAY,
        V_WATCHDOG,
        V_MEMORY_MAX,
        V_CPU_WEIGHT,
        V_WANTED_BY,
        V_LISTEN,
        V_NONBLOCKING,
        V_START_LIMIT_INTERVAL,
        V_HARDENING,
        V_NODE_COMPAT_ENV,
        V_RELOAD_TIMER,
        V_ON_CALENDAR,
        V_RELOAD_COMMAND,
        _V_MAX,
};

static const char *const var_keys[_V_MAX] = {
        [V_APP] = "APP",
        [V_CONFIG_COMMENT] = "CONFIG_COMMENT",
        [V_SOCKET] = "SOCKET",
        [V_SHARED_SOCKET] = "SHARED_SOCKET",
        [V_TRIGGER_SERVICE] = "TRIGGER_SERVICE",
        [V_TYPE] = "TYPE",
        [V_NOTIFY_ACCESS] = "NOTIFY_ACCESS",
        [V_EXEC_START] = "EXEC_START",
        [V_CWD] = "CWD",
        [V_USER] = "USER",
        [V_GROUP] = "GROUP",
        [V_DYNAMIC_USER] = "DYNAMIC_USER",
        [V_STATE_DIRECTORY] = "STATE_DIRECTORY",
        [V_ENV_FILE] = "ENV_FILE",
        [V_ENVIRONMENT] = "ENVIRONMENT",
        [V_INSTANCE_ENV] = "INSTANCE_ENV",
        [V_READY_TIMEOUT] = "READY_TIMEOUT",
        [V_KILL_TIMEOUT] = "KILL_TIMEOUT",
        [V_KILL_SIGNAL] = "KILL_SIGNAL",
        [V_RESTART] = "RESTART",
        [V_RESTART_DELAY] = "RESTART_DELAY",
        [V_WATCHDOG] = "WATCHDOG",
        [V_MEMORY_MAX] = "MEMORY_MAX",
        [V_CPU_WEIGHT] = "CPU_WEIGHT",
        [V_WANTED_BY] = "WANTED_BY",
        [V_LISTEN] = "LISTEN",
        [V_NONBLOCKING] = "NONBLOCKING",
        [V_START_LIMIT_INTERVAL] = "START_LIMIT_INTERVAL",
        [V_HARDENING] = "HARDENING",
        [V_NODE_COMPAT_ENV] = "NODE_COMPAT_ENV",
        [V_RELOAD_TIMER] = "RELOAD_TIMER",
        [V_ON_CALENDAR] = "ON_CALENDAR",
        [V_RELOAD_COMMAND] = "RELOAD_COMMAND",
};

typedef struct Values {
        char **v[_V_MAX];
} Values;

static void values_done(Values *vals) {
        for (size_t i = 0; i < _V_MAX; i++)
                strv_freep_array(&vals->v[i]);
}

static int exec_start_value(const App *app, char **ret, char **ret_error) {
        _cleanup_buffer_ Buffer b = {};

        for (size_t i = 0; app->argv[i]; i++) {
                _cleanup_free_ char *q = NULL, *preload = NULL;
                int r = i == 0 ? quote_exec_path(app->argv[i], &q) : quote_exec_arg(app->argv[i], &q);
                /* node_compat: node -r PRELOAD, before node's own options and the script. */
                if (r >= 0 && i == 0 && app->node_compat == NODE_COMPAT_PM2)
                        r = quote_exec_arg(app->node_preload, &preload);
                if (r < 0) {
                        *ret_error = dup_error("exec: argument '%s' %s", preload || i ? app->argv[i] : app->node_preload, r);
                        return r;
                }
                if (buffer_printf(&b, "%s%s%s%s", i ? " " : "", q, preload ? " -r " : "", strempty(preload)) < 0)
                        return -ENOMEM;
        }
        *ret = buffer_steal(&b);
        return 0;
}

static int raw_value(char ***l, const char *what, const char *v, char **ret_error) {
        char *e = NULL;
        int r;

        if (!v)
                return 0;
        r = escape_raw(v, &e);
        if (r < 0) {
                *ret_error = dup_error("%s %s", what, r);
                return r;
        }
        return strv_push(l, e);
}

/* node_compat's variables for the preload, and the cron_restart timer's values. */
static int fill_pm2_values(const App *app, Scope scope, Values *vals, char **ret_error) {
        _cleanup_free_ char *timer = NULL, *path = NULL, *command = NULL;
        int r;

        if (app->node_compat == NODE_COMPAT_PM2 &&
            ((r = one(&vals->v[V_NODE_COMPAT_ENV], app->ready == READY_LISTEN ? "CLUSTERCTL_PM2_READY=listen"
                                                                              : "CLUSTERCTL_PM2_READY=message")) < 0 ||
             (r = one(&vals->v[V_NODE_COMPAT_ENV], app->shutdown_with_message ? "CLUSTERCTL_PM2_SHUTDOWN=message"
                                                                               : "CLUSTERCTL_PM2_SHUTDOWN=signal")) < 0))
                return r;
        if (!app->cron_calendar)
                return 0;
        r = quote_exec_path(app->clusterctl_path, &path);
        if (r < 0) {
                *ret_error = dup_error("cron_restart: the path of clusterctl, '%s', %s", app->clusterctl_path, r);
                return r;
        }
        if (asprintf_safe(&timer, "%s.reload.timer", app->name) < 0 ||
            asprintf_safe(&command, "%s %s reload %s --wait", path, scope == SCOPE_SYSTEM ? "--system" : "--user",
                          app->name) < 0 ||
            (r = one(&vals->v[V_RELOAD_TIMER], timer)) < 0 || (r = one(&vals->v[V_RELOAD_COMMAND], command)) < 0)
                return -ENOMEM;
        for (size_t i = 0; app->cron_calendar[i]; i++)
                if ((r = one(&vals->v[V_ON_CALENDAR], app->cron_calendar[i])) < 0)
                        return r;
        return 0;
}

static int fill_values(const App *app, Scope scope, const SandboxLimits *limits, Values *vals, char **ret_error) {
        char **(*v) = vals->v;
        _cleanup_free_ char *exec = NULL, *socket = NULL, *instance_env = NULL, *trigger = NULL;
        bool has_listen = app->listen && app->listen[0];
        int r;

        /* Without a user the system manager would run the instances as root: they get a dynamic
         * user instead, named after the app, and a state directory that user can write. */
        bool dynamic_user = scope == SCOPE_SYSTEM && !app->user;
        if (dynamic_user && app->group) {
                *ret_error = strdup("group is set without user: set user = \"NAME\" too (without user, the "
                                    "instances run as a dynamic user with a group of its own)");
                return -EPERM;
        }
        /* ProtectHome=yes (strict, system scope) hides /home, /root and /run/user entirely. */
        static const char *const homes[] = { "/home", "/root", "/run/user" };
        const char *paths[] = { app->cwd, app->argv[0], app->argv[0] ? app->argv[1] : NULL };
        for (size_t i = 0; scope == SCOPE_SYSTEM && app->hardening == HARDENING_STRICT && i < ELEMENTSOF(paths); i++)
                for (size_t h = 0; paths[i] && paths[i][0] == '/' && h < ELEMENTSOF(homes); h++) {
                        size_t n = strlen(homes[h]);
                        if (strncmp(paths[i], homes[h], n) == 0 && (paths[i][n] == '/' || !paths[i][n])) {
                                asprintf_safe(ret_error, "%s is under %s, which hardening = \"strict\" hides from "
                                              "system services (ProtectHome=yes); move the app, or use "
                                              "hardening = \"default\"", paths[i], homes[h]);
                                return -EPERM;
                        }
                }
        if (scope == SCOPE_USER && (app->user || app->group)) {
                *ret_error = strdup("user/group can only be set for the system manager (--system); a user "
                                    "manager runs everything as its own user");
                return -EPERM;
        }

        r = exec_start_value(app, &exec, ret_error);
        if (r < 0)
                return r;
        if (has_listen) {
                if (app->socket_mode == SOCKET_MODE_SHARED)
                        r = asprintf_safe(&socket, "%s.socket", app->name);
                else
                        r = asprintf_safe(&socket, "%s@%%i.socket", app->name);
                if (r < 0)
                        return r;
        }
        /* %i is the instance specifier, meant here; the variable name is validated. */
        r = asprintf_safe(&instance_env, "\"%s=%%i\"", app->instance_var);
        if (r < 0)
                return r;
        r = asprintf_safe(&trigger, "%s@0.service", app->name);
        if (r < 0)
                return r;

        if ((r = one(&v[V_APP], app->name)) < 0 || (r = one(&v[V_CONFIG_COMMENT], app->config_path)) < 0 ||
            (r = one(&v[V_SOCKET], socket)) < 0 ||
            (r = one(&v[V_SHARED_SOCKET], app->socket_mode == SOCKET_MODE_SHARED ? socket : NULL)) < 0 ||
            (r = one(&v[V_TRIGGER_SERVICE], trigger)) < 0 ||
            (r = one(&v[V_NONBLOCKING], has_listen && app->socket_mode == SOCKET_MODE_SHARED ? "yes" : NULL)) < 0 ||
            (r = one(&v[V_START_LIMIT_INTERVAL], has_listen && app->socket_mode == SOCKET_MODE_SHARED ? "0" : NULL)) < 0 ||
            (r = hardening_lines(app->hardening, scope, limits, &v[V_HARDENING])) < 0 ||
            (r = one(&v[V_TYPE], app->ready == READY_EXEC ? "exec" : "notify")) < 0 ||
            (r = one(&v[V_NOTIFY_ACCESS], app->ready == READY_EXEC ? NULL : "all")) < 0 ||
            (r = one(&v[V_EXEC_START], exec)) < 0 || (r = one(&v[V_INSTANCE_ENV], instance_env)) < 0 ||
            (r = one(&v[V_KILL_SIGNAL], app->kill_signal)) < 0 || (r = one(&v[V_RESTART], app->restart)) < 0 ||
            (r = one(&v[V_MEMORY_MAX], app->memory_max)) < 0 ||
            (r = one(&v[V_DYNAMIC_USER], dynamic_user ? "yes" : NULL)) < 0 ||
            (r = one(&v[V_STATE_DIRECTORY], dynamic_user ? app->name : NULL)) < 0 ||
            (r = one(&v[V_WANTED_BY], scope == SCOPE_SYSTEM ? "multi-user.target" : "default.target")) < 0)
                return r;
        if ((r = raw_value(&v[V_CWD], "cwd", app->cwd, ret_error)) < 0 ||
            (r = raw_value(&v[V_USER], "user", app->user, ret_error)) < 0 ||
            (r = raw_value(&v[V_GROUP], "group", app->group, ret_error)) < 0 ||
            (r = raw_value(&v[V_ENV_FILE], "env_file", app->env_file, ret_error)) < 0)
                return r;
        if ((r = seconds_value(app->ready_timeout, &v[V_READY_TIMEOUT])) < 0 ||
            (r = seconds_value(app->kill_timeout, &v[V_KILL_TIMEOUT])) < 0 ||
            (r = seconds_value(app->restart_delay, &v[V_RESTART_DELAY])) < 0 ||
            (app->watchdog > 0 && (r = seconds_value(app->watchdog, &v[V_WATCHDOG])) < 0))
                return r;
        if (app->cpu_weight > 0) {
                char buf[16];
                snprintf(buf, sizeof(buf), "%d", app->cpu_weight);
                if ((r = strv_extend(&v[V_CPU_WEIGHT], buf)) < 0)
                        return r;
        }
        for (size_t i = 0; i < app->n_env; i++) {
                char *q = NULL;
                r = quote_env_assignment(app->env[i].name, app->env[i].value, &q);
                if (r < 0) {
                        *ret_error = dup_error("env.%s: value %s", app->env[i].name, r);
                        return r;
                }
                if ((r = strv_push(&v[V_ENVIRONMENT], q)) < 0)
                        return r;
        }
        for (size_t i = 0; has_listen && app->listen[i]; i++)
                if ((r = raw_value(&v[V_LISTEN], "listen", app->listen[i], ret_error)) < 0)
                        return r;
        return fill_pm2_values(app, scope, vals, ret_error);
}

static int render_one(const char *tmpl, const Values *vals, const App *app, char *const *extra, UnitSet *set,
                      const char *path) {
        TemplateVar vars[_V_MAX];
        _cleanup_free_ char *body = NULL;
        char *text = NULL;
        int r;

        for (size_t i = 0; i < _V_MAX; i++)
                vars[i] = (TemplateVar) { .key = var_keys[i], .values = vals->v[i] };
        r = render_template(tmpl, vars, _V_MAX, &body);
        if (r < 0)
                return r;
        r = append_marker(body, app->name, app->config_path, extra, &text);
        if (r < 0)
                return r;
        return unit_set_add(set, path, text);
}

int render_app_units(const App *app, Scope scope, const SandboxLimits *limits, UnitSet *ret, char **ret_error) {
        _cleanup_(values_done) Values vals = {};
        _cleanup_(unit_set_done) UnitSet set = {};
        _cleanup_free_ char *service = NULL, *target = NULL, *socket = NULL, *increment = NULL;
        int r;

        *ret_error = NULL;
        /* The config path is written into comments and the marker: it must be plain text. */
        _cleanup_free_ char *config_escaped = NULL;
        r = escape_raw(app->config_path, &config_escaped);
        if (r < 0) {
                *ret_error = dup_error("config path '%s' cannot be named in a unit file (%s)", app->config_path, r);
                return r;
        }
        r = fill_values(app, scope, limits, &vals, ret_error);
        if (r < 0)
                return r;
        if (asprintf_safe(&service, "%s@.service", app->name) < 0 || asprintf_safe(&target, "%s.target", app->name) < 0)
                return -ENOMEM;
        /* scale renders new instances' drop-ins from this, without reading the config again. */
        if (app->increment_var && asprintf_safe(&increment, "IncrementVar=%s:%ld", app->increment_var, app->increment_base) < 0)
                return -ENOMEM;
        char *const service_extra[] = { increment, NULL };
        if ((r = render_one(units_service_in, &vals, app, service_extra, &set, service)) < 0 ||
            (r = render_one(units_target_in, &vals, app, NULL, &set, target)) < 0) {
                *ret_error = strdup("internal error: a unit template could not be rendered");
                return r;
        }
        if (app->cron_calendar) {
                _cleanup_free_ char *timer = NULL, *reload = NULL;
                if (asprintf_safe(&timer, "%s.reload.timer", app->name) < 0 ||
                    asprintf_safe(&reload, "%s.reload.service", app->name) < 0)
                        return -ENOMEM;
                if ((r = render_one(units_reload_timer_in, &vals, app, NULL, &set, timer)) < 0 ||
                    (r = render_one(units_reload_service_in, &vals, app, NULL, &set, reload)) < 0) {
                        *ret_error = strdup("internal error: the cron_restart templates could not be rendered");
                        return r;
                }
        }
        if (app->listen && app->listen[0]) {
                bool shared = app->socket_mode == SOCKET_MODE_SHARED;
                if (asprintf_safe(&socket, shared ? "%s.socket" : "%s@.socket", app->name) < 0)
                        return -ENOMEM;
                r = render_one(shared ? units_socket_shared_in : units_socket_reuseport_in, &vals, app, NULL, &set,
                               socket);
                if (r < 0) {
                        *ret_error = strdup("internal error: the socket template could not be rendered");
                        return r;
                }
        }
        *ret = set;
        set = (UnitSet) {};
        return 0;
}

int render_instance_dropin_path(const char *app, unsigned index, char **ret) {
        return unit_name_instance(app, index, ".service.d/" INSTANCE_DROPIN, ret);
}

int render_instance_dropin(const App *app, unsigned index, UnitFile **ret) {
        _cleanup_free_ char *assignment = NULL, *body = NULL, *value = NULL, *path = NULL;
        _cleanup_strv_free_ char **app_v = NULL, **config_v = NULL, **env_v = NULL;
        UnitFile *f;
        int r;

        *ret = NULL;
        if (!app->increment_var)
                return 0;
        if (asprintf_safe(&value, "%ld", app->increment_base + (long) index) < 0)
                return -ENOMEM;
        r = quote_env_assignment(app->increment_var, value, &assignment);
        if (r < 0)
                return r;
        if (strv_extend(&app_v, app->name) < 0 || strv_extend(&config_v, app->config_path) < 0 ||
            strv_push(&env_v, TAKE_PTR(assignment)) < 0)
                return -ENOMEM;
        const TemplateVar vars[] = {
                { "APP", app_v },
                { "CONFIG_COMMENT", config_v },
                { "INSTANCE_ENVIRONMENT", env_v },
        };
        r = render_template(units_instance_dropin_in, vars, ELEMENTSOF(vars), &body);
        if (r < 0)
                return r;
        r = render_instance_dropin_path(app->name, index, &path);
        if (r < 0)
                return r;
        if (!(f = calloc(1, sizeof(*f))))
                return -ENOMEM;
        r = append_marker(body, app->name, app->config_path, NULL, &f->text);
        if (r < 0) {
                free(f);
                return r;
        }
        f->path = TAKE_PTR(path);
        *ret = f;
        return 0;
}

int render_instance_dropins(const App *app, unsigned count, UnitSet *set) {
        for (unsigned k = 0; k < count; k++) {
                UnitFile *f;
                int r = render_instance_dropin(app, k, &f);
                if (r < 0)
                        return r;
                if (!f)
                        break;
                r = unit_set_add(set, f->path, f->text);
                free(f->path);
                free(f);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* The whole set of files an app should have at `count` instances. */
int render_app_all(const App *app, Scope scope, const SandboxLimits *limits, unsigned count, UnitSet *ret,
                   char **ret_error) {
        _cleanup_(unit_set_done) UnitSet set = {};
        int r;

        r = render_app_units(app, scope, limits, &set, ret_error);
        if (r < 0)
                return r;
        if ((r = render_instance_dropins(app, count, &set)) < 0)
                return r;
        *ret = set;
        set = (UnitSet) {};
        return 0;
}


