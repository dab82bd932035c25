/* The hardening levels' policy: what each sandbox hides from the app. Pure. */
#pragma once

#include <stdbool.h>

#include "config.h"
#include "scope.h"

bool path_under(const char *path, const char *dir);
/* Why the sandbox of `level` hides path from the app (PrivateTmp=yes, in every scope), or NULL.
 * ProtectHome= depends on the scope: render.c checks that. */
const char *hidden_by_hardening(Hardening level, const char *path);
/* The settings of a hardening level, one unit line each (units/hardening-LEVEL.in, adapted to
 * the scope), appended to *l. */
int hardening_lines(Hardening h, Scope scope, char ***l);
