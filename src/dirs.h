/* Where clusterctl's files live in each scope: the one place that reads XDG_CONFIG_HOME,
 * XDG_STATE_HOME, HOME and XDG_RUNTIME_DIR. Pure apart from reading the environment.
 *
 *                 --system              --user
 *   config        /etc                  $XDG_CONFIG_HOME, else $HOME/.config
 *   runtime       /run                  $XDG_RUNTIME_DIR
 *   state         /var/lib              $XDG_STATE_HOME, else $HOME/.local/state
 */
#pragma once

#include "scope.h"

typedef enum ScopeDir {
        SCOPE_DIR_CONFIG,
        SCOPE_DIR_RUNTIME,
        SCOPE_DIR_STATE,
        _SCOPE_DIR_MAX,
} ScopeDir;

/* The base directory of `which` in the scope, joined with suffix ("clusterctl/web.conf"), or the
 * base itself when suffix is NULL. -ENXIO when the variables a user scope needs are unset or not
 * absolute paths. */
int scope_path(Scope scope, ScopeDir which, const char *suffix, char **ret);

/* /etc/systemd/system, or $XDG_CONFIG_HOME/systemd/user (~/.config/systemd/user). */
int unit_dir_for_scope(Scope scope, char **ret);
/* /etc/clusterctl, or $XDG_CONFIG_HOME/clusterctl (~/.config/clusterctl): the apps' configs. */
int config_dir_for_scope(Scope scope, char **ret);
/* /run/clusterctl, or $XDG_RUNTIME_DIR/clusterctl: locks and the state of a rollout. */
int runtime_dir_for_scope(Scope scope, char **ret);
/* /var/lib/clusterctl/APP, or $XDG_STATE_HOME/clusterctl/APP: the app's revisions. */
int app_state_dir(Scope scope, const char *app, char **ret);
/* /etc/clusterctl/APP.conf, or $XDG_CONFIG_HOME/clusterctl/APP.conf. */
int app_config_path(Scope scope, const char *app, char **ret);
