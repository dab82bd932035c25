/* Fuzz input → App; see appgen.h. The validation mirrors src/config.c by calling the same
 * validators it calls (value_check, escape_raw, path_normalize, user_name_is_valid, …), so an App
 * made here in valid mode is one a config could have produced. */
#include "appgen.h"

#include <limits.h>
#include <libgen.h>
#include <math.h>

#include "config-parser.h"
#include "escape.h"
#include "listen.h"
#include "sdreader.h"
#include "util.h"

#define VALUE_REPEAT_MAX 40000
#define RECORD_COUNT_MAX 64
#define DEFAULT_CONFIG "/etc/clusterctl/fuzz.conf"

static char *xstrdup(const char *s) {
        char *c = strdup(s);
        if (!c)
                abort();
        return c;
}

static void xstrv_extend(char ***l, const char *s) {
        if (strv_extend(l, s) < 0)
                abort();
}

static void set(char **field, const char *value) {
        free(*field);
        *field = value ? xstrdup(value) : NULL;
}

typedef struct Record {
        char key[32];
        char *value;
        size_t count;
} Record;

/* "key*LEN xCOUNT=value" → Record; false for a line that is not one. */
static bool parse_record(const char *line, size_t len, Record *ret) {
        const char *eq = memchr(line, '=', len);
        size_t n, repeat = 0, count = 1;

        if (!eq)
                return false;
        n = strspn(line, "abcdefghijklmnopqrstuvwxyz_");
        if (n == 0 || n >= sizeof(ret->key) || line + n > eq)
                return false;
        for (const char *p = line + n; p < eq;) {
                char c = *p++;
                size_t v = 0;
                if (c != '*' && c != 'x')
                        return false;
                while (p < eq && *p >= '0' && *p <= '9' && v < 1000000)
                        v = v * 10 + (size_t) (*p++ - '0');
                if (c == '*')
                        repeat = v < VALUE_REPEAT_MAX ? v : VALUE_REPEAT_MAX;
                else
                        count = v < 1 ? 1 : v < RECORD_COUNT_MAX ? v : RECORD_COUNT_MAX;
        }
        memcpy(ret->key, line, n);
        ret->key[n] = 0;

        /* The value: raw bytes up to the end of the record (a NUL ends it early), 0x1e → '\n'. */
        size_t vlen = strnlen(eq + 1, len - (size_t) (eq + 1 - line));
        char *v = strndup(eq + 1, vlen);
        if (!v)
                abort();
        for (char *p = v; *p; p++)
                if (*p == 0x1e)
                        *p = '\n';
        if (repeat > 0) {
                const char *pattern = *v ? v : "a";
                size_t plen = strlen(pattern);
                char *r = malloc(repeat + 1);
                if (!r)
                        abort();
                for (size_t i = 0; i < repeat; i++)
                        r[i] = pattern[i % plen];
                r[repeat] = 0;
                free(v);
                v = r;
        }
        ret->value = v;
        ret->count = count;
        return true;
}

/* config.c's absolute_path(): relative to `base`, normalized, shorter than PATH_MAX, writable to
 * a unit (escape_raw). NULL when config.c would refuse it. */
static char *config_absolute_path(const char *path, const char *base) {
        _cleanup_free_ char *abs = NULL, *normalized = NULL, *escaped = NULL;

        if (!*path)
                return NULL;
        if (path[0] == '/')
                abs = xstrdup(path);
        else if (asprintf(&abs, "%s/%s", base, path) < 0)
                abort();
        if (path_normalize(abs, &normalized) < 0)
                return NULL;
        if (strlen(normalized) >= PATH_MAX || escape_raw(normalized, &escaped) < 0)
                return NULL;
        return TAKE_PTR(normalized);
}

static bool in_list(const char *v, const char *const *list) {
        for (size_t i = 0; list[i]; i++)
                if (streq(v, list[i]))
                        return true;
        return false;
}

static bool parse_double(const char *s, double min, double max, double *ret) {
        char *end;
        double v;

        if (!*s)
                return false;
        errno = 0;
        v = strtod(s, &end);
        if (errno || *end || !isfinite(v) || v < min || v > max)
                return false;
        *ret = v;
        return true;
}

