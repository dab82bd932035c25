/* Tests of the systemd-like reader the fuzzers judge rendered units with (sdreader.c): its rules
 * one by one, then side by side with systemd-analyze, so that what the fuzzers call a bug is what
 * systemd 252 really does. */
#include "test.h"

#include "sdreader.h"
#include "testutil.h"
#include "util.h"

/* ---- lines, sections, assignments ---- */

static void parse_ok(const char *text, SdUnit *ret) {
        _cleanup_free_ char *error = NULL;
        if (sd_unit_parse(text, ret, &error) < 0)
                FAIL("sd_unit_parse refused: %s\ntext:\n%s", error, text);
}

static void parse_refused(const char *text, const char *why) {
        _cleanup_(sd_unit_done) SdUnit u = {};
        _cleanup_free_ char *error = NULL;
        if (sd_unit_parse(text, &u, &error) >= 0)
                FAIL("sd_unit_parse accepted:\n%s", text);
        ASSERT_CONTAINS(error, why);
}

static void check_assignment(const SdUnit *u, size_t i, const char *section, const char *key, const char *value) {
        if (i >= u->n_assignments)
                FAIL("only %zu assignments, wanted #%zu %s=%s", u->n_assignments, i, key, value);
        ASSERT_STREQ(u->assignments[i].section, section);
        ASSERT_STREQ(u->assignments[i].key, key);
        ASSERT_STREQ(u->assignments[i].value, value);
}

TEST(parse_sections_and_assignments) {
        _cleanup_(sd_unit_done) SdUnit u = {};
        CHECK(parse_ok("# comment\n; also a comment\n   # indented comment\n\n[Unit]\nDescription = spaced out  \n"
                       "[Service]\n  ExecStart=/bin/true\t\nEnvironment=\n[X-Clusterctl]\nApp=web\n",
                       &u));
        ASSERT_EQ_INT(strv_length(u.sections), 3);
        ASSERT_STREQ(u.sections[1], "Service");
        ASSERT_EQ_INT(u.n_assignments, 4);
        CHECK(check_assignment(&u, 0, "Unit", "Description", "spaced out"));
        CHECK(check_assignment(&u, 1, "Service", "ExecStart", "/bin/true"));
        CHECK(check_assignment(&u, 2, "Service", "Environment", ""));
        CHECK(check_assignment(&u, 3, "X-Clusterctl", "App", "web"));
        ASSERT_EQ_INT(u.assignments[1].line, 8);
}

TEST(parse_continuation_lines) {
        _cleanup_(sd_unit_done) SdUnit u = {};
        /* The backslash becomes a space; a comment inside a continuation is skipped; an escaped
         * backslash at the end does not continue. */
        CHECK(parse_ok("[Service]\nEnvironment=A=1 \\\n# comment\n  B=2\\\nC=3\nX=a\\\\\nY=b\n", &u));
        CHECK(check_assignment(&u, 0, "Service", "Environment", "A=1    B=2 C=3"));
        CHECK(check_assignment(&u, 1, "Service", "X", "a\\\\"));
        CHECK(check_assignment(&u, 2, "Service", "Y", "b"));
}

TEST(parse_continuation_at_end_of_file) {
        _cleanup_(sd_unit_done) SdUnit u = {};
        CHECK(parse_ok("[Service]\nX=a\\", &u));
        CHECK(check_assignment(&u, 0, "Service", "X", "a"));
}

TEST(parse_carriage_returns_end_lines) {
        _cleanup_(sd_unit_done) SdUnit u = {};
        CHECK(parse_ok("[Service]\r\nA=1\rB=2\n\rC=3\n", &u));
        ASSERT_EQ_INT(u.n_assignments, 3);
        CHECK(check_assignment(&u, 1, "Service", "B", "2"));
        /* So a carriage return inside a quoted value splits it. */
        CHECK(parse_refused("[Service]\nEnvironment=\"A=x\ry\"\n", "missing '='"));
}

TEST(parse_byte_order_mark) {
        _cleanup_(sd_unit_done) SdUnit u = {};
        CHECK(parse_ok("\xef\xbb\xbf[Service]\nA=1\n", &u));
        ASSERT_STREQ(u.sections[0], "Service");
}

