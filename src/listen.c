/* Listen address validation. */
#include "listen.h"

#include <arpa/inet.h>
#include <sys/un.h>

#include "escape.h"
#include "util.h"

static int parse_port(const char *s, unsigned *ret) {
        unsigned port;

        if (safe_atou(s, &port) < 0 || port < 1 || port > 65535 || s[0] == '0')
                return -EINVAL;
        *ret = port;
        return 0;
}

int listen_address_normalize(const char *s, char **ret) {
        unsigned port;
        char *c;

        if (!s || !*s)
                return -EINVAL;
        if (s[0] == '/') {
                /* sun_path holds 107 bytes and a NUL; the path must be plain text systemd reads raw. */
                if (strlen(s) >= sizeof(((struct sockaddr_un *) NULL)->sun_path) || value_check(s) < 0 ||
                    strchr(s, ' ') || strchr(s, '\\') || strchr(s, '%') || endswith(s, "/"))
                        return -EINVAL;
                /* systemd wants it normalized: no "//", "/./" or "/../". */
                _cleanup_free_ char *normalized = NULL;
                if (path_normalize(s, &normalized) < 0 || !streq(normalized, s))
                        return -EINVAL;
        } else if (s[0] == '[') {
                const char *end = strchr(s, ']');
                struct in6_addr a6;
                char host[INET6_ADDRSTRLEN + 1];

                if (!end || end[1] != ':' || (size_t) (end - s - 1) >= sizeof(host))
                        return -EINVAL;
                memcpy(host, s + 1, (size_t) (end - s - 1));
                host[end - s - 1] = 0;
                if (inet_pton(AF_INET6, host, &a6) != 1 || parse_port(end + 2, &port) < 0)
                        return -EINVAL;
        } else if (strchr(s, ':')) {
                const char *colon = strrchr(s, ':');
                struct in_addr a4;
                char host[INET_ADDRSTRLEN + 1];

                if ((size_t) (colon - s) >= sizeof(host))
                        return -EINVAL;
                memcpy(host, s, (size_t) (colon - s));
                host[colon - s] = 0;
                if (inet_pton(AF_INET, host, &a4) != 1 || parse_port(colon + 1, &port) < 0)
                        return -EINVAL;
        } else if (parse_port(s, &port) < 0)
                return -EINVAL;

        if (!(c = strdup(s)))
                return -ENOMEM;
        *ret = c;
        return 0;
}

bool listen_address_is_unix(const char *s) {
        return s[0] == '/';
}
