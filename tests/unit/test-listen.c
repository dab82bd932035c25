/* Tests of listen.c: the addresses a config may give, which become ListenStream= lines. */
#include "test.h"

#include <sys/un.h>

#include "listen.h"
#include "testutil.h"
#include "util.h"

TEST(listen_address_normalize_valid) {
        static const char *const ok[] = {
                "3000", "1", "65535", "127.0.0.1:3000", "0.0.0.0:80", "[::]:3000", "[::1]:8080",
                "[fe80::1]:443", "/run/web.sock", "/tmp/a-b_c.d/web.sock",
        };
        for (size_t i = 0; i < ELEMENTSOF(ok); i++) {
                _cleanup_free_ char *n = NULL;
                int r = listen_address_normalize(ok[i], &n);
                if (r < 0)
                        FAIL("listen_address_normalize(\"%s\") = %d, expected success", ok[i], r);
                ASSERT_STREQ(n, ok[i]);
        }
}

TEST(listen_address_normalize_invalid) {
        size_t sun_path = sizeof(((struct sockaddr_un *) NULL)->sun_path);
        _cleanup_free_ char *a106 = repeat_string("a", sun_path - 2), *a107 = repeat_string("a", sun_path - 1);
        /* sun_path holds 108 bytes with the NUL: a 107-byte path fits, 108 does not. */
        _cleanup_free_ char *longest = concat("/", a106, NULL), *too_long = concat("/", a107, NULL);

        {
                _cleanup_free_ char *n = NULL;
                ASSERT_OK(listen_address_normalize(longest, &n));
        }

        const char *const bad[] = {
                "", "0", "70000", "65536", "-1", "03000", "3000 ", " 3000", "port",
                "localhost:80", "127.0.0.1", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536", "256.0.0.1:80",
                "127.0.0.1:80:80", "[::1]80", "[::1]", "[::1]:", "::1:80", "[::g]:80", "[127.0.0.1]:80",
                "run/web.sock", "./web.sock", "web.sock", "/run/web sock", "/run/web%i.sock", "/run/a\\b.sock",
                "/run/web/", "/run/web\n.sock", too_long,
        };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                _cleanup_free_ char *n = NULL;
                int r = listen_address_normalize(bad[i], &n);
                if (r != -EINVAL)
                        FAIL("listen_address_normalize(\"%s\") = %d, expected -EINVAL", bad[i], r);
                ASSERT_TRUE(n == NULL);
        }
        ASSERT_EQ_INT(listen_address_normalize(NULL, &(char *) { NULL }), -EINVAL);
}

/* A unix socket path with "." or ".." components is refused: systemd refuses
 * ListenStream=/run/../web.sock ("Failed to load configuration: Operation not permitted") and
 * the socket unit would not load. */
TEST(listen_address_normalize_refuses_dot_dot) {
        const char *const bad[] = { "/run/../web.sock", "/run/x/..", "/../web.sock" };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                _cleanup_free_ char *n = NULL;
                int r = listen_address_normalize(bad[i], &n);
                if (r != -EINVAL)
                        FAIL("listen_address_normalize(\"%s\") = %d, expected -EINVAL", bad[i], r);
        }
}

TEST(listen_address_kind) {
        ASSERT_TRUE(listen_address_is_unix("/run/web.sock"));
        ASSERT_FALSE(listen_address_is_unix("3000"));
        ASSERT_FALSE(listen_address_is_unix("[::]:3000"));
}
