/* The [X-Clusterctl] section every file clusterctl writes ends with: whose it is, which config
 * it came from, and a hash of the text, so an edited or foreign file is never taken for ours. Pure. */
#pragma once

#include <stdbool.h>

#include "config.h"

#define MARKER_SECTION "[X-Clusterctl]"

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
