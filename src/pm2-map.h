/* PM2 ecosystem apps → clusterctl config text. Pure: the ecosystem file has already been read
 * into JSON (json-c) by whoever calls this; nothing here touches a file or the environment.
 *
 * Every key of a PM2 app is either written as a config key, or written as a comment that says
 * why it has no equivalent and reported as a warning. A value that no unit could hold (a control
 * character, invalid UTF-8) or that names nothing valid (an app name, a user) is an error: the
 * caller then writes nothing. */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct Pm2MapOptions {
        const char *source;     /* the ecosystem file (absolute), named in the config's header */
        const char *source_dir; /* its directory: PM2's default cwd, and what a relative cwd is under */
        const char *env_name;   /* --env NAME: env_NAME is merged over env; NULL for none */
        const char *listen;     /* --listen ADDRESS: wins over the app's PORT/port; NULL for none */
        bool user_manager;      /* the config is for a user manager, which takes no user or group */
        /* Whether `path` is a compiled program, which PM2 runs with no interpreter. NULL: never. */
        bool (*script_is_binary)(const char *path);
} Pm2MapOptions;

typedef struct Pm2App {
        char *name;
        char *text;      /* the whole config file */
        char **warnings; /* "key: why", printable (no control characters) */
} Pm2App;

void pm2_app_done(Pm2App *a);

/* The apps of an ecosystem: { apps: [ … ] }, { apps: { … } }, a bare list, or one app object.
 * *ret_apps borrows from root. Not one of these: -EINVAL and *ret_error says why. Keys beside
 * apps (deploy, …) are added to *warnings. */
int pm2_ecosystem_apps(json_object *root, json_object ***ret_apps, size_t *ret_n, char ***warnings,
                       char **ret_error);

/* Maps app number `index` (0-based, for messages) of the ecosystem. */
int pm2_map_app(json_object *app, size_t index, const Pm2MapOptions *opts, Pm2App *ret, char **ret_error);
