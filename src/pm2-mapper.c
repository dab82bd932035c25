/* The mapper's tools: errors and warnings, reading PM2 keys under any of their names, writing
 * config values safely quoted, and the keys PM2 has that clusterctl has not, with the reason. */
#include "pm2-mapper.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>

#include "escape.h"
#include "printable.h"

#define COMMENT_VALUE_MAX 120

void pm2_app_done(Pm2App *a) {
        free(a->name);
        free(a->text);
        strv_free(a->warnings);
        *a = (Pm2App) {};
}

/* Keys PM2 knows that have no clusterctl equivalent, and why. */
static const struct {
        const char *key, *why;
} not_mapped[] = {
        { "max_restarts", "systemd restarts a failed instance after restart_delay for as long as it fails; it keeps no count of unstable restarts" },
        { "min_uptime", "there is no count of unstable restarts (see max_restarts); during a reload, rollout.grace is how long a new instance must stay up" },
        { "exp_backoff_restart_delay", "restart_delay is a fixed delay" },
        { "out_file", "output goes to the journal: clusterctl logs APP" },
        { "error_file", "output goes to the journal: clusterctl logs APP (-p err for errors)" },
        { "log_file", "output goes to the journal: clusterctl logs APP" },
        { "merge_logs", "the journal keeps every instance's lines; clusterctl logs merges them" },
        { "log_type", "clusterctl logs --json prints one JSON object per line" },
        { "log_date_format", "the journal stamps every line with its time; clusterctl logs shows it" },
        { "time", "the journal stamps every line with its time; clusterctl logs shows it" },
        { "disable_logs", "output goes to the journal" },
        { "pid_file", "systemd knows each instance's pid: clusterctl status" },
        { "watch", "no file watching: run clusterctl reload APP after a deploy" },
        { "ignore_watch", "no file watching" },
        { "watch_options", "no file watching" },
        { "watch_delay", "no file watching" },
        { "autostart", "clusterctl start starts the app, and the system starts it at boot from then on" },
        { "treekill", "systemd stops every process of an instance (its cgroup)" },
        { "kill_retry_time", "systemd sends SIGKILL once, after kill_timeout" },
        { "stop_exit_codes", "restart decides on exit codes the systemd way (restart = \"on-failure\")" },
        { "namespace", "every app is its own unit group: clusterctl status lists them" },
        { "vizion", "no version control metadata" },
        { "post_update", "no version control metadata" },
        { "source_map_support", "give node --enable-source-maps in interpreter_args" },
        { "disable_source_map_support", "node does not enable source maps unless asked" },
        { "filter_env", "instances see only the env of their config, not the environment of the shell" },
        { "append_env_to_name", "an app's name is its own" },
        { "pmx", "no PM2.io monitoring" },
        { "automation", "no PM2.io monitoring" },
        { "trace", "no PM2.io monitoring" },
        { "disable_trace", "no PM2.io monitoring" },
        { "deep_monitoring", "no PM2.io monitoring" },
        { "event_loop_inspector", "no PM2.io monitoring" },
        { "v8", "no PM2.io monitoring" },
        { "io", "no PM2.io monitoring" },
        { "windowsHide", "Linux only" },
        { "force", "clusterctl start refuses to run an app twice by its name" },
};

/* PM2's other names for a key, as its schema lists them. */
static const struct {
        const char *alias, *key;
} aliases[] = {
        { "exec", "script" },          { "exec_interpreter", "interpreter" }, { "interpreterArgs", "node_args" },
        { "interpreter_args", "node_args" }, { "uid", "user" },          { "cron", "cron_restart" },
        { "out", "out_file" },         { "output", "out_file" },           { "out_log", "out_file" },
        { "error", "error_file" },     { "err", "error_file" },            { "err_file", "error_file" },
        { "err_log", "error_file" },   { "log", "log_file" },              { "combine_logs", "merge_logs" },
        { "pid", "pid_file" },
};


void mapper_done(Mapper *m) {
        free(m->name);
        buffer_done(&m->out);
        buffer_done(&m->skipped);
        strv_free(m->warnings);
        strv_free(m->handled);
        strv_free(m->env_names);
        strv_free(m->env_values);
        free(m->error);
}

