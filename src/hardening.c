/* The sandbox a hardening level gives each instance, and the paths it hides from the app. */
#include "hardening.h"

#include "templates.h"
#include "util.h"

bool path_under(const char *path, const char *dir) {
        size_t n = strlen(dir);
        return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == 0);
}

/* Why the sandbox of `level` hides path from the app (PrivateTmp=yes, in every scope), or NULL.
 * ProtectHome= depends on the scope: render.c checks that. */
const char *hidden_by_hardening(Hardening level, const char *path) {
        if (level == HARDENING_NONE || !path || path[0] != '/')
                return NULL;
        if (path_under(path, "/tmp") || path_under(path, "/var/tmp"))
                return "PrivateTmp=yes gives each instance its own empty /tmp and /var/tmp";
        return NULL;
}

/* The settings of a hardening level: the lines of units/hardening-LEVEL.in, our own constants. */
int hardening_lines(Hardening h, Scope scope, char ***l) {
        const char *tmpl = h == HARDENING_DEFAULT ? units_hardening_default_in
                           : h == HARDENING_STRICT ? units_hardening_strict_in
                                                   : NULL;
        for (const char *line = tmpl; line && *line;) {
                const char *nl = strchr(line, '\n');
                size_t len = nl ? (size_t) (nl - line) : strlen(line);
                /* A user manager's notify socket lives in /run/user/UID, which ProtectHome=yes would
                 * hide: READY=1 could never arrive. Read-only keeps it reachable. */
                bool hide_home = len == strlen("ProtectHome=yes") && strncmp(line, "ProtectHome=yes", len) == 0;
                char *copy = scope == SCOPE_USER && hide_home ? strdup("ProtectHome=read-only") : strndup(line, len);
                if (!copy || strv_push(l, copy) < 0)
                        return -ENOMEM;
                line += len + (nl ? 1 : 0);
        }
        return 0;
}