TEST(parse_refusals) {
        CHECK(parse_refused("A=1\n", "outside of a section"));
        CHECK(parse_refused("[Service\nA=1\n", "invalid section header"));
        CHECK(parse_refused("[Ser\"vice]\n", "bad characters"));
        CHECK(parse_refused("[Service]\nExecStart\n", "missing '='"));
        CHECK(parse_refused("[Service]\n=1\n", "missing key name"));
        CHECK(parse_refused("[Service]\nA=\xff\n", "not UTF-8"));
        CHECK(parse_refused("[Service]\nA=\xef\xbf\xbe\n", "not UTF-8"));   /* U+FFFE */
        CHECK(parse_refused("[Service]\nA=\xef\xb7\x90\n", "not UTF-8"));   /* U+FDD0 */
        CHECK(parse_refused("[Service]\nA=\xf4\x8f\xbf\xbf\n", "not UTF-8")); /* U+10FFFF */
        CHECK(parse_refused("[Service]\nA=\xed\xa0\x80\n", "not UTF-8"));   /* a surrogate */
        CHECK(parse_refused("[Service]\nA=\xc0\xaf\n", "not UTF-8"));       /* overlong */
        CHECK(parse_refused("[Service]\n.include /etc/x\n", ".include"));
}

TEST(parse_comments_are_not_checked) {
        _cleanup_(sd_unit_done) SdUnit u = {};
        CHECK(parse_ok("# \xef\xbf\xbe \xff\n[Service]\n", &u));
}

TEST(parse_line_length_limit) {
        _cleanup_free_ char *fits = repeat_string("a", SD_LONG_LINE_MAX - 1 - strlen("A=")),
                            *too_long = repeat_string("a", SD_LONG_LINE_MAX - strlen("A=")),
                            *text_fits = concat("[Service]\nA=", fits, "\n", NULL),
                            *text_too_long = concat("[Service]\nA=", too_long, "\n", NULL);
        _cleanup_(sd_unit_done) SdUnit u = {};
        CHECK(parse_ok(text_fits, &u));
        CHECK(parse_refused(text_too_long, "line too long"));
}

TEST(utf8_rules) {
        ASSERT_TRUE(sd_utf8_is_valid(""));
        ASSERT_TRUE(sd_utf8_is_valid("h\xc3\xa9llo \xf0\x9f\x98\x80 \xe2\x80\xa8 \xef\xbb\xbf"));
        ASSERT_TRUE(sd_utf8_is_valid("\xef\xb7\x8f\xef\xb7\xb0\xef\xbf\xbd")); /* U+FDCF, U+FDF0, U+FFFD */
        ASSERT_FALSE(sd_utf8_is_valid("\xef\xbf\xbf"));          /* U+FFFF */
        ASSERT_FALSE(sd_utf8_is_valid("\xf0\x9f\xbf\xbe"));      /* U+1FFFE */
        ASSERT_FALSE(sd_utf8_is_valid("\xc3"));                  /* cut short */
        ASSERT_FALSE(sd_utf8_is_valid("\xe2\x80"));
        ASSERT_FALSE(sd_utf8_is_valid("\xf8\x88\x80\x80\x80")); /* five bytes */
}

/* ---- words, specifiers, $ ---- */

static void check_words(const char *s, const char *const *want) {
        _cleanup_strv_free_ char **words = NULL;
        if (sd_split_words(s, &words) < 0)
                FAIL("sd_split_words refused: %s", s);
        ASSERT_EQ_INT(strv_length(words), strv_length((char **) want));
        for (size_t i = 0; want[i]; i++)
                ASSERT_STREQ(words[i], want[i]);
}
#define WORDS(...) ((const char *const[]) { __VA_ARGS__, NULL })

TEST(split_words_quotes_and_escapes) {
        CHECK(check_words("a \"b c\" 'd e' \\tg \"h\\\"i\" 'j\\'k' \"\" x\"y\"z",
                          WORDS("a", "b c", "d e", "\tg", "h\"i", "j'k", "", "xyz")));
        CHECK(check_words("\"\\x41\\101\\u00e9\\U0001F600\\s\\t\\\\\"", WORDS("AA\xc3\xa9\xf0\x9f\x98\x80 \t\\")));
        CHECK(check_words("  lead   trail  ", WORDS("lead", "trail")));
        CHECK(check_words("\"%%i\" \"$$x\"", WORDS("%%i", "$$x")));
        _cleanup_strv_free_ char **none = NULL;
        ASSERT_OK(sd_split_words("   ", &none));
        ASSERT_EQ_INT(strv_length(none), 0);
}

