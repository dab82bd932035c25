/* Tests of unit-name.c: the names of an app's instance units, written and read back. Every
 * module that reads "APP@K.service" (the enable links, the loaded units, the journal) uses the
 * one parser tested here, so they agree on which names are instances. */
#include "test.h"

#include "instances.h"
#include "unit-name.h"
#include "util.h"

static int parse(const char *name, const char *app, const char *suffix, unsigned *ret) {
        return unit_name_parse_instance(name, strlen(name), app, suffix, ret);
}

TEST(parse_instance_round_trip) {
        static const unsigned indices[] = { 0, 1, 9, 10, 99, 100, INSTANCES_MAX - 1 };
        for (size_t i = 0; i < ELEMENTSOF(indices); i++) {
                _cleanup_free_ char *name = NULL;
                unsigned k = 12345;
                ASSERT_OK(unit_name_instance("web", indices[i], ".service", &name));
                ASSERT_OK(parse(name, "web", ".service", &k));
                ASSERT_EQ_INT(k, indices[i]);
        }
}

/* "web@01" is not instance 1: systemd sees a unit of its own there (its %i is "01"), which
 * clusterctl never writes. Taking it for instance 1 would stop, count or show the wrong unit. */
TEST(parse_instance_refuses_leading_zeros) {
        unsigned k = 7;
        ASSERT_EQ_INT(parse("web@01.service", "web", ".service", &k), -EINVAL);
        ASSERT_EQ_INT(parse("web@00.service", "web", ".service", &k), -EINVAL);
        ASSERT_EQ_INT(parse("web@007.socket", "web", ".socket", &k), -EINVAL);
        ASSERT_EQ_INT(k, 7); /* untouched on failure */
        ASSERT_OK(parse("web@0.service", "web", ".service", &k));
        ASSERT_EQ_INT(k, 0);
        ASSERT_OK(parse("web@10.service", "web", ".service", &k));
        ASSERT_EQ_INT(k, 10);
}

TEST(parse_instance_refuses_other_names) {
        static const char *const bad[] = {
                "web@.service",      "web@1",          "web@1.socket",    "web@-1.service", "web@+1.service",
                "web@ 1.service",    "web@1 .service", "web@1a.service",  "web@0x1.service", "webx@1.service",
                "we@1.service",      "web1.service",   "web.service",     "web@1.service.d", "web@1.1.service",
                "web@1024.service",  "web@99999999999999999999.service", "other@1.service", "",
        };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                unsigned k;
                if (parse(bad[i], "web", ".service", &k) != -EINVAL)
                        FAIL("\"%s\" was taken for an instance of web", bad[i]);
        }
}

/* The journal hands over values that are not NUL-terminated; only len bytes count. */
TEST(parse_instance_length_bounded) {
        const char *field = "web@3.service-and-more";
        unsigned k = 0;
        ASSERT_OK(unit_name_parse_instance(field, strlen("web@3.service"), "web", ".service", &k));
        ASSERT_EQ_INT(k, 3);
        ASSERT_OK(unit_name_parse_instance("web@42xyz", 6, "web", "", &k));
        ASSERT_EQ_INT(k, 42);
        ASSERT_EQ_INT(unit_name_parse_instance("web@42xyz", 4, "web", "", &k), -EINVAL);
}

TEST(instance_units_upto) {
        _cleanup_strv_free_ char **units = instance_units_upto("web", 3, ".socket");
        ASSERT_TRUE(units);
        ASSERT_EQ_INT(strv_length(units), 3);
        ASSERT_STREQ(units[0], "web@0.socket");
        ASSERT_STREQ(units[2], "web@2.socket");
        _cleanup_strv_free_ char **none = instance_units_upto("web", 0, ".service");
        ASSERT_TRUE(none && !none[0]);
}
