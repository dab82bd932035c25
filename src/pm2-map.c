/* PM2 app (JSON) → clusterctl config text: the keys, in the order they are written. The tools
 * they use (errors, warnings, quoting, the keys with no equivalent) are in pm2-mapper.c. */
#include "pm2-map.h"

#include <inttypes.h>
#include <limits.h>
#include <math.h>

#include "cron.h"
#include "escape.h"
#include "pm2-mapper.h"
#include "printable.h"
#include "util.h"

#define PM2_KILL_TIMEOUT_MS 1600 /* PM2's default kill_timeout */

/* PM2's interpreter for a script by its extension (its interpreter.json; python is python3). */
static const char *pm2_interpreter_for(const char *script) {
        static const struct {
                const char *ext, *interpreter;
        } table[] = {
                { ".js", "node" },     { ".cjs", "node" }, { ".mjs", "node" }, { ".sh", "bash" },
                { ".py", "python3" },  { ".rb", "ruby" },  { ".php", "php" },  { ".pl", "perl" },
                { ".coffee", "coffee" }, { ".ts", "bun" }, { ".tsx", "bun" },
        };
        for (size_t i = 0; i < ELEMENTSOF(table); i++)
                if (endswith(script, table[i].ext))
                        return table[i].interpreter;
        return NULL;
}

/* node, nodejs, /usr/bin/node, node20…: what PM2 itself takes for node. */
static bool interpreter_is_node(const char *interpreter) {
        size_t len = strcspn(interpreter, " \t");
        _cleanup_free_ char *first = strndup(interpreter, len);
        if (!first)
                return false;
        const char *base = strrchr(first, '/') ? strrchr(first, '/') + 1 : first;
        return streq(base, "nodejs") || startswith(base, "node");
}

/* One word of the interpreter key, which clusterctl splits like a shell: bare when that is
 * safe, else in single quotes. */