TEST(split_words_refusals) {
        /* An unknown escape ("\\ " too): systemd keeps it verbatim with a warning. */
        static const char *const bad[] = { "\"open", "'open", "a\\", "\"\\q\"", "a\\ b", "\\x00", "\"\\x4\"", "\\400", "\\uD800" };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                _cleanup_strv_free_ char **w = NULL;
                if (sd_split_words(bad[i], &w) >= 0)
                        FAIL("sd_split_words accepted %s", bad[i]);
        }
}

TEST(specifiers) {
        _cleanup_free_ char *out = NULL, *used = NULL;
        ASSERT_OK(sd_specifier_printf("a%%b %i %n%%", "7", &out, &used));
        ASSERT_STREQ(out, "a%b 7 \x01n%");
        ASSERT_STREQ(used, "in");
        free(out), free(used);
        ASSERT_OK(sd_specifier_printf("100%", "7", &out, &used));
        ASSERT_STREQ(out, "100%");
        ASSERT_STREQ(used, "%");
        char *o = NULL, *u = NULL;
        ASSERT_EQ_INT(sd_specifier_printf("%q", "7", &o, &u), -EBADMSG);
}

TEST(exec_command) {
        _cleanup_strv_free_ char **argv = NULL;
        _cleanup_free_ char *prefixes = NULL, *used = NULL, *error = NULL;

        ASSERT_OK(sd_parse_exec("\"/usr/bin/x\" \"%%i\" \"a b\" \\; \"$$\"", "7", &argv, &prefixes, &used, &error));
        ASSERT_EQ_INT(strv_length(argv), 5);
        ASSERT_STREQ(argv[0], "/usr/bin/x");
        ASSERT_STREQ(argv[1], "%i");
        ASSERT_STREQ(argv[3], ";");
        ASSERT_STREQ(argv[4], "$$");
        ASSERT_STREQ(prefixes, "");
        strv_free(argv), free(prefixes), free(used);
        ASSERT_OK(sd_parse_exec("-@/bin/x x", "7", &argv, &prefixes, &used, &error));
        ASSERT_STREQ(prefixes, "-@");
        ASSERT_STREQ(argv[0], "/bin/x");
        ASSERT_EQ_INT(sd_parse_exec("/bin/a ; /bin/b", "7", &argv, &prefixes, &used, &error), -EBADMSG);
        ASSERT_CONTAINS(error, "second command");
}

TEST(exec_time_dollars) {
        char *const ok[] = { "/bin/x", "$$HOME", "a$$b", "a$", "a$-b", "$${X}", NULL };
        _cleanup_strv_free_ char **out = NULL;
        _cleanup_free_ char *error = NULL;
        ASSERT_OK(sd_exec_time_argv(ok, &out, &error));
        ASSERT_STREQ(out[1], "$HOME");
        ASSERT_STREQ(out[2], "a$b");
        ASSERT_STREQ(out[3], "a$");
        ASSERT_STREQ(out[5], "${X}");
        static const char *const bad[] = { "$HOME", "$", "$-", "a$HOME", "a${X}", "$$$x" };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                char *const argv[] = { "/bin/x", (char *) bad[i], NULL };
                char **o = NULL, *e = NULL;
                if (sd_exec_time_argv(argv, &o, &e) >= 0)
                        FAIL("'%s' passes at exec time as '%s'", bad[i], o[1]);
                free(e);
        }
}

TEST(environment) {
        _cleanup_strv_free_ char **a = NULL;
        _cleanup_free_ char *used = NULL, *error = NULL;
        ASSERT_OK(sd_parse_environment("\"A=1 2\" B=3 'C=$x' \"D=%i\"", "7", &a, &used, &error));
        ASSERT_EQ_INT(strv_length(a), 4);
        ASSERT_STREQ(a[0], "A=1 2");
        ASSERT_STREQ(a[2], "C=$x");
        ASSERT_STREQ(a[3], "D=7");
        ASSERT_STREQ(used, "i");
        static const char *const bad[] = { "1A=x", "=x", "A", "A-B=1", "\"A=unclosed" };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                char **w = NULL, *u = NULL, *e = NULL;
                if (sd_parse_environment(bad[i], "7", &w, &u, &e) >= 0)
                        FAIL("Environment=%s accepted", bad[i]);
                free(e);
        }
}

