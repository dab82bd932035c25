/* A unified diff of two small texts (unit files), for reload --dry-run. Pure. */
#pragma once

/* Lines of `a` and `b` with "-", "+" and " " prefixes around each change (3 lines of context),
 * after "--- a_name" / "+++ b_name" headers. Empty string when the texts are equal. */
int unified_diff(const char *a_name, const char *a, const char *b_name, const char *b, char **ret);
