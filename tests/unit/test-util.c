/* Tests of util.c: number parsing every module relies on, string vectors, index lists, buffers, the hash. */
#include "test.h"

#include <limits.h>

#include "util.h"

TEST(safe_atou) {
        unsigned v = 7;

        ASSERT_OK(safe_atou("0", &v));
        ASSERT_EQ_INT(v, 0);
        ASSERT_OK(safe_atou("4294967295", &v));
        ASSERT_EQ_INT(v, UINT_MAX);
        ASSERT_EQ_INT(safe_atou("4294967296", &v), -ERANGE);
        static const char *const bad[] = { "", "-1", "+1", " 1", "1 ", "1x", "x", "0x10", "1.0" };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                v = 7;
                if (safe_atou(bad[i], &v) != -EINVAL)
                        FAIL("safe_atou(\"%s\") accepted", bad[i]);
                ASSERT_EQ_INT(v, 7);
        }
        ASSERT_EQ_INT(safe_atou(NULL, &v), -EINVAL);
}

TEST(safe_atoi) {
        int v = 7;

        ASSERT_OK(safe_atoi("-2147483648", &v));
        ASSERT_EQ_INT(v, INT_MIN);
        ASSERT_OK(safe_atoi("2147483647", &v));
        ASSERT_EQ_INT(v, INT_MAX);
        ASSERT_OK(safe_atoi("+5", &v));
        ASSERT_EQ_INT(v, 5);
        ASSERT_EQ_INT(safe_atoi("2147483648", &v), -ERANGE);
        ASSERT_EQ_INT(safe_atoi("-2147483649", &v), -ERANGE);
        static const char *const bad[] = { "", " 1", "1 ", "1x", "-", "--1", "1.5" };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                v = 7;
                if (safe_atoi(bad[i], &v) != -EINVAL)
                        FAIL("safe_atoi(\"%s\") accepted", bad[i]);
                ASSERT_EQ_INT(v, 7);
        }
}

TEST(parse_seconds) {
        double v = -1;

        ASSERT_OK(parse_seconds("1", &v));
        ASSERT_EQ_DOUBLE(v, 1.0);
        ASSERT_OK(parse_seconds("0.25", &v));
        ASSERT_EQ_DOUBLE(v, 0.25);
        ASSERT_OK(parse_seconds("0", &v));
        ASSERT_EQ_DOUBLE(v, 0.0);
        /* Plain decimals only: no units, exponents, hex, infinities or NaN. */
        static const char *const bad[] = { "", "-1", "1s", "1e3", "0x10", "inf", "nan", "INF", "1 ", "abc" };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                v = 42;
                if (parse_seconds(bad[i], &v) != -EINVAL)
                        FAIL("parse_seconds(\"%s\") accepted", bad[i]);
                ASSERT_EQ_DOUBLE(v, 42);
        }
}

TEST(strv) {
        _cleanup_strv_free_ char **l = NULL;

        ASSERT_EQ_INT(strv_length(NULL), 0);
        ASSERT_OK(strv_extend(&l, "a"));
        ASSERT_OK(strv_push(&l, strdup("b")));
        ASSERT_OK(strv_extend(&l, ""));
        ASSERT_EQ_INT(strv_length(l), 3);
        ASSERT_TRUE(l[3] == NULL);
        ASSERT_TRUE(strv_contains(l, "b"));
        ASSERT_TRUE(strv_contains(l, ""));
        ASSERT_FALSE(strv_contains(l, "c"));
        ASSERT_FALSE(strv_contains(NULL, "a"));
}

TEST(index_list) {
        _cleanup_free_ unsigned *l = NULL;
        size_t n = 0;

        ASSERT_OK(index_list_add(&l, &n, 10));
        ASSERT_OK(index_list_add(&l, &n, 2));
        ASSERT_OK(index_list_add(&l, &n, 10)); /* there already */
        ASSERT_OK(index_list_add(&l, &n, UINT_MAX));
        ASSERT_OK(index_list_add(&l, &n, 0));
        ASSERT_EQ_INT(n, 4);
        index_list_sort(l, n);
        ASSERT_EQ_INT(l[0], 0);
        ASSERT_EQ_INT(l[1], 2);
        ASSERT_EQ_INT(l[2], 10);
        ASSERT_TRUE(l[3] == UINT_MAX); /* compared, not subtracted: no overflow */
        index_list_sort(NULL, 0);
}

TEST(buffer) {
        _cleanup_buffer_ Buffer b = {};
        _cleanup_free_ char *s = NULL, *empty = NULL, *big = NULL;

        ASSERT_OK(buffer_puts(&b, "a"));
        ASSERT_OK(buffer_append(&b, "bcdef", 2));
        ASSERT_OK(buffer_printf(&b, "-%d-%s", 42, "x"));
        ASSERT_EQ_INT(b.len, 8);
        ASSERT_STREQ(b.data, "abc-42-x");
        for (int i = 0; i < 1000; i++) /* grows past the first allocation */
                ASSERT_OK(buffer_puts(&b, "0123456789"));
        ASSERT_EQ_INT(b.len, 10008);
        ASSERT_EQ_INT(strlen(b.data), 10008);
        s = buffer_steal(&b);
        ASSERT_TRUE(b.data == NULL && b.len == 0);
        ASSERT_TRUE(startswith(s, "abc-42-x0123"));
        empty = buffer_steal(&b); /* never NULL */
        ASSERT_STREQ(empty, "");
}

TEST(strings) {
        _cleanup_free_ char *j = strjoin("ab", "cd"), *p = NULL;

        ASSERT_TRUE(startswith("web@3.service", "web@"));
        ASSERT_TRUE(startswith("x", ""));
        ASSERT_FALSE(startswith("we", "web"));
        ASSERT_TRUE(endswith("web.socket", ".socket"));
        ASSERT_TRUE(endswith("x", ""));
        ASSERT_FALSE(endswith("t", "socket"));
        ASSERT_STREQ(j, "abcd");
        ASSERT_OK(asprintf_safe(&p, "%s=%u", "N", 3u));
        ASSERT_STREQ(p, "N=3");
        ASSERT_TRUE(streq_ptr(NULL, NULL));
        ASSERT_FALSE(streq_ptr("a", NULL));
        ASSERT_STREQ(strempty(NULL), "");
        ASSERT_STREQ(strna(""), "-");
        ASSERT_STREQ(strna("x"), "x");
}

TEST(hash64) {
        /* FNV-1a 64 reference values: the marker's Hash= must not change between versions. */
        ASSERT_TRUE(hash64("", 0) == 0xcbf29ce484222325ULL);
        ASSERT_TRUE(hash64("a", 1) == 0xaf63dc4c8601ec8cULL);
        ASSERT_TRUE(hash64("foobar", 6) == 0x85944171f73967e8ULL);
        ASSERT_TRUE(hash64("ab", 2) != hash64("ba", 2));
}

TEST(clocks) {
        uint64_t a = now_usec(), b = now_usec();
        ASSERT_TRUE(b >= a);
        ASSERT_TRUE(realtime_usec() > 1600000000ULL * 1000000ULL); /* after 2020 */
}
