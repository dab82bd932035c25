/* Reading libconfig settings with type and value checks; every error names file:line. */
#include "config-parser.h"

#include <limits.h>
#include <math.h>
#include <stdarg.h>

#include "escape.h"

char *setting_file(const Parser *p, const config_setting_t *s) {
        const char *file = s ? config_setting_source_file(s) : NULL;
        char *f = NULL;

        if (file && file[0] != '/')
                (void) asprintf_safe(&f, "%s/%s", p->dir, file);
        else
                f = strdup(file ? file : p->path);
        return f;
}

_printf_(3, 4) int fail_at(Parser *p, const config_setting_t *s, const char *fmt, ...) {
        va_list ap;
        char *msg = NULL;

        va_start(ap, fmt);
        if (vasprintf(&msg, fmt, ap) < 0)
                msg = NULL;
        va_end(ap);

        config_error_done(p->error);
        p->error->file = setting_file(p, s);
        p->error->line = s ? (int) config_setting_source_line(s) : 0;
        p->error->message = msg;
        return -EINVAL;
}

const char *type_name(int type) {
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

bool is_integer(const config_setting_t *s) {
        return config_setting_type(s) == CONFIG_TYPE_INT || config_setting_type(s) == CONFIG_TYPE_INT64;
}

/* The key a setting belongs to: list elements have no name, their list does. */
const char *setting_label(const config_setting_t *s) {
        for (; s; s = config_setting_parent(s))
                if (config_setting_name(s))
                        return config_setting_name(s);
        return "value";
}

int get_string(Parser *p, const config_setting_t *s, const char **ret) {
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

int dup_string(Parser *p, const config_setting_t *s, char **ret) {
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

int get_seconds(Parser *p, const config_setting_t *s, double min, double *ret) {
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

/* The messages name the limits: systemd refuses a path they do not fit. */
_Static_assert(PATH_MAX == 4096 && NAME_MAX == 255, "path_length_problem() names other limits");

const char *path_length_problem(const char *path) {
        if (strlen(path) >= PATH_MAX)
                return "path is too long (at most 4095 bytes)";
        for (const char *c = path; *c;) {
                c += strspn(c, "/");
                size_t len = strcspn(c, "/");
                if (len > NAME_MAX)
                        return "a path component is longer than 255 bytes";
                c += len;
        }
        return NULL;
}

/* Makes path absolute against the config's directory (or base when given). */
int absolute_path(Parser *p, const config_setting_t *s, const char *path, const char *base, char **ret) {
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
        const char *too_long = path_length_problem(abs);
        if (too_long) {
                free(abs);
                return fail_at(p, s, "%s: %s", setting_label(s), too_long);
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


int get_argv(Parser *p, const config_setting_t *s, char ***ret) {
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


int table_lookup(const char *const *table, size_t n, const char *s) {
        for (size_t i = 0; i < n; i++)
                if (table[i] && streq(table[i], s))
                        return (int) i;
        return -1;
}

int parse_enum(Parser *p, const config_setting_t *s, const char *const *table, size_t n, int *ret) {
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

