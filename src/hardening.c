/* The sandbox a hardening level gives each instance, and the paths it hides from the app. */
#include "hardening.h"

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