/* config.c's parse_memory_max() for a string. */
static bool memory_max_ok(const char *v) {
        size_t digits = strspn(v, "0123456789");
        return streq(v, "infinity") ||
               (digits > 0 && digits < 16 && (v[digits] == 0 || (strchr("KMGT", v[digits]) && !v[digits + 1])));
}

static const EnvVar *find_env(const App *app, const char *name) {
        for (size_t i = 0; i < app->n_env; i++)
                if (streq(app->env[i].name, name))
                        return &app->env[i];
        return NULL;
}

static void add_env(App *app, const char *name, const char *value) {
        EnvVar *e = realloc(app->env, sizeof(EnvVar) * (app->n_env + 1));
        if (!e)
                abort();
        app->env = e;
        e[app->n_env++] = (EnvVar) { .name = xstrdup(name), .value = xstrdup(value) };
}

void app_generate(const uint8_t *data, size_t size, App *ret, GenInfo *ret_info) {
        App app = {};
        GenInfo info = { .scope = SCOPE_SYSTEM };
        Record *records = NULL;
        size_t n_records = 0;

        /* config.c's app_set_defaults() */
        app.instances = (InstanceSpec) { .n = 1 };
        app.socket_mode = SOCKET_MODE_SHARED;
        app.ready = READY_NOTIFY;
        app.ready_timeout = 30.0;
        app.kill_timeout = -1;
        app.restart_delay = 1.0;
        app.rollout = (Rollout) { .batch = 1, .grace = 0.5, .on_failure = ON_FAILURE_STOP };

        for (const char *p = (const char *) data, *end = p + size; p < end;) {
                const char *nl = memchr(p, '\n', (size_t) (end - p));
                size_t len = nl ? (size_t) (nl - p) : (size_t) (end - p);
                Record r;
                if (parse_record(p, len, &r)) {
                        records = realloc(records, sizeof(Record) * (n_records + 1));
                        if (!records)
                                abort();
                        records[n_records++] = r;
                }
                p += len + (nl ? 1 : 0);
        }

        /* First the keys others depend on. */
        const char *config = DEFAULT_CONFIG, *name = "fuzz", *cwd = NULL, *instance_var = NULL, *increment_var = NULL;
        for (size_t i = 0; i < n_records; i++) {
                const Record *r = &records[i];
                if (streq(r->key, "mode"))
                        info.raw = streq(r->value, "raw");
                else if (streq(r->key, "scope"))
                        info.scope = streq(r->value, "user") ? SCOPE_USER : SCOPE_SYSTEM;
                else if (streq(r->key, "name") && app_name_is_valid(r->value))
                        name = r->value;
                else if (streq(r->key, "config"))
                        config = r->value;
                else if (streq(r->key, "cwd"))
                        cwd = r->value;
                else if (streq(r->key, "instance_var") && env_name_is_valid(r->value))
                        instance_var = r->value;
                else if (streq(r->key, "increment_var") && env_name_is_valid(r->value))
                        increment_var = r->value;
        }
        set(&app.name, name);
        set(&app.instance_var, instance_var ? instance_var : "NODE_APP_INSTANCE");

        /* config_load(): the path made absolute, and refused with a control character, invalid
         * UTF-8 or a trailing space or backslash. render checks it again. */
        if (config[0] != '/')
                asprintf_safe(&app.config_path, "/etc/clusterctl/%s", config);
        else
                set(&app.config_path, config);
        if (!info.raw && (value_check(app.config_path) < 0 || endswith(app.config_path, " ") ||
                          endswith(app.config_path, "\\")))
                set(&app.config_path, DEFAULT_CONFIG);
        _cleanup_free_ char *dir_buf = xstrdup(app.config_path);
        const char *dir = dirname(dir_buf);

        /* cwd defaults to the config's directory. */
        if (info.raw)
                set(&app.cwd, cwd ? (cwd[0] == '/' ? cwd : "/") : dir);
        else {
                app.cwd = cwd ? config_absolute_path(cwd, dir) : NULL;
                if (!app.cwd)
                        set(&app.cwd, dir);
        }

        for (size_t i = 0; i < n_records; i++) {
                const Record *r = &records[i];
                const char *v = r->value;
                for (size_t c = 0; c < r->count; c++) {
                        if (streq(r->key, "argv")) {
                                if (!info.raw && value_check(v) < 0)
                                        continue;
                                xstrv_extend(&app.argv, v);
                        } else if (streq(r->key, "user") || streq(r->key, "group")) {
                                char **field = streq(r->key, "user") ? &app.user : &app.group;
                                if (info.raw || (value_check(v) >= 0 && user_name_is_valid(v)))
                                        set(field, v);
                        } else if (streq(r->key, "env")) {
                                const char *eq = strchr(v, '='), *value = eq ? eq + 1 : "";
                                _cleanup_free_ char *n = eq ? strndup(v, (size_t) (eq - v)) : xstrdup(v);
                                if (!n)
                                        abort();
                                if (r->count > 1) { /* repeated records need distinct names */
                                        char *numbered = NULL;
                                        asprintf_safe(&numbered, "%s_%zu", n, c);
                                        free(n);
                                        n = numbered;
                                }
                                if (!info.raw && (!env_name_is_valid(n) || value_check(value) < 0 || find_env(&app, n)))
                                        continue;
                                add_env(&app, n, value);
                        } else if (streq(r->key, "env_file")) {
                                if (info.raw)
                                        set(&app.env_file, v[0] == '/' ? v : "/");
                                else {
                                        char *p = config_absolute_path(v, dir);
                                        if (p) {
                                                free(app.env_file);
                                                app.env_file = p;
                                        }
                                }
                        } else if (streq(r->key, "listen")) {
                                char *normalized = NULL;
                                if (info.raw)
                                        normalized = xstrdup(v);
                                else if (value_check(v) < 0 || listen_address_normalize(v, &normalized) < 0)
                                        continue; /* config.c's get_string() checks every string first */
                                else if (strv_contains(app.listen, normalized)) {
                                        free(normalized);
                                        continue;
                                }
                                if (strv_push(&app.listen, normalized) < 0)
                                        abort();
                        } else if (streq(r->key, "socket_mode"))
                                app.socket_mode = streq(v, "reuseport") ? SOCKET_MODE_REUSEPORT : SOCKET_MODE_SHARED;
                        else if (streq(r->key, "ready"))
                                app.ready = streq(v, "exec") ? READY_EXEC : READY_NOTIFY;
                        else if (streq(r->key, "kill_signal")) {
                                static const char *const signals[] = { "SIGTERM", "SIGINT", "SIGQUIT", "SIGHUP", "SIGUSR1",
                                                                       "SIGUSR2", "SIGKILL", "SIGWINCH", "SIGCONT", NULL };
                                _cleanup_free_ char *s = NULL;
                                asprintf_safe(&s, "%s%s", startswith(v, "SIG") ? "" : "SIG", v);
                                if (in_list(s, signals))
                                        set(&app.kill_signal, s);
                        } else if (streq(r->key, "restart")) {
                                static const char *const restarts[] = { "no", "on-success", "on-failure", "on-abnormal",
                                                                        "on-watchdog", "on-abort", "always", NULL };
                                if (in_list(v, restarts))
                                        set(&app.restart, v);
                        } else if (streq(r->key, "memory_max")) {
                                if (memory_max_ok(v))
                                        set(&app.memory_max, v);
                        } else if (streq(r->key, "cpu_weight")) {
                                int w;
                                if (safe_atoi(v, &w) >= 0 && w >= 1 && w <= 10000)
                                        app.cpu_weight = w;
                        } else if (streq(r->key, "ready_timeout"))
                                (void) parse_double(v, 0.001, 86400, &app.ready_timeout);
                        else if (streq(r->key, "kill_timeout"))
                                (void) parse_double(v, 0.001, 86400, &app.kill_timeout);
                        else if (streq(r->key, "restart_delay"))
                                (void) parse_double(v, 0, 86400, &app.restart_delay);
                        else if (streq(r->key, "dropin")) {
                                unsigned k;
                                if (safe_atou(v, &k) >= 0 && k < INSTANCES_MAX && info.n_dropins < APPGEN_DROPINS_MAX)
                                        info.dropins[info.n_dropins++] = k;
                        }
                }
        }
        if (!app.restart)
                set(&app.restart, "always");
        /* Without an account the system manager gets a dynamic user, and render refuses a group
         * alone; name one, so the inputs with a group render rather than stop at that refusal. */
        if (info.scope == SCOPE_SYSTEM && !app.user && !info.raw)
                set(&app.user, "root");

        /* The command: argv[0] absolute, as config.c's resolve_argv0() leaves it. A bare name is
         * taken as found in /usr/bin (config.c searches PATH). */
        if (!app.argv || !app.argv[0][0]) {
                strv_free(app.argv);
                app.argv = NULL;
                xstrv_extend(&app.argv, "/bin/true");
        }
        char *cmd = app.argv[0], *resolved = NULL;
        if (info.raw) {
                if (cmd[0] != '/')
                        asprintf_safe(&resolved, "/%s", cmd);
        } else if (cmd[0] == '/' || strchr(cmd, '/'))
                resolved = config_absolute_path(cmd, app.cwd);
        else if (asprintf(&resolved, "/usr/bin/%s", cmd) < 0)
                abort();
        if (resolved || !info.raw) {
                free(app.argv[0]);
                app.argv[0] = resolved ? resolved : xstrdup("/bin/true");
        }

        /* validate_app(): increment_var needs env.VAR as the first instance's value, 0 … 1e9. */
        if (increment_var) {
                const EnvVar *base = find_env(&app, increment_var);
                char *end;
                if (base && !streq(increment_var, app.instance_var)) {
                        errno = 0;
                        long b = strtol(base->value, &end, 10);
                        if (!errno && !*end && *base->value && b >= 0 && b <= 1000000000) {
                                set(&app.increment_var, increment_var);
                                app.increment_base = b;
                        }
                }
        }
        /* A unix socket cannot be shared by SO_REUSEPORT: config.c refuses the app. */
        if (!info.raw && app.socket_mode == SOCKET_MODE_REUSEPORT && app.listen) {
                size_t k = 0;
                for (size_t i = 0; app.listen[i]; i++)
                        if (app.listen[i][0] == '/')
                                free(app.listen[i]);
                        else
                                app.listen[k++] = app.listen[i];
                app.listen[k] = NULL;
        }
        if (info.n_dropins == 0) {
                info.dropins[info.n_dropins++] = 0;
                info.dropins[info.n_dropins++] = 3;
        }

        for (size_t i = 0; i < n_records; i++)
                free(records[i].value);
        free(records);
        *ret = app;
        *ret_info = info;
}

