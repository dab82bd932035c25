/* libconfig file → validated App descriptions, with file:line on every error. */
#include "config.h"

#include <libgen.h>
#include <limits.h>
#include <sys/stat.h>

#include "config-parser.h"
#include "escape.h"
#include "hardening.h"
#include "listen.h"

#define DEFAULT_INSTANCE_VAR "NODE_APP_INSTANCE"
#define DEFAULT_READY_TIMEOUT 30.0
#define DEFAULT_RESTART_DELAY 1.0
#define CONFIG_SIZE_MAX (4 * 1024 * 1024)

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
        free(app->user_source.file);
        free(app->group_source.file);
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
        free(app->node_preload);
        free(app->cron_restart);
        strv_free(app->cron_calendar);
        free(app->clusterctl_path);
        *app = (App) {};
}

void app_list_done(AppList *l) {
        for (size_t i = 0; i < l->n_apps; i++)
                app_done(&l->apps[i]);
        free(l->apps);
        *l = (AppList) {};
}


static void app_set_defaults(App *app) {
        app->instances = (InstanceSpec) { .relative_to_max = false, .n = 1 };
        app->socket_mode = SOCKET_MODE_SHARED;
        app->hardening = HARDENING_DEFAULT;
        app->ready = READY_NOTIFY;
        app->ready_timeout = DEFAULT_READY_TIMEOUT;
        app->kill_timeout = -1;
        app->restart_delay = DEFAULT_RESTART_DELAY;
        app->rollout = (Rollout) { .batch = 1, .surge_percent = ROLLOUT_DEFAULT_SURGE_PERCENT,
                                   .grace = ROLLOUT_DEFAULT_GRACE, .on_failure = ON_FAILURE_STOP };
        app->history_limit = HISTORY_LIMIT_DEFAULT;
}

static const EnvVar *app_find_env(const App *app, const char *name) {
        for (size_t i = 0; i < app->n_env; i++)
                if (streq(app->env[i].name, name))
                        return &app->env[i];
        return NULL;
}

/* Where a key was set, for errors found later (an account missing where the app runs). */
static int record_source(const Parser *p, const config_setting_t *group, const char *key, ConfigSource *ret) {
        const config_setting_t *s = config_setting_lookup((config_setting_t *) group, key);
        if (!s)
                return 0;
        if (!(ret->file = setting_file(p, s)))
                return -ENOMEM;
        ret->line = (int) config_setting_source_line(s);
        return 0;
}

/* Checks that only make sense once every key of the app is known. */
static int validate_app(Parser *p, const config_setting_t *group, App *app) {
        int r;

        if (!app->name)
                return fail_at(p, group, "app has no name (name = \"web\";)");
        if ((r = record_source(p, group, "user", &app->user_source)) < 0 ||
            (r = record_source(p, group, "group", &app->group_source)) < 0)
                return r;
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
        /* Only a notify app can ping the watchdog: with ready = "exec" the manager would ignore it. */
        if (app->watchdog > 0 && app->ready != READY_NOTIFY)
                return fail_at(p, config_setting_lookup((config_setting_t *) group, "watchdog"),
                               "watchdog: needs ready = \"notify\" (the app sends WATCHDOG=1 the way it sends "
                               "READY=1)");
        if (app->socket_mode == SOCKET_MODE_REUSEPORT)
                for (size_t i = 0; app->listen && app->listen[i]; i++)
                        if (listen_address_is_unix(app->listen[i]))
                                return fail_at(p, config_setting_lookup((config_setting_t *) group, "listen"),
                                               "listen: unix socket '%s' cannot be used with socket_mode = "
                                               "\"reuseport\" (the kernel balances only TCP); use \"shared\"",
                                               app->listen[i]);
        return validate_pm2_keys(p, group, app);
}

/* cwd defaults to the config's directory, as PM2 uses the ecosystem file's. It is checked as a
 * cwd key would be: config_load_string() takes any path, which no file on disk need have. */
