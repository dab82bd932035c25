/* What clusterctl finds out about the manager that runs an app's units, from here: the same
 * user on the same machine. The facts go to render (which stays pure) and to the hints. */
#pragma once

#include <stdbool.h>

#include "render.h"

/* What the manager of `scope` cannot set up for a unit's sandbox. */
void manager_sandbox_limits(Scope scope, SandboxLimits *ret);

/* Whether logind keeps this user's manager running without a login and starts it at boot
 * (loginctl enable-linger). -ENOENT when the user manager at $XDG_RUNTIME_DIR is not the one
 * logind runs for this user (no logind, or a manager started otherwise): linger is no question
 * then. Other errors: logind could not be asked. */
int user_manager_lingers(bool *ret);