/* ---- known bugs ---- */

bool known_bugs_reported(void) {
        const char *e = getenv("FUZZ_KNOWN_BUGS");
        return e && streq(e, "1");
}

/* Replaces every noncharacter (U+FDD0..U+FDEF, U+xFFFE, U+xFFFF) in s by 'x's. */
static unsigned replace_noncharacters(char *s) {
        unsigned changed = 0;
        if (!s)
                return 0;
        for (unsigned char *p = (unsigned char *) s; *p; p++) {
                size_t len = (*p & 0xf0) == 0xe0 ? 3 : (*p & 0xf8) == 0xf0 ? 4 : 0;
                uint32_t u;
                if (len == 0 || strnlen((char *) p, len) < len)
                        continue;
                if (len == 3)
                        u = ((uint32_t) (p[0] & 0x0f) << 12) | ((uint32_t) (p[1] & 0x3f) << 6) | (p[2] & 0x3f);
                else
                        u = ((uint32_t) (p[0] & 0x07) << 18) | ((uint32_t) (p[1] & 0x3f) << 12) |
                            ((uint32_t) (p[2] & 0x3f) << 6) | (p[3] & 0x3f);
                if ((u >= 0xFDD0 && u <= 0xFDEF) || (u & 0xFFFE) == 0xFFFE) {
                        memset(p, 'x', len);
                        changed = 1;
                }
        }
        return changed;
}

