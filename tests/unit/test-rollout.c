/* Tests of rollout.c: which instances restart together, the identity of a rendered unit set, and
 * the resume state an interrupted reload leaves behind. */
#include "test.h"

#include <inttypes.h>

#include "render.h"
#include "rollout.h"
#include "util.h"

/* ---- batches ---- */

/* Plans `n` instances (indices given, or 0..n-1 when NULL) and compares every batch with `want`:
 * a string like "0 1|2 3|4" (batches separated by '|'). */
static void check_plan(const unsigned *indices, size_t n, unsigned count, unsigned percent, const char *want) {
        _cleanup_(rollout_plan_done) RolloutPlan p = {};
        _cleanup_free_ unsigned *seq = calloc(n ? n : 1, sizeof(unsigned));
        _cleanup_buffer_ Buffer got = {};

        ASSERT_TRUE(seq);
        for (size_t i = 0; i < n; i++)
                seq[i] = indices ? indices[i] : (unsigned) i;
        ASSERT_OK(rollout_plan(seq, n, count, percent, &p));
        ASSERT_TRUE(p.batch >= 1);
        ASSERT_EQ_INT(p.n, n);
        /* The plan copied the indices: changing ours afterwards must not change it. */
        for (size_t i = 0; i < n; i++)
                seq[i] = 999;

        size_t total = 0;
        for (size_t k = 0; k < rollout_n_batches(&p); k++) {
                const unsigned *first = NULL;
                size_t bn = 12345;
                rollout_batch(&p, k, &first, &bn);
                if (bn == 0)
                        FAIL("batch %zu of %zu is empty", k, rollout_n_batches(&p));
                ASSERT_TRUE(bn <= p.batch);
                for (size_t i = 0; i < bn; i++)
                        ASSERT_OK(buffer_printf(&got, "%s%u", i ? " " : k ? "|" : "", first[i]));
                total += bn;
        }
        ASSERT_EQ_INT(total, n);
        ASSERT_STREQ(strempty(got.data), want);
}

TEST(rollout_plan_one_at_a_time) {
        CHECK(check_plan(NULL, 4, 1, 0, "0|1|2|3"));
        CHECK(check_plan(NULL, 1, 1, 0, "0"));
}

TEST(rollout_plan_batches_of_two) {
        CHECK(check_plan(NULL, 4, 2, 0, "0 1|2 3"));
        CHECK(check_plan(NULL, 5, 2, 0, "0 1|2 3|4")); /* the last batch is short */
}

TEST(rollout_plan_percent) {
        CHECK(check_plan(NULL, 8, 0, 25, "0 1|2 3|4 5|6 7"));
        /* Rounded up: 25% of 5 is 1.25 → 2 per batch, never 1 that would make 5 batches. */
        CHECK(check_plan(NULL, 5, 0, 25, "0 1|2 3|4"));
        /* At least one: 1% of 3 still restarts one at a time. */
        CHECK(check_plan(NULL, 3, 0, 1, "0|1|2"));
        CHECK(check_plan(NULL, 4, 0, 100, "0 1 2 3"));
        CHECK(check_plan(NULL, 4, 0, 50, "0 1|2 3"));
}

TEST(rollout_plan_batch_larger_than_count) {
        _cleanup_(rollout_plan_done) RolloutPlan p = {};
        const unsigned idx[] = { 0, 1, 2 };

        CHECK(check_plan(NULL, 3, 10, 0, "0 1 2"));
        ASSERT_OK(rollout_plan(idx, 3, 10, 0, &p));
        ASSERT_EQ_INT(p.batch, 3); /* capped at n */
        ASSERT_EQ_INT(rollout_n_batches(&p), 1);
}

TEST(rollout_plan_keeps_given_order) {
        /* Resumed rollouts plan only the instances still pending, in the order given. */
        const unsigned pending[] = { 1, 4, 5, 7, 9 };
        CHECK(check_plan(pending, 5, 2, 0, "1 4|5 7|9"));
        const unsigned reversed[] = { 3, 2, 1, 0 };
        CHECK(check_plan(reversed, 4, 3, 0, "3 2 1|0"));
}

TEST(rollout_plan_empty) {
        _cleanup_(rollout_plan_done) RolloutPlan p = {};
        const unsigned *first = NULL;
        size_t bn = 12345;

        ASSERT_OK(rollout_plan(NULL, 0, 1, 0, &p));
        ASSERT_EQ_INT(p.n, 0);
        ASSERT_TRUE(p.batch >= 1); /* no division by zero in rollout_n_batches */
        ASSERT_EQ_INT(rollout_n_batches(&p), 0);
        /* Asking anyway gives nothing, not garbage. */
        rollout_batch(&p, 0, &first, &bn);
        ASSERT_EQ_INT(bn, 0);
        CHECK(check_plan(NULL, 0, 0, 25, ""));
}

