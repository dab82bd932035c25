/* Tests of escape.c: name checks, value checks, and the quoting that keeps a config value from
 * adding a line, a section or a specifier to a unit. The last tests hand the quoted values to
 * systemd's own parser (systemd-analyze verify) and compare what it read with what we meant. */
#include "test.h"

#include "escape.h"
#include "testutil.h"
#include "util.h"

TEST(app_name_is_valid) {
        _cleanup_free_ char *n64 = repeat_string("a", 64), *n65 = repeat_string("a", 65);

        ASSERT_TRUE(app_name_is_valid("web"));
        ASSERT_TRUE(app_name_is_valid("W"));
        ASSERT_TRUE(app_name_is_valid("api-v2_worker9"));
        ASSERT_TRUE(app_name_is_valid(n64));
        ASSERT_FALSE(app_name_is_valid(n65));
        ASSERT_FALSE(app_name_is_valid(""));
        ASSERT_FALSE(app_name_is_valid(NULL));
        ASSERT_FALSE(app_name_is_valid("wéb"));      /* unicode */
        ASSERT_FALSE(app_name_is_valid("\xe2\x9c\x93")); /* ✓ */
        ASSERT_FALSE(app_name_is_valid("../web"));
        ASSERT_FALSE(app_name_is_valid(".."));
        ASSERT_FALSE(app_name_is_valid("a/b"));
        ASSERT_FALSE(app_name_is_valid("web@1"));    /* would be an instance name */
        ASSERT_FALSE(app_name_is_valid("@"));
        ASSERT_FALSE(app_name_is_valid("web.service"));
        ASSERT_FALSE(app_name_is_valid("web app"));
        ASSERT_FALSE(app_name_is_valid(" web"));
        ASSERT_FALSE(app_name_is_valid("web\n"));
        ASSERT_FALSE(app_name_is_valid("web%i"));
        ASSERT_FALSE(app_name_is_valid("web\\x2d"));
}

TEST(env_name_is_valid) {
        _cleanup_free_ char *n256 = repeat_string("A", 256), *n257 = repeat_string("A", 257);

        ASSERT_TRUE(env_name_is_valid("PORT"));
        ASSERT_TRUE(env_name_is_valid("NODE_APP_INSTANCE"));
        ASSERT_TRUE(env_name_is_valid("_x1"));
        ASSERT_TRUE(env_name_is_valid("lower"));
        ASSERT_TRUE(env_name_is_valid(n256));
        ASSERT_FALSE(env_name_is_valid(n257));
        ASSERT_FALSE(env_name_is_valid(""));
        ASSERT_FALSE(env_name_is_valid(NULL));
        ASSERT_FALSE(env_name_is_valid("1PORT"));
        ASSERT_FALSE(env_name_is_valid("MY-VAR"));
        ASSERT_FALSE(env_name_is_valid("A=B"));
        ASSERT_FALSE(env_name_is_valid("A B"));
        ASSERT_FALSE(env_name_is_valid("A%i"));
        ASSERT_FALSE(env_name_is_valid("A\""));
        ASSERT_FALSE(env_name_is_valid("PÖRT"));
        ASSERT_FALSE(env_name_is_valid("$A"));
}

TEST(user_name_is_valid) {
        _cleanup_free_ char *n32 = repeat_string("u", 32), *n33 = repeat_string("u", 33);

        ASSERT_TRUE(user_name_is_valid("nobody"));
        ASSERT_TRUE(user_name_is_valid("www-data"));
        ASSERT_TRUE(user_name_is_valid("_apt"));
        ASSERT_TRUE(user_name_is_valid("first.last"));
        ASSERT_TRUE(user_name_is_valid("1000"));       /* numeric ids are fine for User= */
        ASSERT_TRUE(user_name_is_valid("machine$"));   /* Samba machine accounts */
        ASSERT_TRUE(user_name_is_valid(n32));
        ASSERT_FALSE(user_name_is_valid(n33));
        ASSERT_FALSE(user_name_is_valid(""));
        ASSERT_FALSE(user_name_is_valid(NULL));
        ASSERT_FALSE(user_name_is_valid("-root"));
        ASSERT_FALSE(user_name_is_valid("a b"));
        ASSERT_FALSE(user_name_is_valid("a:b"));
        ASSERT_FALSE(user_name_is_valid("a/b"));
        ASSERT_FALSE(user_name_is_valid("ma$chine"));
        ASSERT_FALSE(user_name_is_valid("%i"));
        ASSERT_FALSE(user_name_is_valid("jürgen"));
}