/* What the config loader refuses for its length: the whole path, or one component. */
static bool has_long_component(const char *p) {
        return p && path_length_problem(p);
}

/* systemd's parse_uid() refuses it although it is all digits. */
static bool bad_numeric_id(const char *s) {
        if (!s || !*s || strspn(s, "0123456789") != strlen(s))
                return false;
        if (s[0] == '0' && s[1])
                return true;
        if (strlen(s) > 10)
                return true;
        unsigned long long v = strtoull(s, NULL, 10);
        return v >= 0xFFFFFFFFULL || v == 0xFFFFULL;
}

static bool memory_max_out_of_range(const char *v) {
        if (!v || streq(v, "infinity"))
                return false;
        size_t digits = strspn(v, "0123456789");
        unsigned shift = !v[digits] ? 0 : v[digits] == 'K' ? 10 : v[digits] == 'M' ? 20 : v[digits] == 'G' ? 30 : 40;
        unsigned __int128 n = 0;
        for (size_t i = 0; i < digits; i++)
                n = n * 10 + (unsigned) (v[i] - '0');
        n <<= shift;
        return n == 0 || n >= UINT64_MAX;
}

static unsigned avoid_in_command(App *app) {
        unsigned avoided = 0;
        char *cmd = app->argv[0];

        for (char *p = cmd; *p; p++)
                if (*p == '"' || *p == '\'' || *p == '\\') {
                        *p = '_';
                        avoided |= KNOWN_BUG_EXEC_PATH_CHARS;
                } else if (*p == '$') {
                        *p = '_';
                        avoided |= KNOWN_BUG_EXEC_PATH_DOLLAR;
                }
        if (streq(cmd, "/")) {
                set(&app->argv[0], "/bin/true");
                avoided |= KNOWN_BUG_EXEC_PATH_ROOT;
        }
        if (has_long_component(app->argv[0])) {
                set(&app->argv[0], "/bin/true");
                avoided |= KNOWN_BUG_LONG_COMPONENT;
        }
        /* ExecStart= is one line: each argument at most doubles when quoted, plus quotes and a space. */
        size_t line = strlen("ExecStart=");
        for (size_t i = 0; app->argv[i]; i++) {
                line += 2 * strlen(app->argv[i]) + 3;
                if (i > 0 && line >= SD_LONG_LINE_MAX - 64) {
                        for (size_t k = i; app->argv[k]; k++)
                                free(app->argv[k]);
                        app->argv[i] = NULL;
                        avoided |= KNOWN_BUG_LONG_LINE;
                        break;
                }
        }
        return avoided;
}

