/* Tests of instances.c: instance counts as a config and `clusterctl scale` give them, and
 * rollout batch sizes. */
#include "test.h"

#include <sched.h>

#include "instances.h"
#include "util.h"

static void check_spec(const char *s, bool relative, int n) {
        InstanceSpec spec = { .relative_to_max = !relative, .n = -12345 };

        ASSERT_OK(instance_spec_parse(s, &spec));
        ASSERT_EQ_INT(spec.relative_to_max, relative);
        ASSERT_EQ_INT(spec.n, n);
}

TEST(instance_spec_parse_valid) {
        CHECK(check_spec("1", false, 1));
        CHECK(check_spec("4", false, 4));
        CHECK(check_spec("1024", false, INSTANCES_MAX));
        CHECK(check_spec("max", true, 0));
        CHECK(check_spec("max-1", true, 1));
        CHECK(check_spec("max-0", true, 0));
        CHECK(check_spec("max-1023", true, 1023));
        CHECK(check_spec("-1", true, 1)); /* PM2: -1 means all CPUs but one */
        CHECK(check_spec("-1023", true, 1023));
}

TEST(instance_spec_parse_invalid) {
        static const struct {
                const char *in;
                int error;
        } bad[] = {
                { "0", -ERANGE },
                { "-0", -ERANGE },
                { "1025", -ERANGE },
                { "99999999999", -ERANGE },
                { "-1024", -ERANGE },
                { "max-1024", -ERANGE },
                { "abc", -EINVAL },
                { "", -EINVAL },
                { "+2", -EINVAL }, /* relative counts are for `scale`, not for a config */
                { "+0", -EINVAL },
                { "max-", -EINVAL },
                { "max-x", -EINVAL },
                { "max-+1", -EINVAL },
                { "max--1", -EINVAL },
                { "maxx", -EINVAL },
                { "MAX", -EINVAL },
                { "max+1", -EINVAL },
                { " 4", -EINVAL },
                { "4 ", -EINVAL },
                { "4x", -EINVAL },
                { "0x10", -EINVAL },
                { "1.5", -EINVAL },
        };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                InstanceSpec spec = { .relative_to_max = true, .n = 777 };
                int r = instance_spec_parse(bad[i].in, &spec);
                if (r != bad[i].error)
                        FAIL("instance_spec_parse(\"%s\") = %d, expected %d", bad[i].in, r, bad[i].error);
                ASSERT_EQ_INT(spec.n, 777); /* ret untouched on failure */
        }
        ASSERT_EQ_INT(instance_spec_parse(NULL, &(InstanceSpec) {}), -EINVAL);
}

TEST(instance_spec_resolve) {
        InstanceSpec spec;

        ASSERT_OK(instance_spec_parse("max", &spec));
        ASSERT_EQ_INT(instance_spec_resolve(&spec, 8), 8);
        ASSERT_EQ_INT(instance_spec_resolve(&spec, 1), 1);
        ASSERT_EQ_INT(instance_spec_resolve(&spec, 4096), INSTANCES_MAX); /* never more than the maximum */

        ASSERT_OK(instance_spec_parse("max-1", &spec));
        ASSERT_EQ_INT(instance_spec_resolve(&spec, 8), 7);
        ASSERT_EQ_INT(instance_spec_resolve(&spec, 2), 1);
        ASSERT_EQ_INT(instance_spec_resolve(&spec, 1), 1); /* at least one */

        ASSERT_OK(instance_spec_parse("-1", &spec));
        ASSERT_EQ_INT(instance_spec_resolve(&spec, 8), 7);

        ASSERT_OK(instance_spec_parse("max-3", &spec));
        ASSERT_EQ_INT(instance_spec_resolve(&spec, 2), 1);

        ASSERT_OK(instance_spec_parse("6", &spec));
        ASSERT_EQ_INT(instance_spec_resolve(&spec, 2), 6); /* absolute counts ignore the CPUs */
        ASSERT_EQ_INT(instance_spec_resolve(&spec, 64), 6);
}

static void check_scale(const char *s, unsigned current, unsigned cpus, unsigned want) {
        unsigned got = 9999;
        int r = scale_target_parse(s, current, cpus, &got);
        if (r < 0)
                FAIL("scale_target_parse(\"%s\", current=%u, cpus=%u) = %d, expected %u", s, current, cpus, r, want);
        if (got != want)
                FAIL("scale_target_parse(\"%s\", current=%u, cpus=%u) gave %u, expected %u", s, current, cpus, got,
                     want);
}

static void check_scale_error(const char *s, unsigned current, unsigned cpus, int error) {
        unsigned got = 9999;
        int r = scale_target_parse(s, current, cpus, &got);
        if (r != error)
                FAIL("scale_target_parse(\"%s\", current=%u, cpus=%u) = %d (result %u), expected %d", s, current, cpus,
                     r, got, error);
        ASSERT_EQ_INT(got, 9999);
}

