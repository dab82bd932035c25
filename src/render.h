/* App → unit file text, from the templates in units/ (embedded at build time). Pure: no I/O. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "hardening.h"
#include "marker.h"
#include "scope.h"
#include "template.h"
#include "unit-name.h"
#include "unit-set.h"

#define INSTANCE_DROPIN "50-clusterctl-instance.conf"

/* The files every app has, whatever its instance count: the service template, the target and
 * the socket(s); the hardening what `limits` (NULL: none) leaves of the app's level. On error,
 * *ret_error (owned) says why. */
int render_app_units(const App *app, Scope scope, const SandboxLimits *limits, UnitSet *ret, char **ret_error);

/* Where instance `index`'s drop-in goes, relative to the unit directory: "APP@K.service.d/…". */
int render_instance_dropin_path(const char *app, unsigned index, char **ret);
/* The drop-in for instance `index` when a value differs per instance (increment_var), else
 * returns 0 and sets *ret to NULL. */
int render_instance_dropin(const App *app, unsigned index, UnitFile **ret);
/* Adds the drop-ins of instances 0..count-1 (none without increment_var) to set. */
int render_instance_dropins(const App *app, unsigned count, UnitSet *set);

/* Everything an app has at `count` instances: render_app_units plus each instance's drop-in. */
int render_app_all(const App *app, Scope scope, const SandboxLimits *limits, unsigned count, UnitSet *ret,
                   char **ret_error);