unsigned known_bugs_avoid(App *app) {
        unsigned avoided = 0;

        if (known_bugs_reported())
                return 0;

        unsigned nc = replace_noncharacters(app->config_path) | replace_noncharacters(app->cwd) |
                  replace_noncharacters(app->user) | replace_noncharacters(app->group) |
                  replace_noncharacters(app->env_file);
        for (size_t i = 0; app->argv && app->argv[i]; i++)
                nc |= replace_noncharacters(app->argv[i]);
        for (size_t i = 0; app->listen && app->listen[i]; i++)
                nc |= replace_noncharacters(app->listen[i]);
        for (size_t i = 0; i < app->n_env; i++)
                nc |= replace_noncharacters(app->env[i].name) | replace_noncharacters(app->env[i].value);
        if (nc)
                avoided |= KNOWN_BUG_NONCHARACTER;

        if (app->argv && app->argv[0]) /* an App from a marker has no command */
                avoided |= avoid_in_command(app);
        if (app->cwd && (strstr(app->cwd, "/../") || endswith(app->cwd, "/.."))) {
                _cleanup_free_ char *normalized = NULL;
                if (path_normalize(app->cwd, &normalized) >= 0) {
                        set(&app->cwd, normalized);
                        avoided |= KNOWN_BUG_CONFIG_DIR_DOT_DOT;
                }
        }
        if (app->cwd && (endswith(app->cwd, " ") || endswith(app->cwd, "\\"))) {
                set(&app->cwd, "/srv");
                avoided |= KNOWN_BUG_CONFIG_DIR_TRAILING;
        }
        if (has_long_component(app->cwd)) {
                set(&app->cwd, "/srv");
                avoided |= KNOWN_BUG_LONG_COMPONENT;
        }
        if (has_long_component(app->env_file)) {
                set(&app->env_file, "/etc/fuzz.env");
                avoided |= KNOWN_BUG_LONG_COMPONENT;
        }
        if (bad_numeric_id(app->user)) {
                set(&app->user, "nobody");
                avoided |= KNOWN_BUG_NUMERIC_USER;
        }
        if (bad_numeric_id(app->group)) {
                set(&app->group, "nogroup");
                avoided |= KNOWN_BUG_NUMERIC_USER;
        }
        if (memory_max_out_of_range(app->memory_max)) {
                set(&app->memory_max, "1G");
                avoided |= KNOWN_BUG_MEMORY_MAX_RANGE;
        }
        return avoided;
}