_printf_(2, 3) int mapper_fail(Mapper *m, const char *fmt, ...) {
        _cleanup_free_ char *msg = NULL, *name = m->name ? printable_text_cut(m->name, 64) : NULL;
        va_list ap;

        va_start(ap, fmt);
        if (vasprintf(&msg, fmt, ap) < 0)
                msg = NULL;
        va_end(ap);
        free(m->error);
        m->error = NULL;
        if (name)
                (void) asprintf_safe(&m->error, "app %zu ('%s'): %s", m->index + 1, name, strempty(msg));
        else
                (void) asprintf_safe(&m->error, "app %zu: %s", m->index + 1, strempty(msg));
        return -EINVAL;
}

_printf_(2, 3) int mapper_warn(Mapper *m, const char *fmt, ...) {
        _cleanup_free_ char *msg = NULL;
        va_list ap;

        va_start(ap, fmt);
        if (vasprintf(&msg, fmt, ap) < 0)
                return -ENOMEM;
        va_end(ap);
        char *safe = printable_text_cut(msg, 1024);
        return safe ? strv_push(&m->warnings, safe) : -ENOMEM;
}

/* The value of a key (under any of PM2's names for it), marking it as dealt with. */
json_object *mapper_get(Mapper *m, const char *key) {
        json_object *found = NULL, *v;

        if (json_object_object_get_ex(m->app, key, &v)) {
                found = v;
                (void) strv_extend(&m->handled, key);
        }
        for (size_t i = 0; i < ELEMENTSOF(aliases); i++)
                if (streq(aliases[i].key, key) && json_object_object_get_ex(m->app, aliases[i].alias, &v)) {
                        _cleanup_free_ char *why = NULL;
                        if (!found)
                                found = v;
                        /* Two names of one key: the first is used, the other said to be unused. */
                        else if (asprintf_safe(&why, "another name for %s, which is given too", key) >= 0)
                                (void) mapper_skip(m, aliases[i].alias, v, why);
                        (void) strv_extend(&m->handled, aliases[i].alias);
                }
        return found;
}

/* A value shown in a comment or a warning: compact JSON, printable, cut short. */
char *mapper_show(json_object *v) {
        const char *json = json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
        return printable_text_cut(json, COMMENT_VALUE_MAX);
}

/* A key not carried over: a comment in the config, and a warning. */
/* The name a key has in the file: itself, or the alias it was given under. */
static const char *name_in_file(Mapper *m, const char *key) {
        if (json_object_object_get_ex(m->app, key, NULL))
                return key;
        for (size_t i = 0; i < ELEMENTSOF(aliases); i++)
                if (streq(aliases[i].key, key) && json_object_object_get_ex(m->app, aliases[i].alias, NULL))
                        return aliases[i].alias;
        return key;
}

int mapper_skip(Mapper *m, const char *key, json_object *v, const char *why) {
        key = name_in_file(m, key);
        _cleanup_free_ char *k = printable_text_cut(key, 64), *value = mapper_show(v);
        _cleanup_buffer_ Buffer reason = {};
        /* The reasons say APP where the app's name goes. */
        for (const char *p = why; *p; p++) {
                bool app = m->name && startswith(p, "APP");
                if ((app ? buffer_puts(&reason, m->name) : buffer_append(&reason, p, 1)) < 0)
                        return -ENOMEM;
                p += app ? 2 : 0;
        }
        why = reason.data;
        if (!k || !value || buffer_printf(&m->skipped, "# %s = %s: %s\n", k, value, why) < 0)
                return -ENOMEM;
        (void) strv_extend(&m->handled, key);
        return mapper_warn(m, "%s: not carried over: %s", k, why);
}

/* A string that goes into the config as a value: it must be text a unit can hold. */
int mapper_text(Mapper *m, const char *key, json_object *v, const char **ret) {
        if (!json_object_is_type(v, json_type_string))
                return mapper_fail(m, "%s: expected a string, got %s", key, json_type_to_name(json_object_get_type(v)));
        const char *s = json_object_get_string(v);
        int r = value_check(s);
        if (r < 0)
                return mapper_fail(m, "%s: the value %s, which no unit can hold", key, value_check_error(r));
        *ret = s;
        return 0;
}