TEST(value_checks) {
        ASSERT_TRUE(sd_check_exec_path("/usr/bin/node") == NULL);
        ASSERT_TRUE(sd_check_exec_path("/opt/my app/100%/$x") == NULL);
        ASSERT_TRUE(sd_check_exec_path("/opt/it's/x") != NULL);
        ASSERT_TRUE(sd_check_exec_path("/opt/a\\b") != NULL);
        ASSERT_TRUE(sd_check_exec_path("/") != NULL);
        _cleanup_free_ char *x256 = repeat_string("x", 256), *long_component = concat("/opt/", x256, NULL);
        ASSERT_TRUE(sd_check_exec_path(long_component) != NULL);
        ASSERT_TRUE(sd_check_absolute_path(long_component) != NULL);

        ASSERT_TRUE(sd_check_absolute_path("//srv/./a/") == NULL);
        ASSERT_TRUE(sd_check_absolute_path("/srv/../a") != NULL);
        ASSERT_TRUE(sd_check_absolute_path("srv") != NULL);

        static const char *const users_ok[] = { "0", "1000", "4294967294", "65534", "65536", "www-data", "a.b", "x$", "0x10" };
        for (size_t i = 0; i < ELEMENTSOF(users_ok); i++)
                if (sd_check_user_group(users_ok[i]))
                        FAIL("User=%s refused: %s", users_ok[i], sd_check_user_group(users_ok[i]));
        static const char *const users_bad[] = { "007", "00", "65535", "4294967295", "4294967296", "99999999999", "-5",
                                                 "a:b", "a/b", ".", "..", " a" };
        for (size_t i = 0; i < ELEMENTSOF(users_bad); i++)
                if (!sd_check_user_group(users_bad[i]))
                        FAIL("User=%s accepted", users_bad[i]);

        ASSERT_TRUE(sd_check_memory_max("1G") == NULL);
        ASSERT_TRUE(sd_check_memory_max("16777215T") == NULL);
        ASSERT_TRUE(sd_check_memory_max("infinity") == NULL);
        ASSERT_TRUE(sd_check_memory_max("18446744073709551614") == NULL);
        ASSERT_TRUE(sd_check_memory_max("0") != NULL);
        ASSERT_TRUE(sd_check_memory_max("0K") != NULL);
        ASSERT_TRUE(sd_check_memory_max("16777216T") != NULL);
        ASSERT_TRUE(sd_check_memory_max("18446744073709551615") != NULL);
}

/* ---- side by side with systemd ---- */

/* Writes `text` as UNIT and runs systemd-analyze verify on it (debug: with the parsed dump). */
static void verify_unit(const char *name, const char *text, bool user, bool debug, AnalyzeResult *ret, char **ret_dir) {
        const char *analyze;
        _cleanup_free_ char *units = NULL;

        REQUIRE_SYSTEMD_ANALYZE(analyze);
        char *dir = tmpdir_new();
        ASSERT_TRUE(dir);
        *ret_dir = dir;
        units = concat(dir, "/units", NULL);
        ASSERT_OK(write_file(units, name, text));
        char *const names[] = { (char *) name, NULL };
        ASSERT_OK(analyze_verify(analyze, dir, units, names, user, debug, ret));
}

TEST(systemd_agrees_on_words_escapes_and_continuations) {
        const char *text = "[Service]\n"
                           "ExecStart=\"/bin/true\" \"a b\" 'c\\'d' e\\tf \"\\x41\\101\" \"%%i\" \"$$HOME\" \\; \"\" "
                           "\"\\u00e9\" x\"y z\"w\n"
                           "Environment=\"A=1 2\" B=3 'C=$x' \"D=%%\\\\\\\"\" E=%i\n"
                           "Environment=F=1 \\\n"
                           "# a comment inside\n"
                           "  G=2\\\n"
                           "H=3\n"
                           "Environment=\"I=\\u00e9\\s\"\n";
        _cleanup_(analyze_result_done) AnalyzeResult r = {};
        _cleanup_tmpdir_ char *dir = NULL;
        _cleanup_(sd_unit_done) SdUnit u = {};
        _cleanup_strv_free_ char **ours_argv = NULL, **dump_cmd = NULL, **theirs_argv = NULL, **ours_env = NULL,
                                 **theirs_env = NULL;

        CHECK(verify_unit("sdreader@5.service", text, true, true, &r, &dir));
        ASSERT_EQ_INT(r.exit_status, 0);
        CHECK(parse_ok(text, &u));
        for (size_t i = 0; i < u.n_assignments; i++) {
                _cleanup_free_ char *error = NULL, *prefixes = NULL, *used = NULL;
                if (streq(u.assignments[i].key, "ExecStart"))
                        ASSERT_OK(sd_parse_exec(u.assignments[i].value, "5", &ours_argv, &prefixes, &used, &error));
                else {
                        _cleanup_strv_free_ char **a = NULL;
                        ASSERT_OK(sd_parse_environment(u.assignments[i].value, "5", &a, &used, &error));
                        for (size_t k = 0; a[k]; k++)
                                ASSERT_OK(strv_extend(&ours_env, a[k]));
                }
        }

        dump_cmd = dump_values(r.out, "\t\t\tCommand Line: ");
        ASSERT_EQ_INT(strv_length(dump_cmd), 1);
        ASSERT_OK(dump_split_command_line(dump_cmd[0], &theirs_argv));
        ASSERT_EQ_INT(strv_length(ours_argv), strv_length(theirs_argv));
        for (size_t i = 0; theirs_argv[i]; i++)
                ASSERT_STREQ(ours_argv[i], theirs_argv[i]);
        ASSERT_STREQ(ours_argv[1], "a b"); /* the comparison compared something */

        theirs_env = dump_values(r.out, "\t\tEnvironment: ");
        ASSERT_EQ_INT(strv_length(ours_env), strv_length(theirs_env));
        for (size_t i = 0; theirs_env[i]; i++)
                ASSERT_STREQ(ours_env[i], theirs_env[i]);
        ASSERT_TRUE(strv_contains(theirs_env, "E=5"));
        ASSERT_TRUE(strv_contains(theirs_env, "G=2"));
}