/* "." and ".." are no user names: systemd refuses them ("Invalid user/group name or numeric ID",
 * a fatal unit error), so `check` must too. */
TEST(user_name_is_valid_refuses_dot_names) {
        ASSERT_FALSE(user_name_is_valid("."));
        ASSERT_FALSE(user_name_is_valid(".."));
}

TEST(utf8_is_valid) {
        ASSERT_TRUE(utf8_is_valid(""));
        ASSERT_TRUE(utf8_is_valid("plain ascii"));
        ASSERT_TRUE(utf8_is_valid("\xc3\xa9"));             /* é */
        ASSERT_TRUE(utf8_is_valid("\xe2\x82\xac"));         /* € */
        ASSERT_TRUE(utf8_is_valid("\xf0\x9f\x98\x80"));     /* 😀 */
        ASSERT_TRUE(utf8_is_valid("\xf4\x8f\xbf\xbd"));     /* U+10FFFD, the last code point that is a character */
        /* Noncharacters are valid UTF-8 but systemd refuses a unit file holding one. */
        ASSERT_FALSE(utf8_is_valid("\xf4\x8f\xbf\xbf"));    /* U+10FFFF */
        ASSERT_FALSE(utf8_is_valid("x\xef\xbf\xbey"));      /* U+FFFE */
        ASSERT_FALSE(utf8_is_valid("\xef\xb7\x90"));        /* U+FDD0 */
        ASSERT_TRUE(utf8_is_valid("\xed\x9f\xbf"));         /* U+D7FF, just below the surrogates */
        ASSERT_TRUE(utf8_is_valid("\xee\x80\x80"));         /* U+E000, just above */

        /* Overlong forms of '/' and of NUL: the classic path-traversal and truncation tricks. */
        ASSERT_FALSE(utf8_is_valid("\xc0\xaf"));
        ASSERT_FALSE(utf8_is_valid("\xc0\x80"));
        ASSERT_FALSE(utf8_is_valid("\xc1\xbf"));
        ASSERT_FALSE(utf8_is_valid("\xe0\x80\xaf"));
        ASSERT_FALSE(utf8_is_valid("\xe0\x9f\xbf"));
        ASSERT_FALSE(utf8_is_valid("\xf0\x80\x80\xaf"));
        ASSERT_FALSE(utf8_is_valid("\xf0\x8f\xbf\xbf"));
        /* UTF-16 surrogates. */
        ASSERT_FALSE(utf8_is_valid("\xed\xa0\x80"));
        ASSERT_FALSE(utf8_is_valid("\xed\xbf\xbf"));
        /* Past U+10FFFF, and bytes that never start a sequence. */
        ASSERT_FALSE(utf8_is_valid("\xf4\x90\x80\x80"));
        ASSERT_FALSE(utf8_is_valid("\xf5\x80\x80\x80"));
        ASSERT_FALSE(utf8_is_valid("\xf8\x88\x80\x80\x80"));
        ASSERT_FALSE(utf8_is_valid("\xfe"));
        ASSERT_FALSE(utf8_is_valid("\xff"));
        ASSERT_FALSE(utf8_is_valid("\x80"));
        ASSERT_FALSE(utf8_is_valid("a\xbf" "b"));
        /* Truncated sequences, at the end and before more text. */
        ASSERT_FALSE(utf8_is_valid("\xc3"));
        ASSERT_FALSE(utf8_is_valid("\xe2\x82"));
        ASSERT_FALSE(utf8_is_valid("\xf0\x9f\x98"));
        ASSERT_FALSE(utf8_is_valid("\xe2\x82" "abc"));
        ASSERT_FALSE(utf8_is_valid("abc\xf0\x9f"));
}

