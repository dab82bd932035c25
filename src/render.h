/* App → unit file text, from the templates in units/ (embedded at build time). Pure: no I/O. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

typedef enum Scope {
        SCOPE_SYSTEM,
        SCOPE_USER,
        _SCOPE_MAX,
} Scope;

/* What the manager that runs the units cannot set up for them: all false for the system manager
 * and for root's user manager. The caller finds these out (manager-facts.c); render takes them as
 * given. */
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

typedef struct UnitFile {
        char *path; /* relative to the unit directory: "web@.service", "web@3.service.d/50-instance.conf" */
        char *text;
} UnitFile;

typedef struct UnitSet {
        UnitFile *files;
        size_t n_files;
} UnitSet;

void unit_set_done(UnitSet *s);
int unit_set_add(UnitSet *s, const char *path, char *text); /* takes text */
const UnitFile *unit_set_find(const UnitSet *s, const char *path);

#define MARKER_SECTION "[X-Clusterctl]"
#define INSTANCE_DROPIN "50-clusterctl-instance.conf"

/* The files every app has, whatever its instance count: the service template, the target and
 * the socket(s); the hardening what `limits` (NULL: none) leaves of the app's level. On error,
 * *ret_error (owned) says why. */
int render_app_units(const App *app, Scope scope, const SandboxLimits *limits, UnitSet *ret, char **ret_error);

/* The drop-in for instance `index` when a value differs per instance (increment_var), else
 * returns 0 and sets *ret to NULL. */
int render_instance_dropin(const App *app, unsigned index, UnitFile **ret);

/* Everything an app has at `count` instances: render_app_units plus each instance's drop-in. */
int render_app_all(const App *app, Scope scope, const SandboxLimits *limits, unsigned count, UnitSet *ret,
                   char **ret_error);

/* Template engine: each line is emitted once per value of the placeholders it names ({{KEY}});
 * a line whose placeholder has no value is dropped. Exposed for tests. */
typedef struct TemplateVar {
        const char *key;
        char **values;
} TemplateVar;
int render_template(const char *tmpl, const TemplateVar *vars, size_t n_vars, char **ret);

/* Appends the [X-Clusterctl] marker section with app, config, `extra` lines ("Key=value", already
 * safe) and the hash of all text before it. */
int append_marker(const char *text, const char *app, const char *config_path, char *const *extra, char **ret);

/* Reads a marker back: true when text carries one for `app` (any app when NULL). */
bool marker_find(const char *text, const char *app);
/* The App= or Config= value of a marker, or NULL. */
char *marker_get(const char *text, const char *key);
/* True when the Hash= of the marker matches the text (nobody edited the file). */
bool marker_hash_matches(const char *text);

/* What scale needs to render an instance's drop-in without the config: kept in the template's marker. */
int app_from_marker(const char *service_text, App *ret);

/* Unit names of an app. */
int unit_name_instance(const char *app, unsigned index, const char *suffix, char **ret);