static int append_word(Buffer *b, const char *w) {
        if (buffer_puts(b, " ") < 0)
                return -ENOMEM;
        if (*w && strspn(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_@%+=:,./-") == strlen(w))
                return buffer_puts(b, w);
        if (buffer_puts(b, "'") < 0)
                return -ENOMEM;
        for (const char *p = w; *p; p++)
                if ((*p == '\'' ? buffer_puts(b, "'\\''") : buffer_append(b, p, 1)) < 0)
                        return -ENOMEM;
        return buffer_puts(b, "'");
}

static int map_name(Mapper *m) {
        json_object *v = mapper_get(m, "name"), *script = NULL;
        const char *name = NULL;
        _cleanup_free_ char *derived = NULL;
        int r;

        if (v) {
                if (!json_object_is_type(v, json_type_string))
                        return mapper_fail(m, "name: expected a string, got %s", json_type_to_name(json_object_get_type(v)));
                name = json_object_get_string(v);
        } else if (json_object_object_get_ex(m->app, "script", &script) && json_object_is_type(script, json_type_string)) {
                /* PM2's default: the script's file name without its extension. */
                const char *s = json_object_get_string(script);
                const char *base = strrchr(s, '/') ? strrchr(s, '/') + 1 : s;
                if (!(derived = strndup(base, strcspn(base, "."))))
                        return -ENOMEM;
                name = derived;
        } else
                return mapper_fail(m, "has neither a name nor a script");
        if (!app_name_is_valid(name)) {
                _cleanup_free_ char *shown = printable_text_cut(name, 80);
                r = mapper_fail(m, "name: '%s' is not a valid app name (1 to %d characters of A-Z a-z 0-9 _ -, not "
                         "starting with -); rename the app in the ecosystem file", strempty(shown), APP_NAME_MAX);
                return r;
        }
        if (!(m->name = strdup(name)))
                return -ENOMEM;
        return 0;
}

static int map_command(Mapper *m) {
        json_object *script_v = mapper_get(m, "script"), *cwd_v = mapper_get(m, "cwd"), *interp_v = mapper_get(m, "interpreter"),
                    *node_args = mapper_get(m, "node_args"), *args = mapper_get(m, "args");
        _cleanup_free_ char *cwd = NULL, *script_path = NULL;
        _cleanup_buffer_ Buffer interpreter = {};
        const char *script, *s;
        int r;

        if (!script_v)
                return mapper_fail(m, "has no script");
        if ((r = mapper_text(m, "script", script_v, &script)) < 0)
                return r;
        if (!*script)
                return mapper_fail(m, "script: is empty");
        if (cwd_v) {
                _cleanup_free_ char *joined = NULL;
                if ((r = mapper_text(m, "cwd", cwd_v, &s)) < 0)
                        return r;
                if (s[0] == '/' ? !(joined = strdup(s)) : asprintf_safe(&joined, "%s/%s", m->opts->source_dir, s) < 0)
                        return -ENOMEM;
                if (path_normalize(joined, &cwd) < 0)
                        return mapper_fail(m, "cwd: '%s' is not a path", s);
        } else if (!(cwd = strdup(m->opts->source_dir)))
                return -ENOMEM;
        if ((r = put_config_string(&m->out, "cwd", cwd, cwd_v ? NULL : "PM2: the ecosystem file's directory")) < 0 ||
            (r = put_config_string(&m->out, "script", script, NULL)) < 0)
                return r;

        if (interp_v) {
                if ((r = mapper_text(m, "interpreter", interp_v, &s)) < 0)
                        return r;
                if ((r = buffer_puts(&interpreter, s)) < 0)
                        return r;
        } else {
                s = pm2_interpreter_for(script);
                if (!s) {
                        if (script[0] == '/' ? !(script_path = strdup(script))
                                             : asprintf_safe(&script_path, "%s/%s", cwd, script) < 0)
                                return -ENOMEM;
                        /* PM2 runs a compiled program as it is, anything else with node. */
                        bool binary = m->opts->script_is_binary && m->opts->script_is_binary(script_path);
                        s = binary ? "none" : "node";
                }
                if ((r = buffer_puts(&interpreter, s)) < 0)
                        return r;
        }
        m->node = interpreter_is_node(interpreter.data);
        if (node_args && streq(interpreter.data, "none"))
                r = mapper_skip(m, "node_args", node_args, "the script runs with no interpreter");
        else if (node_args && json_object_is_type(node_args, json_type_array)) {
                for (size_t i = 0; i < json_object_array_length(node_args); i++) {
                        char buf[32];
                        const char *w;
                        if ((r = mapper_element_text(m, "node_args", node_args, i, buf, sizeof(buf), &w)) < 0 ||
                            (r = append_word(&interpreter, w)) < 0)
                                return r;
                }
        } else if (node_args) {
                if ((r = mapper_text(m, "node_args", node_args, &s)) < 0)
                        return r;
                r = buffer_printf(&interpreter, " %s", s);
        }
        if (r < 0)
                return r;
        if ((r = put_config_string(&m->out, "interpreter", interpreter.data,
                            interp_v ? NULL : "PM2's interpreter for this script")) < 0)
                return r;

        if (args && json_object_is_type(args, json_type_array) && json_object_array_length(args) > 0) {
                if (buffer_puts(&m->out, "args = [") < 0)
                        return -ENOMEM;
                for (size_t i = 0; i < json_object_array_length(args); i++) {
                        char buf[32];
                        const char *w;
                        if ((r = mapper_element_text(m, "args", args, i, buf, sizeof(buf), &w)) < 0)
                                return r;
                        if (buffer_puts(&m->out, i ? ", " : " ") < 0 || put_config_quoted(&m->out, w) < 0)
                                return -ENOMEM;
                }
                if (buffer_puts(&m->out, " ];\n") < 0)
                        return -ENOMEM;
        } else if (args && !json_object_is_type(args, json_type_array)) {
                if ((r = mapper_text(m, "args", args, &s)) < 0)
                        return r;
                if (*s && (r = put_config_string(&m->out, "args", s, NULL)) < 0)
                        return r;
        }
        if (m->node && buffer_puts(&m->out, "node_compat = \"pm2\";  # listen() gets the socket systemd holds, "
                                            "process.send('ready') is READY=1\n") < 0)
                return -ENOMEM;
        return 0;
}

static int map_instances(Mapper *m) {
        json_object *v = mapper_get(m, "instances"), *mode_v = mapper_get(m, "exec_mode");
        char value[32];
        const char *mode = NULL;

        if (!v)
                snprintf(value, sizeof(value), "1");
        else if (json_object_is_type(v, json_type_string) && streq(json_object_get_string(v), "max"))
                snprintf(value, sizeof(value), "\"max\"");
        else {
                char *end;
                errno = 0;
                long long n = json_object_is_type(v, json_type_string) ? strtoll(json_object_get_string(v), &end, 10)
                              : json_object_is_type(v, json_type_int) ? json_object_get_int64(v)
                                                                       : LLONG_MIN;
                bool ok = n != LLONG_MIN && !errno &&
                          (!json_object_is_type(v, json_type_string) || (*end == 0 && end != json_object_get_string(v)));
                if (!ok) {
                        _cleanup_free_ char *shown = mapper_show(v);
                        return mapper_fail(m, "instances: %s is not a count (a number, \"max\", 0 for max or -N)", strempty(shown));
                }
                /* PM2: 0 is as many as there are CPUs. */
                snprintf(value, sizeof(value), n == 0 ? "\"max\"" : "%lld", n);
        }
        if (mode_v) {
                if (!json_object_is_type(mode_v, json_type_string))
                        return mapper_skip(m, "exec_mode", mode_v, "not cluster or fork");
                mode = json_object_get_string(mode_v);
                if (streq(mode, "cluster_mode"))
                        mode = "cluster";
                else if (streq(mode, "fork_mode"))
                        mode = "fork";
                else if (!streq(mode, "cluster") && !streq(mode, "fork"))
                        return mapper_skip(m, "exec_mode", mode_v, "not cluster or fork");
        }
        /* PM2's rule: node with instances given is cluster mode unless it says otherwise. */
        m->cluster = mode ? streq(mode, "cluster") : v != NULL && m->node;
        if (m->cluster && !m->node) {
                m->cluster = false;
                if (mapper_warn(m, "exec_mode: PM2 runs only node apps in cluster mode; each instance here binds its own "
                            "sockets") < 0)
                        return -ENOMEM;
        }
        return buffer_printf(&m->out, "instances = %s;  # PM2: %s mode%s\n", value, m->cluster ? "cluster" : "fork",
                             m->cluster ? ", every instance accepts from the one socket of listen" : "");
}

/* libconfig names start with a letter; a unit's variable names are [A-Za-z0-9_]. */
static bool config_can_hold_env(const char *name) {
        return env_name_is_valid(name) && ((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= 'A' && name[0] <= 'Z'));
}

/* The variables of env or env_NAME, over those already set. */
static int merge_env(Mapper *m, const char *key, json_object *obj) {
        int r;

        if (!obj)
                return 0;
        if (!json_object_is_type(obj, json_type_object))
                return mapper_skip(m, key, obj, "not an object of variables");
        json_object_object_foreach(obj, name, v) {
                _cleanup_free_ char *label = NULL;
                char buf[32];
                const char *text = json_scalar_text(v, buf, sizeof(buf));

                if (asprintf_safe(&label, "%s.%s", key, name) < 0)
                        return -ENOMEM;
                if (!config_can_hold_env(name))
                        r = mapper_skip(m, label, v, "not a variable name a config can hold (letters, digits and _, "
                                              "starting with a letter)");
                else if (!text)
                        r = mapper_skip(m, label, v, "not a string, number or boolean");
                else if (value_check(text) < 0)
                        return mapper_fail(m, "%s: the value %s, which no unit can hold", label,
                                    value_check_error(value_check(text)));
                else
                        r = mapper_env_set(m, name, text);
                if (r < 0)
                        return r;
        }
        return 0;
}

static bool is_port(const char *s) {
        unsigned port;
        return s && s[0] != '0' && safe_atou(s, &port) >= 0 && port >= 1 && port <= 65535;
}

static int map_env_and_listen(Mapper *m) {
        json_object *port = mapper_get(m, "port");
        const char *listen = m->opts->listen, *from = "--listen";
        char buf[32];
        int r;

        if ((r = merge_env(m, "env", mapper_get(m, "env"))) < 0)
                return r;
        if (m->opts->env_name) {
                _cleanup_free_ char *key = NULL;
                if (asprintf_safe(&key, "env_%s", m->opts->env_name) < 0)
                        return -ENOMEM;
                json_object *v = mapper_get(m, key);
                if (!v && (r = mapper_warn(m, "--env %s: the app has no %s; only env is used", m->opts->env_name, key)) < 0)
                        return r;
                if ((r = merge_env(m, key, v)) < 0)
                        return r;
        }
        if (port) { /* PM2 sets PORT from it */
                const char *text = json_scalar_text(port, buf, sizeof(buf));
                if (!text || !is_port(text))
                        r = mapper_skip(m, "port", port, "not a port number");
                else
                        r = mapper_env_set(m, "PORT", text);
                if (r < 0)
                        return r;
        }
        if (!m->node) {
                if (listen && (r = mapper_warn(m, "--listen: only node apps (node_compat) take the socket; this app binds "
                                           "its own")) < 0)
                        return r;
                return 0;
        }
        if (!listen && is_port(mapper_env_get(m, "PORT")))
                listen = mapper_env_get(m, "PORT"), from = "env.PORT";
        else if (!listen && is_port(mapper_env_get(m, "port")))
                listen = mapper_env_get(m, "port"), from = "env.port";
        if (listen) {
                char comment[128];
                if (value_check(listen) < 0)
                        return mapper_fail(m, "--listen: the address %s", value_check_error(value_check(listen)));
                snprintf(comment, sizeof(comment), "from %s: the app's first listen() gets this socket", from);
                m->listen = true;
                return put_config_string(&m->out, "listen", listen, comment);
        }
        if (!m->cluster)
                return 0; /* a fork-mode app without a port binds what it wants, or nothing */
        m->listen = true;
        if ((r = mapper_warn(m, "listen: no port found (no PORT in env, no port): set listen in the config, or import "
                         "with --listen ADDRESS; 'clusterctl check' fails until then")) < 0)
                return r;
        return buffer_puts(&m->out, "listen = \"\";  # SET THIS: the port the app listens on was not found in the "
                                    "ecosystem file (no PORT in env, no port)\n");
}

static bool get_true(json_object *v) {
        return v && (json_object_is_type(v, json_type_boolean) ? json_object_get_boolean(v)
                     : json_object_is_type(v, json_type_string) ? streq(json_object_get_string(v), "true")
                                                                 : false);
}

/* PM2's sizes: bytes, or a number with K, M or G (and an optional B). */
static int memory_value(json_object *v, char *buf, size_t size) {
        const char *s;
        char *end;
        double n;

        if (json_object_is_type(v, json_type_int) && json_object_get_int64(v) > 0) {
                snprintf(buf, size, "%" PRId64, json_object_get_int64(v));
                return 0;
        }
        if (!json_object_is_type(v, json_type_string))
                return -EINVAL;
        s = json_object_get_string(v);
        errno = 0;
        n = strtod(s, &end);
        if (errno || end == s || !isfinite(n) || n <= 0 || !strchr("0123456789", s[0]))
                return -EINVAL;
        while (*end == ' ')
                end++;
        const char *units = "KMG", *u = *end ? strchr(units, end[0] & ~0x20) : NULL;
        if (*end && (!u || !*u || (end[1] && ((end[1] & ~0x20) != 'B' || end[2]))))
                return -EINVAL;
        if (n == floor(n) && n < 1e15)
                snprintf(buf, size, "%.0f%s", n, u ? (char[]) { *u, 0 } : "");
        else {
                double bytes = n * pow(1024, u ? (double) (u - units + 1) : 0);
                if (bytes < 1 || bytes > 1e18)
                        return -EINVAL;
                snprintf(buf, size, "%.0f", floor(bytes));
        }
        return 0;
}

static int map_lifecycle(Mapper *m) {
        json_object *wait_ready = mapper_get(m, "wait_ready"), *shutdown = mapper_get(m, "shutdown_with_message"),
                    *autorestart = mapper_get(m, "autorestart"), *memory = mapper_get(m, "max_memory_restart"),
                    *cron = mapper_get(m, "cron_restart");
        const char *ready = "exec", *why = "PM2 fork mode: up once started";
        char buf[64];
        int r;

        if (m->node && get_true(wait_ready))
                ready = "notify", why = "PM2: wait_ready, process.send('ready')";
        else if (m->node && m->listen)
                ready = "listen", why = "PM2 cluster mode: up once it listens";
        else if (get_true(wait_ready) && (r = mapper_skip(m, "wait_ready", wait_ready, "only a node app can call "
                                                   "process.send('ready'); ready once started")) < 0)
                return r;
        if ((r = put_config_string(&m->out, "ready", ready, why)) < 0 ||
            (r = mapper_put_seconds(m, "listen_timeout", "ready_timeout", 0.001)) < 0 ||
            (r = put_config_string(&m->out, "kill_signal", "SIGINT", "PM2 stops apps with SIGINT")) < 0)
                return r;
        if (!json_object_object_get_ex(m->app, "kill_timeout", NULL)) {
                if (buffer_printf(&m->out, "kill_timeout = 1.6;  # PM2's default kill_timeout, %d ms\n",
                                  PM2_KILL_TIMEOUT_MS) < 0)
                        return -ENOMEM;
        } else if ((r = mapper_put_seconds(m, "kill_timeout", "kill_timeout", 0.001)) < 0)
                return r;
        if (shutdown && !m->node && get_true(shutdown))
                r = mapper_skip(m, "shutdown_with_message", shutdown, "only a node app receives messages");
        else if (get_true(shutdown))
                r = buffer_puts(&m->out, "shutdown_with_message = true;  # the stop signal becomes "
                                         "process.emit('message', 'shutdown')\n");
        if (r < 0)
                return r;
        if (autorestart && !json_object_is_type(autorestart, json_type_boolean))
                r = mapper_skip(m, "autorestart", autorestart, "not true or false");
        else if (autorestart)
                r = put_config_string(&m->out, "restart", json_object_get_boolean(autorestart) ? "always" : "no",
                               "PM2: autorestart");
        if (r < 0 || (r = mapper_put_seconds(m, "restart_delay", "restart_delay", 0)) < 0)
                return r;
        if (memory && memory_value(memory, buf, sizeof(buf)) < 0)
                r = mapper_skip(m, "max_memory_restart", memory, "not a size (bytes, or a number with K, M or G)");
        else if (memory)
                r = put_config_string(&m->out, "memory_max", buf, "PM2: max_memory_restart; the kernel stops an instance "
                                                           "at the limit, and systemd restarts it");
        if (r < 0 || !cron)
                return r;
        char text[32];
        const char *c = json_scalar_text(cron, text, sizeof(text));
        if (c && streq(c, "0"))
                return mapper_skip(m, "cron_restart", cron, "0 turns cron restarts off in PM2");
        if ((r = mapper_text(m, "cron_restart", cron, &c)) < 0)
                return r;
        _cleanup_strv_free_ char **events = NULL;
        _cleanup_free_ char *error = NULL;
        r = cron_to_calendar(c, &events, &error);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return mapper_fail(m, "cron_restart: %s", strempty(error));
        return put_config_string(&m->out, "cron_restart", c, "a timer runs a staggered clusterctl reload");
}

static int map_user(Mapper *m) {
        static const char *const keys[][2] = { { "user", "user" }, { "gid", "group" } };
        int r;

        if (!m->opts->user_manager && !json_object_object_get_ex(m->app, "user", NULL) &&
            !json_object_object_get_ex(m->app, "uid", NULL) &&
            buffer_puts(&m->out, "# user = \"…\";  # SET THIS: the system manager runs the instances as this account\n") < 0)
                return -ENOMEM;

        for (size_t i = 0; i < ELEMENTSOF(keys); i++) {
                json_object *v = mapper_get(m, keys[i][0]);
                char buf[32];
                const char *s;
                if (!v)
                        continue;
                if (m->opts->user_manager) {
                        r = mapper_skip(m, keys[i][0], v, "a user manager runs every app as its own user (import with "
                                                   "--system to keep it)");
                        if (r < 0)
                                return r;
                        continue;
                }
                s = json_scalar_text(v, buf, sizeof(buf));
                if (!s || !user_name_is_valid(s)) {
                        _cleanup_free_ char *shown = mapper_show(v);
                        return mapper_fail(m, "%s: %s is not a valid user or group name", keys[i][0], strempty(shown));
                }
                if ((r = put_config_string(&m->out, keys[i][1], s, NULL)) < 0)
                        return r;
        }
        return 0;
}

static int map_vars(Mapper *m) {
        static const char *const keys[] = { "instance_var", "increment_var" };
        int r;

        for (size_t i = 0; i < ELEMENTSOF(keys); i++) {
                json_object *v = mapper_get(m, keys[i]);
                const char *s;
                if (!v)
                        continue;
                if ((r = mapper_text(m, keys[i], v, &s)) < 0)
                        return r;
                if (!env_name_is_valid(s))
                        return mapper_fail(m, "%s: '%s' is not a variable name", keys[i], s);
                /* The config holds the first instance's value in env, which it cannot under this name. */
                if (i == 1 && !config_can_hold_env(s))
                        return mapper_fail(m, "%s: '%s' cannot be a variable of a config's env (letters, digits and _, "
                                              "starting with a letter)", keys[i], s);
                if ((r = put_config_string(&m->out, keys[i], s, NULL)) < 0)
                        return r;
                if (i == 1 && !mapper_env_get(m, s) && (r = mapper_env_set(m, s, "0")) < 0) /* PM2 counts from 0 */
                        return r;
        }
        return 0;
}

/* Every key not dealt with yet becomes a comment and a warning. */
static int map_rest(Mapper *m) {
        json_object_object_foreach(m->app, key, v) {
                const char *why = "no equivalent in clusterctl";
                _cleanup_free_ char *reason = NULL;
                if (strv_contains(m->handled, key))
                        continue;
                if (startswith(key, "env_")) {
                        _cleanup_free_ char *env = printable_text_cut(key + 4, 64);
                        if (asprintf_safe(&reason, "another environment (import with --env %s to use it)", strempty(env)) < 0)
                                return -ENOMEM;
                        why = reason;
                }
                if (pm2_not_mapped_reason(key))
                        why = pm2_not_mapped_reason(key);
                int r = mapper_skip(m, key, v, why);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int assemble(Mapper *m, char **ret) {
        _cleanup_buffer_ Buffer b = {};
        _cleanup_free_ char *source = printable_text_cut(m->opts->source, 4096);
        _cleanup_free_ char *env = m->opts->env_name ? printable_text_cut(m->opts->env_name, 64) : NULL;

        if (!source || buffer_printf(&b, "# The app \"%s\", imported by clusterctl from the PM2 ecosystem file\n# %s%s%s%s.\n"
                                         "# Check it with 'clusterctl check FILE', run it with 'clusterctl start %s'.\n",
                                     m->name, source, env ? " (--env " : "", strempty(env), env ? ")" : "", m->name) < 0 ||
            put_config_string(&b, "name", m->name, NULL) < 0 || buffer_puts(&b, strempty(m->out.data)) < 0)
                return -ENOMEM;
        if (m->env_names) {
                if (buffer_puts(&b, "env = {\n") < 0)
                        return -ENOMEM;
                for (size_t i = 0; m->env_names[i]; i++)
                        if (buffer_puts(&b, "  ") < 0 || put_config_string(&b, m->env_names[i], m->env_values[i], NULL) < 0)
                                return -ENOMEM;
                if (buffer_puts(&b, "};\n") < 0)
                        return -ENOMEM;
        }
        if (m->skipped.len && buffer_printf(&b, "\n# Not carried over from the ecosystem file:\n%s", m->skipped.data) < 0)
                return -ENOMEM;
        *ret = buffer_steal(&b);
        return 0;
}

int pm2_map_app(json_object *app, size_t index, const Pm2MapOptions *opts, Pm2App *ret, char **ret_error) {
        _cleanup_(mapper_done) Mapper m = { .opts = opts, .app = app, .index = index };
        char *text = NULL;
        int r;

        *ret_error = NULL;
        if (!json_object_is_type(app, json_type_object)) {
                (void) asprintf_safe(ret_error, "app %zu: expected an object { name: …, script: … }", index + 1);
                return -EINVAL;
        }
        if ((r = map_name(&m)) < 0 || (r = map_command(&m)) < 0 || (r = map_instances(&m)) < 0 ||
            (r = map_env_and_listen(&m)) < 0 || (r = map_lifecycle(&m)) < 0 || (r = map_user(&m)) < 0 ||
            (r = map_vars(&m)) < 0 || (r = map_rest(&m)) < 0 || (r = assemble(&m, &text)) < 0) {
                *ret_error = TAKE_PTR(m.error);
                return r;
        }
        *ret = (Pm2App) { .name = TAKE_PTR(m.name), .text = text, .warnings = TAKE_PTR(m.warnings) };
        return 0;
}

int pm2_ecosystem_apps(json_object *root, json_object ***ret_apps, size_t *ret_n, char ***warnings, char **ret_error) {
        json_object *apps = NULL;
        _cleanup_free_ json_object **list = NULL;
        size_t n = 0;

        *ret_error = NULL;
        if (json_object_is_type(root, json_type_object) && json_object_object_get_ex(root, "apps", &apps)) {
                json_object_object_foreach(root, key, v) {
                        (void) v;
                        _cleanup_free_ char *k = printable_text_cut(key, 64);
                        if (!streq(key, "apps")) {
                                char *w = NULL;
                                if (asprintf_safe(&w, "%s (beside apps): not carried over: no equivalent in clusterctl",
                                                  strempty(k)) < 0 || strv_push(warnings, w) < 0)
                                        return -ENOMEM;
                        }
                }
        } else if (json_object_is_type(root, json_type_array) ||
                   (json_object_is_type(root, json_type_object) && json_object_object_get_ex(root, "script", NULL)))
                apps = root;
        else {
                *ret_error = strdup("not a PM2 ecosystem file: expected { apps: [ { name: …, script: … } ] }");
                return -EINVAL;
        }
        if (json_object_is_type(apps, json_type_object)) {
                if (!(list = calloc(1, sizeof(*list))))
                        return -ENOMEM;
                list[n++] = apps;
        } else if (json_object_is_type(apps, json_type_array) && json_object_array_length(apps) > 0) {
                if (!(list = calloc(json_object_array_length(apps), sizeof(*list))))
                        return -ENOMEM;
                for (; n < json_object_array_length(apps); n++)
                        list[n] = json_object_array_get_idx(apps, n);
        } else {
                *ret_error = strdup(json_object_is_type(apps, json_type_array)
                                            ? "not a PM2 ecosystem file: apps is empty"
                                            : "not a PM2 ecosystem file: apps is not a list of apps");
                return -EINVAL;
        }
        *ret_apps = TAKE_PTR(list);
        *ret_n = n;
        return 0;
}