/* What the reader refuses, systemd refuses (or drops) too. */
static void check_systemd_refuses(const char *name, const char *text, bool user, const char *complaint) {
        _cleanup_(analyze_result_done) AnalyzeResult r = {};
        _cleanup_tmpdir_ char *dir = NULL;
        CHECK(verify_unit(name, text, user, false, &r, &dir));
        ASSERT_CONTAINS(r.err, complaint);
}

TEST(systemd_agrees_on_refusals) {
        CHECK(check_systemd_refuses("nc.service", "[Service]\nExecStart=/bin/true\nEnvironment=\"A=\xef\xbf\xbe\"\n", true,
                                    "not UTF-8 clean"));
        CHECK(check_systemd_refuses("quote.service", "[Service]\nExecStart=\"/opt/it's/x\"\n", true,
                                    "Executable name contains special characters"));
        CHECK(check_systemd_refuses("root.service", "[Service]\nExecStart=\"/\"\n", true,
                                    "Executable path specifies a directory"));
        CHECK(check_systemd_refuses("dotdot.service", "[Service]\nExecStart=/bin/true\nWorkingDirectory=/srv/../a\n", true,
                                    "is not normalized"));
        _cleanup_free_ char *x256 = repeat_string("x", 256),
                            *long_wd = concat("[Service]\nExecStart=/bin/true\nWorkingDirectory=/srv/", x256, "\n", NULL);
        CHECK(check_systemd_refuses("longwd.service", long_wd, true, "invalid length"));
        CHECK(check_systemd_refuses("uid.service", "[Service]\nExecStart=/bin/true\nUser=007\n", false,
                                    "Invalid user/group name or numeric ID"));
        CHECK(check_systemd_refuses("uid2.service", "[Service]\nExecStart=/bin/true\nGroup=65535\n", false,
                                    "Invalid user/group name or numeric ID"));
        CHECK(check_systemd_refuses("mem.service", "[Service]\nExecStart=/bin/true\nMemoryMax=0\n", true,
                                    "out of range"));
        CHECK(check_systemd_refuses("mem2.service", "[Service]\nExecStart=/bin/true\nMemoryMax=16777216T\n", true,
                                    "Invalid memory limit"));
        _cleanup_free_ char *a_mib = repeat_string("a", SD_LONG_LINE_MAX),
                            *long_line = concat("[Service]\nExecStart=/bin/true \"", a_mib, "\"\n", NULL);
        CHECK(check_systemd_refuses("long.service", long_line, true, "No buffer space"));
}

/* And what the reader accepts, systemd takes without a word. */
TEST(systemd_agrees_on_acceptance) {
        _cleanup_(analyze_result_done) AnalyzeResult r = {};
        _cleanup_tmpdir_ char *dir = NULL;
        _cleanup_(sd_unit_done) SdUnit u = {};
        const char *text = "[Service]\nExecStart=\"/bin/true\" \"\xef\xb7\x8f\"\nWorkingDirectory=//tmp/./\n"
                           "Environment=\"A=\xef\xbf\xbd\"\nMemoryMax=16777215T\n";
        CHECK(parse_ok(text, &u));
        CHECK(verify_unit("fine.service", text, true, false, &r, &dir));
        ASSERT_EQ_INT(r.exit_status, 0);
        ASSERT_STREQ(r.err, "");
}