/* A JSON scalar as the text a process would see in its environment; NULL for anything else. */
const char *json_scalar_text(json_object *v, char *buf, size_t size) {
        switch (json_object_get_type(v)) {
        case json_type_string:
                return json_object_get_string(v);
        case json_type_int:
                snprintf(buf, size, "%" PRId64, json_object_get_int64(v));
                return buf;
        case json_type_double:
                return json_object_get_string(v);
        case json_type_boolean:
                return json_object_get_boolean(v) ? "true" : "false";
        default:
                return NULL;
        }
}

/* `key = "value";` with libconfig's quoting: \ and " escaped. `comment` follows when given. */
int put_config_quoted(Buffer *b, const char *value) {
        if (buffer_puts(b, "\"") < 0)
                return -ENOMEM;
        for (const char *p = value; *p; p++)
                if (buffer_printf(b, "%s%c", *p == '"' || *p == '\\' ? "\\" : "", *p) < 0)
                        return -ENOMEM;
        return buffer_puts(b, "\"");
}

int put_config_string(Buffer *b, const char *key, const char *value, const char *comment) {
        if (buffer_printf(b, "%s = ", key) < 0 || put_config_quoted(b, value) < 0)
                return -ENOMEM;
        return buffer_printf(b, ";%s%s\n", comment ? "  # " : "", strempty(comment));
}

int mapper_element_text(Mapper *m, const char *key, json_object *array, size_t i, char *buf, size_t size,
                        const char **ret) {
        const char *w = json_scalar_text(json_object_array_get_idx(array, i), buf, size);
        if (!w)
                return mapper_fail(m, "%s: element %zu is not a string", key, i);
        if (value_check(w) < 0)
                return mapper_fail(m, "%s: element %zu %s", key, i, value_check_error(value_check(w)));
        *ret = w;
        return 0;
}

/* Milliseconds (PM2) as seconds (clusterctl), "1.6". -EINVAL when not a number ≥ 0. */
static int ms_to_seconds(json_object *v, char *buf, size_t size) {
        double ms;
        char *end;

        if (json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double))
                ms = json_object_get_double(v);
        else if (json_object_is_type(v, json_type_string)) {
                errno = 0;
                ms = strtod(json_object_get_string(v), &end);
                if (errno || *end || end == json_object_get_string(v))
                        return -EINVAL;
        } else
                return -EINVAL;
        if (!isfinite(ms) || ms < 0 || ms > 1e12)
                return -EINVAL;
        snprintf(buf, size, "%.3f", ms / 1000.0);
        for (char *p = buf + strlen(buf) - 1; *p == '0' && p[-1] != '.'; p--)
                *p = 0;
        return 0;
}

int mapper_put_seconds(Mapper *m, const char *pm2_key, const char *key, double min) {
        json_object *v = mapper_get(m, pm2_key);
        char buf[64], comment[128];
        if (!v)
                return 0;
        if (ms_to_seconds(v, buf, sizeof(buf)) < 0 || strtod(buf, NULL) < min)
                return mapper_skip(m, pm2_key, v, min > 0 ? "not a number of milliseconds above 0" : "not a number of milliseconds");
        snprintf(comment, sizeof(comment), "PM2: %s = %s ms", pm2_key, json_object_get_string(v));
        return buffer_printf(&m->out, "%s = %s;  # %s\n", key, buf, comment);
}


int mapper_env_set(Mapper *m, const char *name, const char *value) {
        for (size_t i = 0; m->env_names && m->env_names[i]; i++)
                if (streq(m->env_names[i], name)) {
                        char *c = strdup(value);
                        if (!c)
                                return -ENOMEM;
                        free(m->env_values[i]);
                        m->env_values[i] = c;
                        return 0;
                }
        int r = strv_extend(&m->env_names, name);
        return r < 0 ? r : strv_extend(&m->env_values, value);
}

const char *mapper_env_get(const Mapper *m, const char *name) {
        for (size_t i = 0; m->env_names && m->env_names[i]; i++)
                if (streq(m->env_names[i], name))
                        return m->env_values[i];
        return NULL;
}

static const char *canonical_key(const char *key) {
        for (size_t i = 0; i < ELEMENTSOF(aliases); i++)
                if (streq(aliases[i].alias, key))
                        return aliases[i].key;
        return key;
}


const char *pm2_not_mapped_reason(const char *key) {
        for (size_t i = 0; i < ELEMENTSOF(not_mapped); i++)
                if (streq(not_mapped[i].key, canonical_key(key)))
                        return not_mapped[i].why;
        return NULL;
}