TEST(scale_target_parse_valid) {
        CHECK(check_scale("4", 2, 8, 4));
        CHECK(check_scale("+2", 3, 8, 5));
        CHECK(check_scale("-2", 3, 8, 1));   /* relative, unlike a config's -N */
        CHECK(check_scale("+0", 3, 8, 3));
        CHECK(check_scale("max", 3, 8, 8));
        CHECK(check_scale("max-1", 3, 8, 7));
        CHECK(check_scale("max-3", 3, 2, 1)); /* as in a config: at least one */
        CHECK(check_scale("1024", 1, 1, INSTANCES_MAX));
        CHECK(check_scale("+1", 1023, 1, INSTANCES_MAX));
}

TEST(scale_target_parse_invalid) {
        CHECK(check_scale_error("-3", 3, 8, -ERANGE)); /* below 1 */
        CHECK(check_scale_error("-5", 3, 8, -ERANGE));
        CHECK(check_scale_error("0", 3, 8, -ERANGE));
        CHECK(check_scale_error("1025", 3, 8, -ERANGE)); /* above INSTANCES_MAX */
        CHECK(check_scale_error("+2", 1023, 8, -ERANGE));
        CHECK(check_scale_error("+2000", 3, 8, -ERANGE));
        CHECK(check_scale_error("-2000", 3, 8, -ERANGE));
        CHECK(check_scale_error("", 3, 8, -EINVAL));
        CHECK(check_scale_error("abc", 3, 8, -EINVAL));
        CHECK(check_scale_error("+", 3, 8, -EINVAL));
        CHECK(check_scale_error("-", 3, 8, -EINVAL));
        CHECK(check_scale_error("+-2", 3, 8, -EINVAL));
        CHECK(check_scale_error("--2", 3, 8, -EINVAL));
        CHECK(check_scale_error("+2x", 3, 8, -EINVAL));
        CHECK(check_scale_error("max-", 3, 8, -EINVAL));
        CHECK(check_scale_error("maxx", 3, 8, -EINVAL));
        CHECK(check_scale_error("2.5", 3, 8, -EINVAL));
        ASSERT_EQ_INT(scale_target_parse(NULL, 3, 8, &(unsigned) { 0 }), -EINVAL);
}

TEST(usable_cpus_follows_affinity) {
        cpu_set_t set, one;
        int first = -1;

        /* The test runs in its own process: narrowing its affinity touches nothing else. */
        ASSERT_OK(sched_getaffinity(0, sizeof(set), &set));
        ASSERT_EQ_INT(usable_cpus(), CPU_COUNT(&set));
        for (int i = 0; i < CPU_SETSIZE && first < 0; i++)
                if (CPU_ISSET(i, &set))
                        first = i;
        ASSERT_TRUE(first >= 0);
        CPU_ZERO(&one);
        CPU_SET(first, &one);
        ASSERT_OK(sched_setaffinity(0, sizeof(one), &one));
        ASSERT_EQ_INT(usable_cpus(), 1);
}

static void check_batch(const char *s, unsigned count, unsigned percent) {
        unsigned c = 9999, p = 9999;

        ASSERT_OK(batch_spec_parse(s, &c, &p));
        ASSERT_EQ_INT(c, count);
        ASSERT_EQ_INT(p, percent);
}

TEST(batch_spec_parse) {
        CHECK(check_batch("1", 1, 0));
        CHECK(check_batch("3", 3, 0));
        CHECK(check_batch("1024", 1024, 0));
        CHECK(check_batch("25%", 0, 25));
        CHECK(check_batch("1%", 0, 1));
        CHECK(check_batch("100%", 0, 100));

        static const char *const bad[] = {
                "0%", "101%", "0", "1025", "", "%", "-1", "-25%", "abc", "25%%", "25 %", " 25%", "2.5%", "x%", "+1",
        };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                unsigned c = 9999, p = 9999;
                int r = batch_spec_parse(bad[i], &c, &p);
                if (r != -EINVAL)
                        FAIL("batch_spec_parse(\"%s\") = %d, expected -EINVAL", bad[i], r);
                ASSERT_EQ_INT(c, 9999);
                ASSERT_EQ_INT(p, 9999);
        }
        ASSERT_EQ_INT(batch_spec_parse(NULL, &(unsigned) { 0 }, &(unsigned) { 0 }), -EINVAL);
}

TEST(batch_size) {
        /* Percentages round up, so a batch is never empty. */
        ASSERT_EQ_INT(batch_size(0, 25, 8), 2);
        ASSERT_EQ_INT(batch_size(0, 25, 3), 1);
        ASSERT_EQ_INT(batch_size(0, 25, 9), 3);
        ASSERT_EQ_INT(batch_size(0, 50, 3), 2);
        ASSERT_EQ_INT(batch_size(0, 1, 1), 1);
        ASSERT_EQ_INT(batch_size(0, 1, 1024), 11);
        ASSERT_EQ_INT(batch_size(0, 100, 5), 5);
        /* Counts, at most the total. */
        ASSERT_EQ_INT(batch_size(1, 0, 8), 1);
        ASSERT_EQ_INT(batch_size(3, 0, 8), 3);
        ASSERT_EQ_INT(batch_size(10, 0, 4), 4);
        /* No instances: still a batch of one, never zero (a zero batch would never finish). */
        ASSERT_EQ_INT(batch_size(0, 25, 0), 1);
        ASSERT_EQ_INT(batch_size(2, 0, 0), 1);
}
