/* Unit tests for printable.c: text from apps and the journal, made inert for terminals and JSON. */
#include "printable.h"
#include "test.h"
#include "util.h"

static void check_printable(const char *in, const char *want) {
        _cleanup_free_ char *got = printable_text(in);
        ASSERT_TRUE(got);
        ASSERT_STREQ(got, want);
}

static void check_json(const char *in, const char *want) {
        _cleanup_free_ char *got = json_string(in);
        ASSERT_TRUE(got);
        ASSERT_STREQ(got, want);
}

TEST(printable_keeps_plain_text) {
        CHECK(check_printable("GET /api 200 3ms", "GET /api 200 3ms"));
        CHECK(check_printable("", ""));
        CHECK(check_printable(NULL, ""));
        CHECK(check_printable("tab\tstays", "tab\tstays"));
        CHECK(check_printable("back\\slash \"quotes\"", "back\\slash \"quotes\""));
        CHECK(check_printable("ünïcødé → ✓ 日本 😀", "ünïcødé → ✓ 日本 😀"));
}

TEST(printable_escapes_what_a_terminal_acts_on) {
        /* Colour, cursor movement, clearing the screen, a new title (OSC 0 … BEL). */
        CHECK(check_printable("\033[31mred\033[0m", "\\e[31mred\\e[0m"));
        CHECK(check_printable("\033[2J\033[H", "\\e[2J\\e[H"));
        CHECK(check_printable("\033]0;owned\a", "\\e]0;owned\\a"));
        /* A second line that would pass for another instance's. */
        CHECK(check_printable("ok\nweb@1 | forged", "ok\\nweb@1 | forged"));
        CHECK(check_printable("over\rwrite", "over\\rwrite"));
        CHECK(check_printable("a\bb\vc\fd", "a\\bb\\vc\\fd"));
        CHECK(check_printable("\x01\x7f", "\\x01\\x7f"));
        /* C1 controls: U+009B is CSI, U+009D OSC, for terminals that take 8-bit controls. */
        CHECK(check_printable("\xc2\x9b" "2J \xc2\x9d" "0;t", "\\u009b2J \\u009d0;t"));
}

TEST(printable_escapes_bytes_that_are_not_utf8) {
        CHECK(check_printable("\x9b" "2J", "\\x9b2J"));
        CHECK(check_printable("caf\xe9", "caf\\xe9"));
        CHECK(check_printable("\xc0\xaf", "\\xc0\\xaf")); /* overlong "/" */
        CHECK(check_printable("\xed\xa0\x80", "\\xed\\xa0\\x80")); /* a surrogate */
        CHECK(check_printable("cut \xe2\x82", "cut \\xe2\\x82")); /* truncated at the end */
}

TEST(printable_output_holds_no_control_byte) {
        char in[256];
        for (int i = 0; i < 255; i++)
                in[i] = (char) (i + 1);
        in[255] = 0;
        _cleanup_free_ char *got = printable_text(in);
        ASSERT_TRUE(got);
        for (const unsigned char *p = (const unsigned char *) got; *p; p++)
                if ((*p < 0x20 && *p != '\t') || *p == 0x7f || *p >= 0x80)
                        FAIL("byte 0x%02x left in the output", *p);
}

static void check_cut(const char *in, size_t max, const char *want) {
        _cleanup_free_ char *got = printable_text_cut(in, max);
        ASSERT_TRUE(got);
        ASSERT_STREQ(got, want);
        ASSERT_TRUE(strlen(got) <= max);
}

TEST(printable_cut_between_characters) {
        CHECK(check_cut("short", 64, "short"));
        CHECK(check_cut("", 3, ""));
        CHECK(check_cut(NULL, 3, ""));
        CHECK(check_cut("exactly8", 8, "exactly8"));
        CHECK(check_cut("exactly9!", 8, "exact..."));
        CHECK(check_cut("a\nb", 4, "a\\nb"));
        /* Never inside an escape or a UTF-8 sequence. */
        CHECK(check_cut("ab\ncdef", 6, "ab..."));
        CHECK(check_cut("ab\xff" "cdef", 7, "ab..."));
        CHECK(check_cut("ab\xc2\x9b" "cdef", 9, "ab..."));
        CHECK(check_cut("ab日本語", 9, "ab日..."));
        CHECK(check_cut("ab日本語", 7, "ab..."));
}

TEST(json_string_escapes) {
        CHECK(check_json("plain", "\"plain\""));
        CHECK(check_json("", "\"\""));
        CHECK(check_json(NULL, "\"\""));
        CHECK(check_json("say \"hi\" \\ bye", "\"say \\\"hi\\\" \\\\ bye\""));
        CHECK(check_json("a\nb\rc\td\be\ff", "\"a\\nb\\rc\\td\\be\\ff\""));
        CHECK(check_json("\033[31m\x01\x7f", "\"\\u001b[31m\\u0001\\u007f\""));
        CHECK(check_json("\xc2\x9b" "2J", "\"\\u009b2J\""));
        CHECK(check_json("ünïcødé 😀", "\"ünïcødé 😀\""));
}

TEST(json_string_replaces_bytes_that_are_not_utf8) {
        CHECK(check_json("caf\xe9", "\"caf\\ufffd\""));
        CHECK(check_json("\xff\xfe", "\"\\ufffd\\ufffd\""));
        CHECK(check_json("\xe2\x82", "\"\\ufffd\\ufffd\""));
}