TEST(value_check) {
        _cleanup_free_ char *max = repeat_string("x", VALUE_LENGTH_MAX),
                            *over = repeat_string("x", VALUE_LENGTH_MAX + 1);

        ASSERT_EQ_INT(VALUE_LENGTH_MAX, 32768);
        ASSERT_EQ_INT(value_check(""), 0);
        ASSERT_EQ_INT(value_check("production"), 0);
        ASSERT_EQ_INT(value_check("h\xc3\xa9llo %i $HOME \"'\\ [Service]"), 0);
        ASSERT_EQ_INT(value_check(max), 0);
        ASSERT_EQ_INT(value_check(over), -E2BIG);

        ASSERT_EQ_INT(value_check("a\nb"), -EINVAL);
        ASSERT_EQ_INT(value_check("\n"), -EINVAL);
        ASSERT_EQ_INT(value_check("a\rb"), -EINVAL);
        ASSERT_EQ_INT(value_check("a\tb"), -EINVAL);
        ASSERT_EQ_INT(value_check("\x1b[31mred"), -EINVAL); /* ESC */
        ASSERT_EQ_INT(value_check("del\x7f"), -EINVAL);
        ASSERT_EQ_INT(value_check("\x01"), -EINVAL);
        ASSERT_EQ_INT(value_check("\xc0\xaf"), -EILSEQ);
        ASSERT_EQ_INT(value_check("abc\xe2\x82"), -EILSEQ);

        /* Each refusal has its own words, for the user. */
        ASSERT_CONTAINS(value_check_error(-EINVAL), "control character");
        ASSERT_CONTAINS(value_check_error(-EILSEQ), "UTF-8");
        ASSERT_CONTAINS(value_check_error(-E2BIG), "too long");
}

TEST(escape_raw) {
        static const struct {
                const char *in, *out;
        } ok[] = {
                { "/srv/web", "/srv/web" },
                { "", "" },
                { "100%", "100%%" },
                { "%i", "%%i" },
                { "%%", "%%%%" },
                { "/srv/%n/%%/x", "/srv/%%n/%%%%/x" },
                { "a\\b", "a\\b" },           /* a backslash inside is read raw */
                { "[Service]", "[Service]" }, /* can't start a line: Key= comes first */
                { "\"quoted\" 'x' $HOME", "\"quoted\" 'x' $HOME" },
                { "in ner", "in ner" },
        };
        for (size_t i = 0; i < ELEMENTSOF(ok); i++) {
                _cleanup_free_ char *e = NULL;
                ASSERT_OK(escape_raw(ok[i].in, &e));
                ASSERT_STREQ(e, ok[i].out);
        }

        static const struct {
                const char *in;
                int error;
        } bad[] = {
                { "trailing\\", -EBADMSG }, /* a line continuation */
                { " leading", -EBADMSG },   /* systemd strips it */
                { "trailing ", -EBADMSG },
                { "a\nExecStartPre=/bin/evil", -EINVAL },
                { "tab\there", -EINVAL },
                { "\x1b", -EINVAL },
                { "\xff", -EILSEQ },
        };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                _cleanup_free_ char *e = NULL;
                ASSERT_EQ_INT(escape_raw(bad[i].in, &e), bad[i].error);
                ASSERT_TRUE(e == NULL); /* ret_* untouched on failure */
        }
}

