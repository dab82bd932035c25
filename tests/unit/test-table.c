/* Tests of table.c: columns sized to content, and the order in which they give way to a width. */
#include "test.h"

#include "table.h"
#include "util.h"

/* A status-like table: UNIT and STATE never give way; STATUS is shortened first, then hidden
 * last; INSTANCE goes before READY, READY before CPU. */
static const TableColumn columns[] = {
        { .header = "INSTANCE", .hide_rank = 2 },
        { .header = "UNIT" },
        { .header = "STATE", .shorten_rank = 6, .shorten_min = 8 },
        { .header = "PID", .align_right = true, .hide_rank = 7 },
        { .header = "CPU", .align_right = true, .hide_rank = 4 },
        { .header = "READY", .hide_rank = 3 },
        { .header = "STATUS", .shorten_rank = 1, .shorten_min = 10, .hide_rank = 8 },
};

static void fill(Table *t) {
        *t = (Table) { .columns = columns, .n_columns = ELEMENTSOF(columns) };
        const char *r0[] = { "0", "web@0.service", "active/running", "5568", "0.41s", "0.07s", "serving as instance 0" };
        const char *r1[] = { "1", "web@1.service", "failed/failed (exit-code)", NULL, "-", "", "fatal: cannot bind" };
        ASSERT_OK(table_add_row(t, r0));
        ASSERT_OK(table_add_row(t, r1));
}

static void check_lines_fit(const char *text, size_t limit) {
        for (const char *p = text; *p;) {
                const char *nl = strchr(p, '\n');
                ASSERT_TRUE(nl);
                _cleanup_free_ char *line = strndup(p, (size_t) (nl - p));
                if (limit && text_width(line) > limit)
                        FAIL("line wider than %zu: \"%s\"", limit, line);
                ASSERT_TRUE(nl == p || nl[-1] != ' '); /* no trailing blanks */
                p = nl + 1;
        }
}

TEST(table_sized_to_content) {
        _cleanup_(table_done) Table t = {};
        _cleanup_free_ char *out = NULL;

        CHECK(fill(&t));
        ASSERT_OK(table_format(&t, 0, &out));
        ASSERT_HAS_LINE(out, "INSTANCE UNIT          STATE                      PID   CPU READY STATUS");
        ASSERT_HAS_LINE(out, "0        web@0.service active/running            5568 0.41s 0.07s serving as instance 0");
        /* Missing values print as "-", right-aligned columns stay aligned. */
        ASSERT_HAS_LINE(out, "1        web@1.service failed/failed (exit-code)    -     - -     fatal: cannot bind");
        CHECK(check_lines_fit(out, 0));
}

TEST(table_no_limit_keeps_full_width) {
        _cleanup_(table_done) Table t = {};
        _cleanup_free_ char *a = NULL, *b = NULL;

        CHECK(fill(&t));
        ASSERT_OK(table_format(&t, 0, &a));
        ASSERT_OK(table_format(&t, 1000, &b));
        ASSERT_STREQ(a, b);
        ASSERT_NOT_CONTAINS(a, "…");
}

TEST(table_shortens_the_least_useful_first) {
        _cleanup_(table_done) Table t = {};
        _cleanup_free_ char *out = NULL;
        size_t widths[ELEMENTSOF(columns)];

        CHECK(fill(&t));
        /* Natural width 87: 7 too many, STATUS (rank 1) gives them up, nothing is hidden. */
        ASSERT_OK(table_layout(&t, 80, widths));
        ASSERT_EQ_INT(widths[6], 14);
        ASSERT_EQ_INT(widths[0], 8);
        ASSERT_OK(table_format(&t, 80, &out));
        ASSERT_HAS_LINE(out, "0        web@0.service active/running            5568 0.41s 0.07s serving as in…");
        CHECK(check_lines_fit(out, 80));
}

