/* Tests of revstore.c: revisions kept on disk under a temporary $XDG_STATE_HOME (user scope). */
#include "test.h"

#include <stdlib.h>

#include "revstore.h"
#include "util.h"

static char state_home[] = "/tmp/test-revstore.XXXXXX";
static bool state_home_made;

static void use_temporary_state_home(void) {
        ASSERT_TRUE(mkdtemp(state_home));
        ASSERT_OK(setenv("XDG_STATE_HOME", state_home, 1));
        state_home_made = true;
}

/* A revision of "web" whose service file says `version`: each version is a unit set of its own.
 * Instances run the revisions in `running` (0-terminated). */
static void keep_version_running(unsigned version, bool loaded, unsigned keep, const unsigned *running,
                                 unsigned *ret_number) {
        _cleanup_(revision_done) Revision r = { .time_usec = 1764552000000000ULL + version };
        char *service = NULL;

        ASSERT_TRUE(r.origin = strdup("reload"));
        ASSERT_TRUE(r.change = strdup("ExecStart"));
        ASSERT_OK(asprintf_safe(&service, "[Service]\nExecStart=/srv/web/v%u\n\n[X-Clusterctl]\nApp=web\n", version));
        ASSERT_OK(unit_set_add(&r.units, "web@.service", service));
        r.units_hash = revision_units_hash(&r.units);
        size_t n_running = 0;
        while (running && running[n_running])
                n_running++;
        ASSERT_OK(revstore_add(SCOPE_USER, "web", &r, keep, running, n_running));
        if (loaded)
                ASSERT_OK(revstore_record_load(SCOPE_USER, "web", r.number, r.units_hash, 1000 + version,
                                               1764552000000000ULL + version));
        *ret_number = r.number;
}

static void keep_version(unsigned version, bool loaded, unsigned keep, unsigned *ret_number) {
        keep_version_running(version, loaded, keep, NULL, ret_number);
}

static void expect_kept(const char *want) {
        _cleanup_free_ unsigned *kept = NULL;
        _cleanup_free_ char *got = NULL;
        size_t n = 0;

        ASSERT_OK(revstore_list(SCOPE_USER, "web", &kept, &n));
        for (size_t i = 0; i < n; i++) {
                char *next = NULL;
                ASSERT_OK(asprintf_safe(&next, "%s%s%u", strempty(got), i ? " " : "", kept[i]));
                free(got);
                got = next;
        }
        ASSERT_STREQ(strempty(got), want);
}

/* history_limit = 3 keeps three, also when a new revision replaces the newest one the manager
 * never loaded (a command interrupted before its reload). */
TEST(revstore_keeps_the_last_n) {
        unsigned number;

        CHECK(use_temporary_state_home());
        for (unsigned v = 1; v <= 4; v++)
                CHECK(keep_version(v, true, 3, &number));
        ASSERT_EQ_INT(number, 4);
        CHECK(expect_kept("2 3 4"));

        CHECK(keep_version(5, false, 3, &number));
        ASSERT_EQ_INT(number, 5);
        CHECK(expect_kept("3 4 5"));
        /* Revision 5 was never loaded: version 6 takes its number, and three stay. */
        CHECK(keep_version(6, true, 3, &number));
        ASSERT_EQ_INT(number, 5);
        CHECK(expect_kept("3 4 5"));

        ASSERT_OK(revstore_remove_all(SCOPE_USER, "web"));
        CHECK(expect_kept(""));
}

/* history_limit = 1: the revision the manager runs stays while a newer one rolls out (a paused
 * canary leaves instances on it, and undo goes back to it), and goes once another is loaded. */
TEST(revstore_keeps_the_running_revision) {
        unsigned number;

        CHECK(use_temporary_state_home());
        CHECK(keep_version(1, true, 1, &number));
        CHECK(keep_version(2, false, 1, &number));
        CHECK(expect_kept("1 2"));
        CHECK(keep_version(2, true, 1, &number)); /* the same units again: now loaded */
        ASSERT_EQ_INT(number, 2);
        CHECK(keep_version(3, false, 1, &number));
        CHECK(expect_kept("2 3"));

        ASSERT_OK(revstore_remove_all(SCOPE_USER, "web"));
}

/* history_limit = 1 during a paused canary: instances run revisions 1 (the rest) and 2 (the
 * canary, loaded). A third made then (a start with an edited config) keeps both, so undo can
 * still put the rest's revision back; once nothing runs them, they go. */
TEST(revstore_keeps_what_instances_run) {
        const unsigned canary_and_rest[] = { 2, 1, 0 }, all_on_3[] = { 3, 0 };
        unsigned number;

        CHECK(use_temporary_state_home());
        CHECK(keep_version(1, true, 1, &number));
        CHECK(keep_version(2, true, 1, &number));
        CHECK(keep_version_running(3, false, 1, canary_and_rest, &number));
        ASSERT_EQ_INT(number, 3);
        CHECK(expect_kept("1 2 3"));
        CHECK(keep_version_running(3, true, 1, all_on_3, &number)); /* loaded, and rolled out */
        CHECK(keep_version_running(4, false, 1, all_on_3, &number));
        CHECK(expect_kept("3 4"));

        ASSERT_OK(revstore_remove_all(SCOPE_USER, "web"));
}

/* Also after a failed test: nothing is left in /tmp. */
static void __attribute__((destructor)) remove_state_home(void) {
        _cleanup_free_ char *clusterctl = NULL;
        if (!state_home_made)
                return; /* $XDG_STATE_HOME is not ours: touch nothing */
        (void) revstore_remove_all(SCOPE_USER, "web");
        if (asprintf_safe(&clusterctl, "%s/clusterctl", state_home) >= 0)
                (void) rmdir(clusterctl);
        (void) rmdir(state_home);
}
