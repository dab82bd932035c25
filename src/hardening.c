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

/* Settings an unprivileged user manager applies only inside a user namespace (systemd.exec(5):
 * "only available for system services, or for services running in per-user instances of the
 * service manager when PrivateUsers= is enabled"). Without one the capability settings fail the
 * unit (218/CAPABILITIES) and the file-system ones are skipped without a word: neither is written. */
static const char *const need_user_namespace[] = {
        "PrivateTmp",           "PrivateDevices",        "PrivateIPC",           "ProtectSystem",
        "ProtectHome",          "ProtectProc",           "ProcSubset",           "ProtectKernelTunables",
        "ProtectKernelModules", "ProtectKernelLogs",     "ProtectControlGroups", "ProtectClock",
        "ProtectHostname",      "CapabilityBoundingSet", "AmbientCapabilities",
};

static bool setting_is(const char *line, size_t len, const char *key) {
        size_t n = strlen(key);
        return len > n && strncmp(line, key, n) == 0 && line[n] == '=';
}

static bool setting_applies(const char *line, size_t len, const SandboxLimits *limits) {
        if (!limits || !limits->unprivileged)
                return true;
        if (limits->kmsg_masked && setting_is(line, len, "ProtectKernelLogs"))
                return false;
        for (size_t i = 0; limits->no_user_namespace && i < ELEMENTSOF(need_user_namespace); i++)
                if (setting_is(line, len, need_user_namespace[i]))
                        return false;
        return true;
}

/* The settings of a hardening level: the lines of units/hardening-LEVEL.in, our own constants,
 * less what the manager cannot apply. */
int hardening_lines(Hardening h, Scope scope, const SandboxLimits *limits, char ***l) {
        const char *tmpl = h == HARDENING_DEFAULT ? units_hardening_default_in
                           : h == HARDENING_STRICT ? units_hardening_strict_in
                                                   : NULL;
        /* The user namespace that lets an unprivileged manager apply the rest, first after the comment. */
        bool private_users = limits && limits->unprivileged && !limits->no_user_namespace;
        for (const char *line = tmpl; line && *line;) {
                const char *nl = strchr(line, '\n');
                size_t len = nl ? (size_t) (nl - line) : strlen(line);
                if (private_users && line[0] != '#') {
                        if (strv_extend(l, "PrivateUsers=yes") < 0)
                                return -ENOMEM;
                        private_users = false;
                }
                /* A user manager's notify socket lives in /run/user/UID, which ProtectHome=yes would
                 * hide: READY=1 could never arrive. Read-only keeps it reachable. */
                bool hide_home = len == strlen("ProtectHome=yes") && strncmp(line, "ProtectHome=yes", len) == 0;
                if (setting_applies(line, len, limits)) {
                        char *copy = scope == SCOPE_USER && hide_home ? strdup("ProtectHome=read-only")
                                                                       : strndup(line, len);
                        if (!copy || strv_push(l, copy) < 0)
                                return -ENOMEM;
                }
                line += len + (nl ? 1 : 0);
        }
        return 0;
}