TEST(quote_exec_arg) {
        static const struct {
                const char *in, *out;
        } ok[] = {
                { "plain", "\"plain\"" },
                { "", "\"\"" },
                { "two words", "\"two words\"" },
                { "%i", "\"%%i\"" },
                { "%%", "\"%%%%\"" },
                { "$HOME", "\"$$HOME\"" },
                { "${X}", "\"$${X}\"" },
                { "$", "\"$$\"" },
                { "\"", "\"\\\"\"" },
                { "'", "\"'\"" },
                { "\\", "\"\\\\\"" },
                { "a\\nb", "\"a\\\\nb\"" }, /* backslash-n stays two characters */
                { ";", "\";\"" },
                { "[Service]", "\"[Service]\"" },
                { "-leading-dash", "\"-leading-dash\"" },
                { "h\xc3\xa9", "\"h\xc3\xa9\"" },
        };
        for (size_t i = 0; i < ELEMENTSOF(ok); i++) {
                _cleanup_free_ char *q = NULL;
                ASSERT_OK(quote_exec_arg(ok[i].in, &q));
                ASSERT_STREQ(q, ok[i].out);
        }

        static const struct {
                const char *in;
                int error;
        } bad[] = {
                { "a\nb", -EINVAL },
                { "\n[Service]\nExecStartPre=/bin/evil", -EINVAL },
                { "a\rb", -EINVAL },
                { "a\tb", -EINVAL },
                { "\x1b", -EINVAL },
                { "\x7f", -EINVAL },
                { "\xc3", -EILSEQ },
        };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                _cleanup_free_ char *q = NULL;
                ASSERT_EQ_INT(quote_exec_arg(bad[i].in, &q), bad[i].error);
                ASSERT_TRUE(q == NULL);
        }
}

TEST(quote_env_assignment) {
        static const struct {
                const char *name, *value, *out;
        } ok[] = {
                { "A", "plain", "\"A=plain\"" },
                { "A", "", "\"A=\"" },
                { "A", "x y", "\"A=x y\"" },
                { "A", "%i", "\"A=%%i\"" },
                { "A", "%%", "\"A=%%%%\"" },
                { "A", "$HOME ${X}", "\"A=$HOME ${X}\"" }, /* Environment= never expands $ */
                { "A", "\"", "\"A=\\\"\"" },
                { "A", "'", "\"A='\"" },
                { "A", "\\", "\"A=\\\\\"" },
                { "A", "[Service]", "\"A=[Service]\"" },
                { "A", "B=C", "\"A=B=C\"" },
                { "A", ";", "\"A=;\"" },
        };
        for (size_t i = 0; i < ELEMENTSOF(ok); i++) {
                _cleanup_free_ char *q = NULL;
                ASSERT_OK(quote_env_assignment(ok[i].name, ok[i].value, &q));
                ASSERT_STREQ(q, ok[i].out);
        }

        static const struct {
                const char *name, *value;
                int error;
        } bad[] = {
                { "A", "a\nb", -EINVAL },
                { "A", "x\"\n[Service]\nExecStartPre=/bin/evil", -EINVAL },
                { "A", "a\tb", -EINVAL },
                { "A", "\x1b]0;title\x07", -EINVAL },
                { "A", "\x7f", -EINVAL },
                { "A", "\xed\xa0\x80", -EILSEQ },
                { "1A", "x", -EINVAL },
                { "A B", "x", -EINVAL },
                { "A=B", "x", -EINVAL },
                { "A\"", "x", -EINVAL },
                { "", "x", -EINVAL },
        };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                _cleanup_free_ char *q = NULL;
                ASSERT_EQ_INT(quote_env_assignment(bad[i].name, bad[i].value, &q), bad[i].error);
                ASSERT_TRUE(q == NULL);
        }
}