TEST(rollout_batch_past_the_end) {
        _cleanup_(rollout_plan_done) RolloutPlan p = {};
        const unsigned idx[] = { 0, 1, 2, 3, 4 };
        const unsigned *first = NULL;
        size_t bn = 12345;

        ASSERT_OK(rollout_plan(idx, 5, 2, 0, &p));
        ASSERT_EQ_INT(rollout_n_batches(&p), 3);
        rollout_batch(&p, 2, &first, &bn);
        ASSERT_EQ_INT(bn, 1);
        ASSERT_EQ_INT(first[0], 4);
        rollout_batch(&p, 3, &first, &bn);
        ASSERT_EQ_INT(bn, 0);
}

TEST(rollout_plan_done_resets) {
        RolloutPlan p = {};
        const unsigned idx[] = { 0, 1 };

        ASSERT_OK(rollout_plan(idx, 2, 1, 0, &p));
        rollout_plan_done(&p);
        ASSERT_TRUE(p.order == NULL);
        ASSERT_EQ_INT(p.n, 0);
        rollout_plan_done(&p); /* twice is fine */
}

/* ---- unit set hash ---- */

static void set_of(UnitSet *s, const char *const *paths_and_texts) {
        for (size_t i = 0; paths_and_texts[i]; i += 2) {
                char *text = strdup(paths_and_texts[i + 1]);
                ASSERT_TRUE(text);
                ASSERT_OK(unit_set_add(s, paths_and_texts[i], text));
        }
}

static const char *const WEB_FILES[] = {
        "web@.service", "[Service]\nExecStart=/bin/true\n",
        "web.target", "[Unit]\nDescription=web cluster\n",
        "web.socket", "[Socket]\nListenStream=3000\n",
        NULL,
};

TEST(unit_set_hash_order_independent) {
        _cleanup_(unit_set_done) UnitSet a = {}, b = {};
        const char *const reordered[] = {
                WEB_FILES[4], WEB_FILES[5], WEB_FILES[0], WEB_FILES[1], WEB_FILES[2], WEB_FILES[3], NULL,
        };

        CHECK(set_of(&a, WEB_FILES));
        CHECK(set_of(&b, reordered));
        ASSERT_TRUE(unit_set_hash(&a) == unit_set_hash(&b));
}

/* The hash is kept in the rollout state file, which outlives the binary: a reload interrupted
 * before an upgrade must resume after it, so the value for given files never changes. These are
 * FNV-1a 64 of "path\n<FNV-1a 64 of the text, 16 hex digits>\n" per file in path order, worked
 * out apart from this code. */
TEST(unit_set_hash_known_values) {
        _cleanup_(unit_set_done) UnitSet web = {}, empty = {};

        CHECK(set_of(&web, WEB_FILES));
        if (unit_set_hash(&web) != UINT64_C(0x83fe0854a9e1d94b))
                FAIL("web's files hash to %016" PRIx64 ", not 83fe0854a9e1d94b", unit_set_hash(&web));
        if (unit_set_hash(&empty) != UINT64_C(0xcbf29ce484222325)) /* FNV-1a of nothing */
                FAIL("no files hash to %016" PRIx64 ", not cbf29ce484222325", unit_set_hash(&empty));
}

TEST(unit_set_hash_every_byte_counts) {
        _cleanup_(unit_set_done) UnitSet base = {};
        CHECK(set_of(&base, WEB_FILES));
        uint64_t h = unit_set_hash(&base);

        /* Every byte of every text and every path, changed in turn, changes the hash. */
        for (size_t f = 0; f < base.n_files; f++)
                for (int field = 0; field < 2; field++) {
                        char *s = field ? base.files[f].text : base.files[f].path;
                        for (size_t i = 0; s[i]; i++) {
                                char saved = s[i];
                                for (int delta = 1; delta <= 2; delta++) {
                                        s[i] = (char) (saved ^ delta);
                                        uint64_t changed = unit_set_hash(&base);
                                        s[i] = saved;
                                        if (changed == h)
                                                FAIL("changing byte %zu of %s of %s leaves the hash at %016" PRIx64, i,
                                                     field ? "the text" : "the path", base.files[f].path, h);
                                }
                        }
                }
        ASSERT_TRUE(unit_set_hash(&base) == h);
}

