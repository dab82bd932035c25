/* Which service manager clusterctl works with: the system's, or the calling user's. */
#pragma once

typedef enum Scope {
        SCOPE_SYSTEM,
        SCOPE_USER,
        _SCOPE_MAX,
} Scope;
