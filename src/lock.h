/* One mutating command per app at a time: an flock on a file under /run/clusterctl/ (system)
 * or $XDG_RUNTIME_DIR/clusterctl/ (user). The kernel drops it when the process dies, however. */
#pragma once

#include "render.h"

typedef struct AppLock {
        int fd;
} AppLock;

#define APP_LOCK_NULL ((AppLock) { .fd = -1 })

/* -EBUSY when another process holds it and wait is false; *ret_holder is then its pid (or 0). */
int app_lock_take(Scope scope, const char *app, bool wait, AppLock *ret, int *ret_holder);
void app_lock_release(AppLock *l);
/* True while a command holds the app's lock (status: a rollout is under way, not interrupted). */
bool app_lock_held(Scope scope, const char *app);

/* A file of the app's in the runtime directory that holds the lock: "web.rollout". */
int app_runtime_file(Scope scope, const char *app, const char *suffix, char **ret);