TEST(unit_set_hash_files_added_removed_swapped) {
        _cleanup_(unit_set_done) UnitSet all = {}, fewer = {}, more = {}, swapped = {}, empty = {}, appended = {};
        const char *const two[] = { WEB_FILES[0], WEB_FILES[1], WEB_FILES[2], WEB_FILES[3], NULL };
        const char *const four[] = {
                WEB_FILES[0], WEB_FILES[1], WEB_FILES[2], WEB_FILES[3], WEB_FILES[4], WEB_FILES[5],
                "web@3.service.d/50-clusterctl-instance.conf", "[Service]\nEnvironment=\"PORT=3003\"\n", NULL,
        };
        /* The same texts under each other's names. */
        const char *const texts_swapped[] = {
                WEB_FILES[0], WEB_FILES[3], WEB_FILES[2], WEB_FILES[1], WEB_FILES[4], WEB_FILES[5], NULL,
        };
        /* Bytes moved from the end of one file to the start of the next (in path order). */
        const char *const moved[] = {
                "web.socket", "[Socket]\nListenStream=3000\n[",
                "web.target", "Unit]\nDescription=web cluster\n",
                WEB_FILES[0], WEB_FILES[1], NULL,
        };

        CHECK(set_of(&all, WEB_FILES));
        CHECK(set_of(&fewer, two));
        CHECK(set_of(&more, four));
        CHECK(set_of(&swapped, texts_swapped));
        CHECK(set_of(&appended, moved));
        uint64_t h = unit_set_hash(&all);
        ASSERT_TRUE(unit_set_hash(&fewer) != h);
        ASSERT_TRUE(unit_set_hash(&more) != h);
        ASSERT_TRUE(unit_set_hash(&swapped) != h);
        ASSERT_TRUE(unit_set_hash(&appended) != h);
        ASSERT_TRUE(unit_set_hash(&empty) != h);
}

/* ---- resume state ---- */

static void check_round_trip(uint64_t units, uint64_t since) {
        const RolloutState s = { .units_hash = units, .since_usec = since };
        _cleanup_free_ char *text = rollout_state_format(&s);
        RolloutState back = { .units_hash = ~units, .since_usec = ~since };

        ASSERT_TRUE(text);
        ASSERT_OK(rollout_state_parse(text, &back));
        if (back.units_hash != units || back.since_usec != since)
                FAIL("%s read back as units=%016" PRIx64 " since=%" PRIu64, text, back.units_hash, back.since_usec);
}

TEST(rollout_state_round_trip) {
        CHECK(check_round_trip(0, 1));
        CHECK(check_round_trip(0x0123456789abcdefULL, 1234567890123ULL));
        CHECK(check_round_trip(UINT64_MAX, UINT64_MAX));
        CHECK(check_round_trip(0x8000000000000000ULL, 42));
        CHECK(check_round_trip(1, 0x7fffffffffffffffULL));
}

TEST(rollout_state_format_is_the_documented_text) {
        const RolloutState s = { .units_hash = 0xabcULL, .since_usec = 77 };
        _cleanup_free_ char *text = rollout_state_format(&s);
        ASSERT_STREQ(text, "units=0000000000000abc\nsince=77\n");
}

static void check_refused(const char *text) {
        RolloutState s = { .units_hash = 5, .since_usec = 6 };
        int r = rollout_state_parse(text, &s);
        if (r >= 0)
                FAIL("accepted as units=%016" PRIx64 " since=%" PRIu64 ": \"%s\"", s.units_hash, s.since_usec, text);
        ASSERT_EQ_INT(r, -EBADMSG);
        /* ret_* is written only on success. */
        ASSERT_EQ_INT(s.units_hash, 5);
        ASSERT_EQ_INT(s.since_usec, 6);
}

TEST(rollout_state_parse_bad_inputs) {
        CHECK(check_refused(""));
        CHECK(check_refused("\n"));
        CHECK(check_refused("garbage"));
        CHECK(check_refused("units=\nsince=5\n"));
        CHECK(check_refused("units=zz\nsince=5\n"));
        CHECK(check_refused("units=0000000000000abc\n"));          /* no since */
        CHECK(check_refused("units=0000000000000abc\nsince=\n"));
        CHECK(check_refused("units=0000000000000abc\nsince=x\n"));
        CHECK(check_refused("units=0000000000000abc\nsince=0\n")); /* 0 is "never started" */
        CHECK(check_refused("since=77\nunits=0000000000000abc\n")); /* order is part of the format */
        CHECK(check_refused("units=0000000000000abc\nuntil=77\n"));
        CHECK(check_refused("Units=0000000000000abc\nsince=77\n"));
        /* 17 hex digits do not fit a 64-bit hash. */
        CHECK(check_refused("units=10000000000000abc\nsince=77\n"));
}

