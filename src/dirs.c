/* The directories of a scope, resolved from the environment as systemd does. */
#include "dirs.h"

#include "util.h"

static int base_dir(Scope scope, ScopeDir which, const char **ret_base, const char **ret_sub) {
        const char *v;

        *ret_sub = NULL;
        if (scope == SCOPE_SYSTEM) {
                *ret_base = which == SCOPE_DIR_CONFIG ? "/etc" : which == SCOPE_DIR_STATE ? "/var/lib" : "/run";
                return 0;
        }
        if (which == SCOPE_DIR_RUNTIME) {
                v = getenv("XDG_RUNTIME_DIR");
                if (!v || v[0] != '/')
                        return -ENXIO;
                *ret_base = v;
                return 0;
        }
        /* A relative XDG_CONFIG_HOME (or _STATE_HOME) is invalid by the spec, and ignored as systemd
         * ignores it. */
        if ((v = getenv(which == SCOPE_DIR_STATE ? "XDG_STATE_HOME" : "XDG_CONFIG_HOME")) && v[0] == '/') {
                *ret_base = v;
                return 0;
        }
        if ((v = getenv("HOME")) && v[0] == '/') {
                *ret_base = v;
                *ret_sub = which == SCOPE_DIR_STATE ? ".local/state" : ".config";
                return 0;
        }
        return -ENXIO;
}

int scope_path(Scope scope, ScopeDir which, const char *suffix, char **ret) {
        const char *base, *sub;
        int r = base_dir(scope, which, &base, &sub);
        if (r < 0)
                return r;
        return asprintf_safe(ret, "%s%s%s%s%s", base, sub ? "/" : "", strempty(sub), suffix ? "/" : "",
                             strempty(suffix));
}

int unit_dir_for_scope(Scope scope, char **ret) {
        return scope_path(scope, SCOPE_DIR_CONFIG, scope == SCOPE_SYSTEM ? "systemd/system" : "systemd/user", ret);
}

int config_dir_for_scope(Scope scope, char **ret) {
        return scope_path(scope, SCOPE_DIR_CONFIG, "clusterctl", ret);
}

int runtime_dir_for_scope(Scope scope, char **ret) {
        return scope_path(scope, SCOPE_DIR_RUNTIME, "clusterctl", ret);
}

int app_state_dir(Scope scope, const char *app, char **ret) {
        _cleanup_free_ char *suffix = NULL;
        if (asprintf_safe(&suffix, "clusterctl/%s", app) < 0)
                return -ENOMEM;
        return scope_path(scope, SCOPE_DIR_STATE, suffix, ret);
}

int app_config_path(Scope scope, const char *app, char **ret) {
        _cleanup_free_ char *suffix = NULL;
        if (asprintf_safe(&suffix, "clusterctl/%s.conf", app) < 0)
                return -ENOMEM;
        return scope_path(scope, SCOPE_DIR_CONFIG, suffix, ret);
}