TEST(quote_very_long_values) {
        /* Every byte needs escaping, so the quoted text is twice as long: the limit is on the input. */
        _cleanup_free_ char *max = repeat_string("%\\\"$", VALUE_LENGTH_MAX),
                            *over = repeat_string("%\\\"$", VALUE_LENGTH_MAX + 4);
        _cleanup_free_ char *q = NULL, *e = NULL, *r = NULL;
        _cleanup_free_ char *none = NULL;

        ASSERT_OK(quote_exec_arg(max, &q));
        ASSERT_EQ_INT(strlen(q), 2 * VALUE_LENGTH_MAX + 2);
        ASSERT_OK(quote_env_assignment("LONG", max, &e));
        ASSERT_EQ_INT(strlen(e), strlen("\"LONG=") + VALUE_LENGTH_MAX / 4 * 7 + 1); /* $ stays single */
        ASSERT_OK(escape_raw(max, &r));
        ASSERT_EQ_INT(strlen(r), VALUE_LENGTH_MAX / 4 * 5);

        ASSERT_EQ_INT(quote_exec_arg(over, &none), -E2BIG);
        ASSERT_EQ_INT(quote_env_assignment("LONG", over, &none), -E2BIG);
        ASSERT_EQ_INT(escape_raw(over, &none), -E2BIG);
        ASSERT_TRUE(none == NULL);
}

static void check_split(const char *line, const char *const *want) {
        _cleanup_strv_free_ char **words = NULL;
        size_t n = 0;

        ASSERT_OK(split_command_line(line, &words));
        while (want[n])
                n++;
        ASSERT_EQ_INT(strv_length(words), n);
        for (size_t i = 0; i < n; i++)
                ASSERT_STREQ(words[i], want[i]);
}

TEST(split_command_line) {
        CHECK(check_split("node server.js", (const char *const[]) { "node", "server.js", NULL }));
        CHECK(check_split("  a \t b  ", (const char *const[]) { "a", "b", NULL }));
        CHECK(check_split("'a b' c", (const char *const[]) { "a b", "c", NULL }));
        CHECK(check_split("'a \"b\" \\n $X'", (const char *const[]) { "a \"b\" \\n $X", NULL }));
        CHECK(check_split("\"a 'b' \\\"c\\\" \\\\ \\$X \\`\"", (const char *const[]) { "a 'b' \"c\" \\ $X `", NULL }));
        /* In double quotes a backslash before anything else stays. */
        CHECK(check_split("\"a\\nb\"", (const char *const[]) { "a\\nb", NULL }));
        CHECK(check_split("a\\ b c\\'d \\\\", (const char *const[]) { "a b", "c'd", "\\", NULL }));
        CHECK(check_split("pre'quoted'post\"x y\"", (const char *const[]) { "prequotedpostx y", NULL }));
        CHECK(check_split("'' \"\" x", (const char *const[]) { "", "", "x", NULL }));
        CHECK(check_split("%i $HOME ;", (const char *const[]) { "%i", "$HOME", ";", NULL }));

        static const struct {
                const char *in;
                int error;
        } bad[] = {
                { "'unbalanced", -EBADMSG },
                { "a \"unbalanced", -EBADMSG },
                { "\"a\\\"", -EBADMSG }, /* the only quote is escaped */
                { "trailing\\", -EBADMSG },
                { "", -ENODATA },
                { "   ", -ENODATA },
                { " \t ", -ENODATA },
        };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                _cleanup_strv_free_ char **words = NULL;
                ASSERT_EQ_INT(split_command_line(bad[i].in, &words), bad[i].error);
                ASSERT_TRUE(words == NULL);
        }
}

/* Values an attacker or a careless config could put in env or exec args. None may change the
 * unit's structure; each must come back from systemd's parser exactly. */
