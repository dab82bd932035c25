/* Listen addresses as a config gives them: "3000", "127.0.0.1:3000", "[::1]:3000", "/run/web.sock".
 * Pure validation; the result is safe to write as ListenStream= (after % escaping). */
#pragma once

#include <stdbool.h>

int listen_address_normalize(const char *s, char **ret);
bool listen_address_is_unix(const char *s);