static int default_cwd(Parser *p, const config_setting_t *group, App *app) {
        _cleanup_free_ char *escaped = NULL;
        const char *why = path_length_problem(p->dir);

        if (!why && escape_raw(p->dir, &escaped) < 0)
                why = "leading/trailing space or backslash";
        if (why)
                return fail_at(p, group, "cwd: the config's directory '%s' cannot be a working directory in a unit "
                               "(%s); set cwd", p->dir, why);
        return (app->cwd = strdup(p->dir)) ? 0 : -ENOMEM;
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
                KeyParser parse = found ? NULL : config_key_parser(key);
                if (parse) {
                        r = parse(p, s, &app);
                        if (r < 0)
                                return r;
                        found = true;
                }
                if (!found)
                        return fail_at(p, s, "unknown key '%s'", key);
        }
        if (!app.cwd && (r = default_cwd(p, group, &app)) < 0)
                return r;
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

static bool same_file(const char *a, const char *b) {
        struct stat sa, sb;
        return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* The config's path as Config= records it and its directory becomes the default cwd: absolute
 * (a relative name joined to the current directory) and normalized, so a symlinked config keeps
 * the directory it was named in. Only where a ".." went up out of a symlinked directory, which
 * the kernel follows, is the directory resolved as the kernel did. A path no file has (a config
 * sent over ssh) is taken as written. */
static int config_absolute_path(const char *path, char **ret) {
        _cleanup_free_ char *abs = NULL, *normalized = NULL, *dir = NULL, *base = NULL, *real_dir = NULL;

        if (path[0] == '/')
                abs = strdup(path);
        else {
                char cwd[PATH_MAX];
                if (!getcwd(cwd, sizeof(cwd)) || asprintf(&abs, "%s/%s", cwd, path) < 0)
                        abs = NULL;
        }
        if (!abs || path_normalize(abs, &normalized) < 0)
                return -ENOMEM;
        if (!(dir = strdup(abs)) || !(base = strdup(abs)))
                return -ENOMEM;
        if (access(path, F_OK) < 0 || same_file(path, normalized) || !(real_dir = realpath(dirname(dir), NULL))) {
                *ret = TAKE_PTR(normalized);
                return 0;
        }
        return asprintf_safe(ret, "%s/%s", streq(real_dir, "/") ? "" : real_dir, basename(base)) < 0 ? -ENOMEM : 0;
}

static int config_load(const char *text, const char *path, AppList *ret, ConfigError *ret_error) {
        config_t cfg;
        _cleanup_(config_destroyp) config_t *cfgp = NULL;
        _cleanup_free_ char *abs = NULL, *dir_buf = NULL;
        ConfigError error = {};
        Parser p = { .error = &error };
        int r;

        if ((r = config_absolute_path(path, &abs)) < 0)
                return r;
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
        /* From a string, also for a file (read by config_load_file): libconfig would keep the
         * name as given, relative to wherever clusterctl ran, and leave no errno worth reporting
         * for a file it cannot read. Settings of the main text have no file: p.path is theirs. */
        if (config_read_string(&cfg, text) != CONFIG_TRUE) {
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
        _cleanup_free_ char *text = NULL;
        int r = read_full_file(path, CONFIG_SIZE_MAX, &text);

        if (r < 0) {
                *ret_error = (ConfigError) { .file = strdup(path) };
                if (r == -EISDIR || r == -EBADF)
                        ret_error->message = strdup("not a regular file");
                else if (r == -EBADMSG)
                        ret_error->message = strdup("not a text file (it contains a NUL byte)");
                else if (r == -EFBIG)
                        ret_error->message = strdup("too large for a config (over 4 MiB)");
                else
                        (void) asprintf_safe(&ret_error->message, "cannot read: %s", strerror(-r));
                return r == -EISDIR || r == -EBADF || r == -EBADMSG || r == -EFBIG ? -EINVAL : r;
        }
        return config_load(text, path, ret, ret_error);
}

int config_load_string(const char *text, const char *path, AppList *ret, ConfigError *ret_error) {
        return config_load(text, path, ret, ret_error);
}
