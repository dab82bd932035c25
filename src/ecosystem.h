/* Reading a PM2 ecosystem file into JSON, as PM2 reads it: ecosystem.config.js, .cjs and .mjs are
 * evaluated by node (with the evaluator script clusterctl ships), .json is parsed with json-c,
 * the process-file YAML (.yml, .yaml) with libyaml. */
#pragma once

#include <json-c/json.h>

#define ECOSYSTEM_EVALUATOR "ecosystem-to-json.js"

/* Reads `path`; `evaluator` is the path of ecosystem-to-json.js. On failure returns -errno and
 * sets *ret_error (owned) to a message that names the file. */
int ecosystem_read(const char *path, const char *evaluator, json_object **ret, char **ret_error);
