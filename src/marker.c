/* The ownership marker: written after every unit, read back to tell ours from anyone else's. */
#include "marker.h"

#include <inttypes.h>

#include "escape.h"
#include "util.h"

int append_marker(const char *text, const char *app, const char *config_path, char *const *extra, char **ret) {
        _cleanup_buffer_ Buffer b = {};
        _cleanup_free_ char *config = NULL;
        int r;

        r = escape_raw(config_path, &config);
        if (r < 0)
                return r;
        if (buffer_puts(&b, text) < 0 ||
            buffer_printf(&b, "\n%s\nApp=%s\nConfig=%s\n", MARKER_SECTION, app, config) < 0)
                return -ENOMEM;
        for (size_t i = 0; extra && extra[i]; i++)
                if (buffer_printf(&b, "%s\n", extra[i]) < 0)
                        return -ENOMEM;
        if (            buffer_printf(&b, "Hash=%016" PRIx64 "\n", hash64(b.data, b.len)) < 0)
                return -ENOMEM;
        *ret = buffer_steal(&b);
        return 0;
}

static const char *marker_section(const char *text) {
        const char *m = strstr(text, "\n" MARKER_SECTION "\n");
        return m ? m + 1 : NULL;
}

char *marker_get(const char *text, const char *key) {
        const char *m = marker_section(text);
        size_t klen = strlen(key);

        if (!m)
                return NULL;
        for (const char *line = strchr(m, '\n'); line && line[1]; line = strchr(line + 1, '\n')) {
                const char *l = line + 1;
                if (l[0] == '[')
                        break;
                if (strncmp(l, key, klen) == 0 && l[klen] == '=') {
                        const char *v = l + klen + 1;
                        return strndup(v, strcspn(v, "\n"));
                }
        }
        return NULL;
}

bool marker_find(const char *text, const char *app) {
        _cleanup_free_ char *v = marker_get(text, "App");
        return v && (!app || streq(v, app));
}

bool marker_hash_matches(const char *text) {
        const char *h = strstr(text, "\nHash=");
        char expected[32];

        if (!h || !marker_section(text))
                return false;
        /* The Hash= line must be the very last, exactly as written: anything after it is an edit. */
        snprintf(expected, sizeof(expected), "Hash=%016" PRIx64 "\n", hash64(text, (size_t) (h - text + 1)));
        return streq(h + 1, expected);
}

int app_from_marker(const char *service_text, App *ret) {
        _cleanup_free_ char *name = marker_get(service_text, "App"), *config = marker_get(service_text, "Config"),
                            *increment = marker_get(service_text, "IncrementVar");
        App app = {};

        /* The name becomes file names in the unit directory: it must be an app name, nothing else. */
        if (!name || !config || !app_name_is_valid(name))
                return -EBADMSG;
        if (increment) {
                char *colon = strrchr(increment, ':');
                char *end;
                if (!colon)
                        return -EBADMSG;
                *colon = 0;
                errno = 0;
                app.increment_base = strtol(colon + 1, &end, 10);
                if (errno || *end || !colon[1] || !env_name_is_valid(increment) || app.increment_base < 0 ||
                    app.increment_base > 1000000000)
                        return -EBADMSG;
                app.increment_var = TAKE_PTR(increment);
        }
        /* The marker stores Config= escaped; undo the %% so the path reads as written. */
        _cleanup_buffer_ Buffer path = {};
        for (const char *p = config; *p; p++) {
                if (buffer_append(&path, p, 1) < 0)
                        return -ENOMEM;
                if (p[0] == '%' && p[1] == '%')
                        p++;
        }
        app.name = TAKE_PTR(name);
        app.config_path = buffer_steal(&path);
        *ret = app;
        return 0;
}

