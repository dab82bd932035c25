/* Template engine: placeholders expand a line once per value, or drop it. */
#include "template.h"

#include <assert.h>

#include "util.h"

static const TemplateVar *find_var(const TemplateVar *vars, size_t n, const char *key, size_t len) {
        for (size_t i = 0; i < n; i++)
                if (strlen(vars[i].key) == len && strncmp(vars[i].key, key, len) == 0)
                        return &vars[i];
        return NULL;
}

/* Emits one line of a template `times` times, substituting value i (or the only value). */
static int emit_line(Buffer *out, const char *line, size_t len, const TemplateVar *vars, size_t n_vars) {
        size_t times = 1;

        /* First pass: how many copies, and whether any placeholder is empty. */
        for (const char *p = line; (p = memmem(p, len - (size_t) (p - line), "{{", 2)); p += 2) {
                const char *end = memmem(p, len - (size_t) (p - line), "}}", 2);
                assert(end); /* templates are ours: an unclosed placeholder is a bug */
                const TemplateVar *v = find_var(vars, n_vars, p + 2, (size_t) (end - p - 2));
                if (!v)
                        return -EINVAL; /* a placeholder nobody provides: a bug in the caller */
                size_t n = strv_length(v->values);
                if (n == 0)
                        return 0;
                if (n > 1) {
                        if (times != 1 && times != n)
                                return -EINVAL; /* two lists on one line must pair up */
                        times = n;
                }
        }

        for (size_t i = 0; i < times; i++) {
                const char *p = line, *start;
                while ((start = memmem(p, len - (size_t) (p - line), "{{", 2))) {
                        const char *end = memmem(start, len - (size_t) (start - line), "}}", 2);
                        const TemplateVar *v = find_var(vars, n_vars, start + 2, (size_t) (end - start - 2));
                        size_t n = strv_length(v->values);
                        const char *value = v->values[n > 1 ? i : 0];

                        assert(!strchr(value, '\n'));
                        if (buffer_append(out, p, (size_t) (start - p)) < 0 || buffer_puts(out, value) < 0)
                                return -ENOMEM;
                        p = end + 2;
                }
                if (buffer_append(out, p, len - (size_t) (p - line)) < 0 || buffer_puts(out, "\n") < 0)
                        return -ENOMEM;
        }
        return 0;
}

int render_template(const char *tmpl, const TemplateVar *vars, size_t n_vars, char **ret) {
        _cleanup_buffer_ Buffer out = {};
        int r;

        for (const char *line = tmpl; *line;) {
                const char *nl = strchr(line, '\n');
                size_t len = nl ? (size_t) (nl - line) : strlen(line);
                r = emit_line(&out, line, len, vars, n_vars);
                if (r < 0)
                        return r;
                line += len + (nl ? 1 : 0);
        }
        *ret = buffer_steal(&out);
        return 0;
}
