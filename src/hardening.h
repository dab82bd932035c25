/* The hardening levels' policy: what each sandbox hides from the app. Pure. */
#pragma once

#include <stdbool.h>

#include "config.h"
#include "scope.h"

bool path_under(const char *path, const char *dir);
/* Why the sandbox of `level` hides path from the app (PrivateTmp=yes, in every scope), or NULL.
 * ProtectHome= depends on the scope: render.c checks that. */
const char *hidden_by_hardening(Hardening level, const char *path);
/* What the manager that runs the units cannot set up for them: all false for the system manager
 * and for root's user manager. The caller finds these out (manager-facts.c); the policy takes
 * them as given. */
typedef struct SandboxLimits {
        /* A user manager of a user other than root. It has no capabilities: namespaces and capability
         * settings work only inside a user namespace of the unit's own (PrivateUsers=yes). */
        bool unprivileged;
        /* ...and it cannot create one (user namespaces disabled or blocked). */
        bool no_user_namespace;
        /* /proc/kmsg is a mount of a container manager's, which a unit in a user namespace cannot
         * mount over (ProtectKernelLogs= would fail it with 226/NAMESPACE). */
        bool kmsg_masked;
} SandboxLimits;

/* The settings of a hardening level, one unit line each (units/hardening-LEVEL.in, adapted to
 * the scope, less what `limits` (NULL: none) says the manager cannot apply), appended to *l. */
int hardening_lines(Hardening h, Scope scope, const SandboxLimits *limits, char ***l);