/* Text rollout_state_format never writes is refused: a sign, a number past 2^64-1, trailing
 * junk. A reload would otherwise resume from a wrong start time instead of starting over. */
TEST(rollout_state_parse_refuses_what_format_never_writes) {
        CHECK(check_refused("units=0000000000000abc\nsince=-1\n"));
        CHECK(check_refused("units=0000000000000abc\nsince=18446744073709551616\n")); /* 2^64 */
        CHECK(check_refused("units=0000000000000abc\nsince=77junk\n"));
        CHECK(check_refused("units=-000000000000abc\nsince=77\n"));
}

/* A paused canary, a stopped rollout: the lines after the first two, in their order. */
TEST(rollout_state_phase_and_revisions) {
        const RolloutState paused = { .units_hash = 0xabcULL, .since_usec = 77, .phase = ROLLOUT_PHASE_PAUSED,
                                      .revision = 3, .from_revision = 2, .canary = 1 };
        _cleanup_free_ char *text = rollout_state_format(&paused);
        RolloutState back = {};

        ASSERT_STREQ(text, "units=0000000000000abc\nsince=77\nphase=paused\nrevision=3\nfrom=2\ncanary=1\n");
        ASSERT_OK(rollout_state_parse(text, &back));
        /* Field by field: the struct has padding, which memcmp would compare too. */
        ASSERT_TRUE(back.units_hash == paused.units_hash && back.since_usec == paused.since_usec &&
                    back.phase == paused.phase && back.revision == paused.revision &&
                    back.from_revision == paused.from_revision && back.canary == paused.canary && !back.undo);

        const RolloutState failed = { .units_hash = 1, .since_usec = 2, .phase = ROLLOUT_PHASE_FAILED, .revision = 9 };
        _cleanup_free_ char *t2 = rollout_state_format(&failed);
        ASSERT_STREQ(t2, "units=0000000000000001\nsince=2\nphase=failed\nrevision=9\n");
        ASSERT_OK(rollout_state_parse(t2, &back));
        ASSERT_EQ_INT(back.phase, ROLLOUT_PHASE_FAILED);
        ASSERT_EQ_INT(back.revision, 9);
        ASSERT_EQ_INT(back.from_revision, 0);
        ASSERT_EQ_INT(back.canary, 0);
        ASSERT_STREQ(rollout_phase_to_string(ROLLOUT_PHASE_RUNNING), "running");

        const RolloutState undo = { .units_hash = 1, .since_usec = 2, .revision = 5, .from_revision = 4, .undo = true };
        _cleanup_free_ char *t3 = rollout_state_format(&undo);
        ASSERT_STREQ(t3, "units=0000000000000001\nsince=2\nrevision=5\nfrom=4\nundo=1\n");
        ASSERT_OK(rollout_state_parse(t3, &back));
        ASSERT_TRUE(back.undo);
        ASSERT_EQ_INT(back.from_revision, 4);
}

TEST(rollout_state_refuses_bad_extra_lines) {
        CHECK(check_refused("units=0000000000000abc\nsince=77\nphase=running\n")); /* never written */
        CHECK(check_refused("units=0000000000000abc\nsince=77\nphase=sleeping\n"));
        CHECK(check_refused("units=0000000000000abc\nsince=77\nphase=paused"));   /* cut short */
        CHECK(check_refused("units=0000000000000abc\nsince=77\nrevision=0\n"));
        CHECK(check_refused("units=0000000000000abc\nsince=77\nrevision=x\n"));
        CHECK(check_refused("units=0000000000000abc\nsince=77\nrevision=99999999999\n"));
        CHECK(check_refused("units=0000000000000abc\nsince=77\nfrom=2\nrevision=3\n")); /* order */
        CHECK(check_refused("units=0000000000000abc\nsince=77\ncanary=1\nextra=1\n"));
        CHECK(check_refused("units=0000000000000abc\nsince=77\n\n"));
        CHECK(check_refused("units=0000000000000abc\nsince=77\nundo=2\n"));
        CHECK(check_refused("units=0000000000000abc\nsince=77\nundo=1\ncanary=1\n")); /* order */
}