static const char *const hostile_values[] = {
        "plain",
        "",
        " leading and trailing spaces ",
        "%i",
        "%%",
        "%",
        "100%",
        "%n %N %u %h %t %%i",
        "[Service]",
        "[Unit]",
        "\"",
        "'",
        "\"'\"'",
        "say \"hi\" 'there'",
        "\\",
        "\\\\",
        "ends with backslash\\",
        "\\n\\t\\x41\\u00e9\\0",
        "$HOME",
        "${X}",
        "$$",
        "$",
        "a$",
        "${X:-default}",
        "$(id) `id`",
        ";",
        "\\;",
        "a ; b",
        "&& || | > <",
        "#not a comment",
        ";not a comment",
        "=",
        "KEY=value",
        "-",
        "@argv0",
        "+",
        "!",
        ":",
        "~",
        "*?[a-z]",
        "h\xc3\xa9llo w\xc3\xb6rld \xe2\x9c\x93 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80",
        "\xc2\x85" "NEL and U+2028 \xe2\x80\xa8 line separator",
        "ExecStartPre=/bin/false",
};

/* Renders a throwaway service whose ExecStart carries every hostile value as an argument and
 * one Environment= line per value. */
static char *hostile_unit(char *const *long_values) {
        Buffer b = {};
        _cleanup_strv_free_ char **all = NULL;

        for (size_t i = 0; i < ELEMENTSOF(hostile_values); i++)
                if (strv_extend(&all, hostile_values[i]) < 0)
                        abort();
        for (size_t i = 0; long_values && long_values[i]; i++)
                if (strv_extend(&all, long_values[i]) < 0)
                        abort();

        buffer_puts(&b, "[Unit]\nDescription=escape round trip\n\n[Service]\nType=exec\nExecStart=\"/bin/true\"");
        for (size_t i = 0; all[i]; i++) {
                _cleanup_free_ char *q = NULL;
                if (quote_exec_arg(all[i], &q) < 0)
                        return buffer_done(&b), NULL;
                buffer_printf(&b, " %s", q);
        }
        buffer_puts(&b, "\n");
        for (size_t i = 0; all[i]; i++) {
                _cleanup_free_ char *q = NULL, *name = NULL;
                if (asprintf(&name, "V%zu", i) < 0 || quote_env_assignment(name, all[i], &q) < 0)
                        return buffer_done(&b), NULL;
                buffer_printf(&b, "Environment=%s\n", q);
        }
        return buffer_steal(&b);
}

static void check_roundtrip(bool user) {
        _cleanup_tmpdir_ char *dir = tmpdir_new();
        _cleanup_free_ char *units = NULL, *unit = NULL, *complaints = NULL;
        _cleanup_strv_free_ char **long_values = NULL, **argv = NULL, **envs = NULL, **cmdlines = NULL;
        _cleanup_(analyze_result_done) AnalyzeResult plain = {}, debug = {};
        char *const names[] = { "escape-roundtrip.service", NULL };
        const char *analyze;
        size_t n_values;

        REQUIRE_SYSTEMD_ANALYZE(analyze);
        ASSERT_TRUE(dir);

        /* Long values, at the limit: plain, and one that doubles in size when quoted. */
        if (strv_push(&long_values, repeat_string("a", 4097)) < 0 ||
            strv_push(&long_values, repeat_string("%\\\"$ ", VALUE_LENGTH_MAX - 3)) < 0 ||
            strv_push(&long_values, repeat_string("x", VALUE_LENGTH_MAX)) < 0)
                abort();
        n_values = ELEMENTSOF(hostile_values) + strv_length(long_values);

        unit = hostile_unit(long_values);
        ASSERT_TRUE(unit != NULL);
        units = concat(dir, "/units", NULL);
        ASSERT_OK(write_file(units, names[0], unit));

        /* 1. systemd accepts every line, without a single warning about our file. */
        ASSERT_OK(analyze_verify(analyze, dir, units, names, user, false, &plain));
        complaints = analyze_complaints(&plain, units, names);
        if (plain.exit_status != 0 || *complaints)
                FAIL("systemd-analyze verify%s: exit status %d, complaints:\n%s\nfull stderr:\n%s",
                     user ? " --user" : "", plain.exit_status, complaints, plain.err);

        /* 2. What it parsed is exactly what we meant: compare its dump of the unit. */
        ASSERT_OK(analyze_verify(analyze, dir, units, names, user, true, &debug));
        ASSERT_EQ_INT(debug.exit_status, 0);
        cmdlines = dump_values(debug.out, "\t\t\tCommand Line: ");
        if (strv_length(cmdlines) != 1)
                FAIL("expected one 'Command Line:' in the debug dump of systemd-analyze verify, got %zu "
                     "(did the dump format change?):\n%s", strv_length(cmdlines), debug.out);
        ASSERT_OK(dump_split_command_line(cmdlines[0], &argv));
        ASSERT_EQ_INT(strv_length(argv), n_values + 1);
        ASSERT_STREQ(argv[0], "/bin/true");
        for (size_t i = 0; i < n_values; i++) {
                const char *want = i < ELEMENTSOF(hostile_values) ? hostile_values[i]
                                                                  : long_values[i - ELEMENTSOF(hostile_values)];
                _cleanup_free_ char *at_exec = NULL;
                /* The dump shows the argument before exec-time $ substitution: do that step too. */
                if (exec_time_dollars(argv[i + 1], &at_exec) < 0)
                        FAIL("ExecStart argument %zu would be subject to variable substitution: %s", i, argv[i + 1]);
                ASSERT_STREQ(at_exec, want);
        }

        envs = dump_values(debug.out, "\t\tEnvironment: ");
        ASSERT_EQ_INT(strv_length(envs), n_values);
        for (size_t i = 0; i < n_values; i++) {
                const char *want = i < ELEMENTSOF(hostile_values) ? hostile_values[i]
                                                                  : long_values[i - ELEMENTSOF(hostile_values)];
                _cleanup_free_ char *prefix = NULL;
                const char *got = NULL;
                ASSERT_OK(asprintf_safe(&prefix, "V%zu=", i));
                for (size_t k = 0; envs[k] && !got; k++)
                        if (startswith(envs[k], prefix))
                                got = envs[k] + strlen(prefix);
                if (!got)
                        FAIL("Environment V%zu missing from the dump", i);
                ASSERT_STREQ(got, want);
        }
}