TEST(table_hides_in_order_then_gives_room_back) {
        _cleanup_(table_done) Table t = {};
        _cleanup_free_ char *out = NULL;
        size_t widths[ELEMENTSOF(columns)];

        CHECK(fill(&t));
        /* 70: STATUS down to 10 is not enough (76), INSTANCE goes (67), and the 3 columns that
         * frees beyond the need go back to STATUS. */
        ASSERT_OK(table_layout(&t, 70, widths));
        ASSERT_EQ_INT(widths[0], 0);
        ASSERT_EQ_INT(widths[5], 5);
        ASSERT_EQ_INT(widths[6], 13);
        /* 60: READY (61) and CPU (55) go too; STATUS gets the 5 left. */
        ASSERT_OK(table_layout(&t, 60, widths));
        ASSERT_EQ_INT(widths[0], 0);
        ASSERT_EQ_INT(widths[4], 0);
        ASSERT_EQ_INT(widths[5], 0);
        ASSERT_EQ_INT(widths[6], 15);
        ASSERT_OK(table_format(&t, 60, &out));
        CHECK(check_lines_fit(out, 60));
        ASSERT_HAS_LINE(out, "UNIT          STATE                      PID STATUS");
        ASSERT_HAS_LINE(out, "web@0.service active/running            5568 serving as ins…");
}

TEST(table_never_hides_unranked_columns) {
        _cleanup_(table_done) Table t = {};
        _cleanup_free_ char *out = NULL;
        size_t widths[ELEMENTSOF(columns)];

        CHECK(fill(&t));
        ASSERT_OK(table_layout(&t, 10, widths));
        /* Everything that may go went; UNIT stays whole, STATE at its minimum. */
        ASSERT_EQ_INT(widths[1], 13);
        ASSERT_EQ_INT(widths[2], 8);
        for (size_t c = 0; c < ELEMENTSOF(columns); c++)
                if (c != 1 && c != 2)
                        ASSERT_EQ_INT(widths[c], 0);
        ASSERT_OK(table_format(&t, 10, &out));
        ASSERT_HAS_LINE(out, "web@1.service failed/…");
}

TEST(table_counts_characters_not_bytes) {
        static const TableColumn cols[] = { { .header = "A" }, { .header = "B", .shorten_rank = 1, .shorten_min = 3 } };
        _cleanup_(table_done) Table t = { .columns = cols, .n_columns = 2 };
        _cleanup_free_ char *out = NULL;
        const char *row[] = { "élan", "→ → → →" };

        ASSERT_EQ_INT(text_width("élan"), 4);
        ASSERT_EQ_INT(text_width("→ → → →"), 7);
        ASSERT_OK(table_add_row(&t, row));
        ASSERT_OK(table_format(&t, 0, &out));
        ASSERT_HAS_LINE(out, "élan → → → →");
        free(out);
        out = NULL;
        ASSERT_OK(table_format(&t, 9, &out));
        ASSERT_HAS_LINE(out, "élan → →…");
        CHECK(check_lines_fit(out, 9));
}

TEST(table_rows_and_header_apart) {
        _cleanup_(table_done) Table t = {};
        _cleanup_free_ char *header = NULL, *row = NULL;
        size_t widths[ELEMENTSOF(columns)];

        CHECK(fill(&t));
        ASSERT_OK(table_layout(&t, 0, widths));
        ASSERT_OK(table_format_header(&t, widths, &header));
        ASSERT_OK(table_format_row(&t, 1, widths, &row));
        ASSERT_TRUE(startswith(header, "INSTANCE UNIT"));
        ASSERT_TRUE(startswith(row, "1        web@1.service failed"));
        ASSERT_EQ_INT(table_format_row(&t, 2, widths, &row), -EINVAL);
        ASSERT_OK(table_set_last(&t, 6, strdup("replaced")));
        free(row);
        row = NULL;
        ASSERT_OK(table_format_row(&t, 1, widths, &row));
        ASSERT_TRUE(endswith(row, "replaced"));
}