TEST(systemd_reads_back_quoted_values_user) {
        CHECK(check_roundtrip(true));
}

TEST(systemd_reads_back_quoted_values_system) {
        CHECK(check_roundtrip(false));
}

/* The harness itself must catch a wrong quoting: without the doubling, systemd reads "%i" as the
 * instance and "$HOME" as a variable. Proves the round trip above can fail. */
TEST(systemd_roundtrip_detects_bad_quoting) {
        _cleanup_tmpdir_ char *dir = tmpdir_new();
        _cleanup_free_ char *units = NULL;
        _cleanup_strv_free_ char **cmdlines = NULL, **argv = NULL, **envs = NULL;
        _cleanup_(analyze_result_done) AnalyzeResult debug = {};
        char *const names[] = { "bad@1.service", NULL };
        char *at_exec = NULL;
        const char *analyze;

        REQUIRE_SYSTEMD_ANALYZE(analyze);
        ASSERT_TRUE(dir);
        units = concat(dir, "/units", NULL);
        ASSERT_OK(write_file(units, "bad@.service",
                             "[Service]\nType=exec\nExecStart=/bin/true \"%i\" \"$HOME\"\nEnvironment=\"A=%i\"\n"));
        ASSERT_OK(analyze_verify(analyze, dir, units, names, true, true, &debug));
        cmdlines = dump_values(debug.out, "\t\t\tCommand Line: ");
        ASSERT_EQ_INT(strv_length(cmdlines), 1);
        ASSERT_OK(dump_split_command_line(cmdlines[0], &argv));
        ASSERT_EQ_INT(strv_length(argv), 3);
        ASSERT_STREQ(argv[1], "1"); /* the specifier was expanded */
        ASSERT_EQ_INT(exec_time_dollars(argv[2], &at_exec), -EINVAL);
        envs = dump_values(debug.out, "\t\tEnvironment: ");
        ASSERT_TRUE(strv_contains(envs, "A=1"));
}
