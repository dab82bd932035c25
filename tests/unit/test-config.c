/* Tests of config.c: what a valid config turns into, and that every error names the exact
 * file:line with words the user can act on. */
#include "test.h"

#include <grp.h>
#include <sys/stat.h>

#include "config.h"
#include "testutil.h"
#include "util.h"

/* config_load_string never touches this path; it names the file in errors and anchors relative paths. */
#define CONFIG "/etc/clusterctl/web.conf"
#define CONFIG_DIR "/etc/clusterctl"
/* Two lines; most error tests append the line under test, which is then line 3. */
#define BASE "name = \"web\";\nexec = \"/bin/true\";\n"

static void load_ok(const char *text, AppList *ret) {
        _cleanup_(config_error_done) ConfigError e = {};
        int r = config_load_string(text, CONFIG, ret, &e);
        if (r < 0) {
                _cleanup_free_ char *msg = config_error_format(&e);
                FAIL("config_load_string failed (%d): %s\nconfig:\n%s", r, msg, text);
        }
        ASSERT_TRUE(ret->n_apps >= 1);
}

static void check_error_at(const char *text, const char *path, const char *file, int line, const char *message) {
        _cleanup_(app_list_done) AppList l = {};
        _cleanup_(config_error_done) ConfigError e = {};
        _cleanup_free_ char *formatted = NULL, *where = NULL;
        int r = config_load_string(text, path, &l, &e);

        if (r >= 0)
                FAIL("config was accepted, expected %s:%d: …%s…\nconfig:\n%.1000s", file, line, message, text);
        ASSERT_EQ_INT(l.n_apps, 0);
        if (!e.message || !e.file || !streq(e.file, file) || e.line != line || !strstr(e.message, message)) {
                printf("config:\n%.1000s\n", text);
                ASSERT_STREQ(e.file, file);
                ASSERT_EQ_INT(e.line, line);
                ASSERT_CONTAINS(e.message, message);
        }
        /* What `clusterctl check` prints: "file:line: message", or "file: message" without a line. */
        formatted = config_error_format(&e);
        if (line > 0)
                ASSERT_OK(asprintf_safe(&where, "%s:%d: ", file, line));
        else
                ASSERT_OK(asprintf_safe(&where, "%s: ", file));
        ASSERT_TRUE(formatted && startswith(formatted, where));
        ASSERT_CONTAINS(formatted, message);
}

#define EXPECT_ERROR(text, line, message) CHECK(check_error_at(text, CONFIG, CONFIG, line, message))

typedef struct ErrorCase {
        const char *text;
        int line;
        const char *message;
} ErrorCase;

static void check_error_table(const ErrorCase *cases, size_t n) {
        for (size_t i = 0; i < n; i++) {
                check_error_at(cases[i].text, CONFIG, CONFIG, cases[i].line, cases[i].message);
                if (test_failed_) {
                        printf("    (entry %zu of the table)\n", i);
                        return;
                }
        }
}
#define EXPECT_ERROR_TABLE(cases) CHECK(check_error_table(cases, ELEMENTSOF(cases)))

static void check_argv(char **argv, const char *const *want) {
        size_t n = 0;
        while (want[n])
                n++;
        if (strv_length(argv) != n) {
                printf("argv:");
                for (size_t i = 0; argv && argv[i]; i++)
                        printf(" [%s]", argv[i]);
                putchar('\n');
        }
        ASSERT_EQ_INT(strv_length(argv), n);
        for (size_t i = 0; i < n; i++)
                ASSERT_STREQ(argv[i], want[i]);
}
#define ARGV(...) ((const char *const[]) { __VA_ARGS__, NULL })

/* Temporary directories (tmpdir_new, fake_path) are usually under /tmp, which the default sandbox
 * (PrivateTmp=yes) hides from the app: a config that runs or works in one, in a test about
 * something else, turns the sandbox off. */
#define NO_SANDBOX "hardening = \"none\";\n"

/* A directory of fake commands, made the whole PATH of this (forked) test. */
static char *fake_path(const char *const *commands) {
        char *dir = tmpdir_new();
        if (!dir)
                return NULL;
        for (size_t i = 0; commands[i]; i++) {
                _cleanup_free_ char *p = concat(dir, "/", commands[i], NULL);
                if (write_file(dir, commands[i], "#!/bin/sh\nexit 0\n") < 0 || chmod(p, 0755) < 0)
                        return NULL;
        }
        setenv("PATH", dir, 1);
        return dir;
}

/* ---- valid configs ---- */

TEST(defaults) {
        _cleanup_(app_list_done) AppList l = {};

        CHECK(load_ok(BASE, &l));
        ASSERT_EQ_INT(l.n_apps, 1);
        const App *a = &l.apps[0];
        ASSERT_STREQ(a->name, "web");
        ASSERT_STREQ(a->config_path, CONFIG);
        CHECK(check_argv(a->argv, ARGV("/bin/true")));
        ASSERT_STREQ(a->cwd, CONFIG_DIR); /* the config's directory, as PM2 uses the ecosystem file's */
        ASSERT_TRUE(a->user == NULL && a->group == NULL && a->env_file == NULL);
        ASSERT_EQ_INT(a->n_env, 0);
        ASSERT_FALSE(a->instances.relative_to_max);
        ASSERT_EQ_INT(a->instances.n, 1);
        ASSERT_STREQ(a->instance_var, "NODE_APP_INSTANCE");
        ASSERT_TRUE(a->increment_var == NULL);
        ASSERT_TRUE(a->listen == NULL);
        ASSERT_EQ_INT(a->socket_mode, SOCKET_MODE_SHARED);
        ASSERT_EQ_INT(a->ready, READY_NOTIFY);
        ASSERT_EQ_DOUBLE(a->ready_timeout, 30.0);
        ASSERT_TRUE(a->kill_signal == NULL); /* the manager's default, SIGTERM */
        ASSERT_TRUE(a->kill_timeout < 0);
        ASSERT_STREQ(a->restart, "always");
        ASSERT_EQ_DOUBLE(a->restart_delay, 1.0); /* systemd's 100ms would spin a crashing app */
        ASSERT_TRUE(a->memory_max == NULL);
        ASSERT_EQ_INT(a->cpu_weight, 0);
        ASSERT_EQ_INT(a->hardening, HARDENING_DEFAULT);
        ASSERT_EQ_INT(a->rollout.batch, 1);
        ASSERT_EQ_INT(a->rollout.batch_percent, 0);
        ASSERT_EQ_DOUBLE(a->rollout.pause, 0.0);
        ASSERT_EQ_DOUBLE(a->rollout.grace, 0.5);
        ASSERT_EQ_INT(a->rollout.on_failure, ON_FAILURE_STOP);
        /* Spares: 25% of the instances, at least one; the new version proves itself on them first. */
        ASSERT_EQ_INT(a->rollout.surge, 0);
        ASSERT_EQ_INT(a->rollout.surge_percent, 25);
        ASSERT_EQ_DOUBLE(a->watchdog, 0.0);
        ASSERT_EQ_INT(a->history_limit, 10);
}

TEST(rollout_surge_watchdog_history) {
        _cleanup_(app_list_done) AppList l = {}, m = {}, n = {};

        CHECK(load_ok(BASE "rollout = { surge = \"25%\"; };\nwatchdog = 2.5;\nhistory_limit = 3;\n", &l));
        ASSERT_EQ_INT(l.apps[0].rollout.surge_percent, 25);
        ASSERT_EQ_DOUBLE(l.apps[0].watchdog, 2.5);
        ASSERT_EQ_INT(l.apps[0].history_limit, 3);
        CHECK(load_ok(BASE "rollout = { surge = 0; };\n", &m));
        ASSERT_EQ_INT(m.apps[0].rollout.surge, 0);
        ASSERT_EQ_INT(m.apps[0].rollout.surge_percent, 0);
        CHECK(load_ok(BASE "rollout = { surge = 4; batch = \"50%\"; };\n", &n));
        ASSERT_EQ_INT(n.apps[0].rollout.surge, 4);
        ASSERT_EQ_INT(n.apps[0].rollout.batch_percent, 50);
}

TEST(error_surge_watchdog_history) {
        static const ErrorCase cases[] = {
                { BASE "rollout = {\n  surge = -1;\n};\n", 4, "rollout.surge: -1 is out of range (0 to 1024, or \"N%\")" },
                { BASE "rollout = {\n  surge = \"150%\";\n};\n", 4, "rollout.surge: '150%' is not a count or a percentage" },
                { BASE "rollout = {\n  surge = 1.5;\n};\n", 4, "rollout.surge: expected an integer or \"N%\", got a number" },
                { BASE "rollout = {\n  batch = 0;\n};\n", 4, "rollout.batch: 0 is out of range (1 to 1024, or \"N%\")" },
                { BASE "watchdog = \"5\";\n", 3, "watchdog: expected a number of seconds, got a string" },
                { BASE "watchdog = -1;\n", 3, "watchdog" },
                { BASE "history_limit = 0;\n", 3, "history_limit: 0 is out of range (1 to 1000)" },
                { BASE "history_limit = \"10\";\n", 3, "history_limit: expected an integer, got a string" },
                { BASE "ready = \"exec\";\nwatchdog = 5;\n", 4, "watchdog: needs ready = \"notify\"" },
                { BASE "rollout = {\n  surges = 1;\n};\n", 4, "rollout: unknown key 'surges' (batch, surge, pause, grace, on_failure)" },
        };
        EXPECT_ERROR_TABLE(cases);
}

/* Every key, from a file on disk: relative cwd and env_file resolve against the config's
 * directory, the script against cwd, and the .js interpreter through PATH. The directory is a
 * temporary one, hence hardening = "none". */
TEST(every_key_from_file) {
        _cleanup_tmpdir_ char *dir = tmpdir_new(), *bin = fake_path(ARGV("node"));
        _cleanup_(app_list_done) AppList l = {};
        _cleanup_(config_error_done) ConfigError e = {};
        _cleanup_free_ char *path = NULL, *node = NULL, *script = NULL, *cwd = NULL, *env_file = NULL;

        ASSERT_TRUE(dir && bin);
        ASSERT_OK(write_file(dir, "web.conf",
                             "# every key clusterctl knows\n"
                             "name = \"web\";\n"
                             "script = \"server.js\";\n"
                             "args = [ \"--port\", \"%i\", \"two words\" ];\n"
                             "cwd = \"app\";\n"
                             "user = \"www-data\";\n"
                             "group = \"nogroup\";\n"
                             "env = { NODE_ENV = \"production\"; PORT = 3000; RATIO = 1.5; DEBUG = false; };\n"
                             "env_file = \"web.env\";\n"
                             "instances = \"max-1\";\n"
                             "instance_var = \"INSTANCE_ID\";\n"
                             "increment_var = \"PORT\";\n"
                             "listen = ( \"127.0.0.1:3000\", \"[::1]:3000\", \"/run/web.sock\" );\n"
                             "socket_mode = \"shared\";\n"
                             "ready = \"exec\";\n"
                             "ready_timeout = 12.5;\n"
                             "kill_signal = \"SIGINT\";\n"
                             "kill_timeout = 5;\n"
                             "restart = \"on-failure\";\n"
                             "restart_delay = 0.25;\n"
                             "memory_max = \"512M\";\n"
                             "cpu_weight = 200;\n"
                             "hardening = \"none\";\n"
                             "rollout = { batch = \"25%\"; pause = 1.5; grace = 2; on_failure = \"rollback\"; };\n"));
        path = concat(dir, "/web.conf", NULL);
        node = concat(bin, "/node", NULL);
        cwd = concat(dir, "/app", NULL);
        script = concat(dir, "/app/server.js", NULL);
        env_file = concat(dir, "/web.env", NULL);

        int r = config_load_file(path, &l, &e);
        if (r < 0)
                FAIL("config_load_file: %d %s:%d: %s", r, e.file, e.line, e.message);
        ASSERT_EQ_INT(l.n_apps, 1);
        const App *a = &l.apps[0];
        ASSERT_STREQ(a->name, "web");
        ASSERT_STREQ(a->config_path, path);
        CHECK(check_argv(a->argv, ARGV(node, script, "--port", "%i", "two words")));
        ASSERT_STREQ(a->cwd, cwd);
        ASSERT_STREQ(a->user, "www-data");
        ASSERT_STREQ(a->group, "nogroup");
        ASSERT_EQ_INT(a->n_env, 4);
        ASSERT_STREQ(a->env[0].name, "NODE_ENV");
        ASSERT_STREQ(a->env[0].value, "production");
        ASSERT_STREQ(a->env[1].name, "PORT");
        ASSERT_STREQ(a->env[1].value, "3000");
        ASSERT_STREQ(a->env[2].name, "RATIO");
        ASSERT_STREQ(a->env[2].value, "1.5");
        ASSERT_STREQ(a->env[3].name, "DEBUG");
        ASSERT_STREQ(a->env[3].value, "false");
        ASSERT_STREQ(a->env_file, env_file);
        ASSERT_TRUE(a->instances.relative_to_max);
        ASSERT_EQ_INT(a->instances.n, 1);
        ASSERT_STREQ(a->instance_var, "INSTANCE_ID");
        ASSERT_STREQ(a->increment_var, "PORT");
        ASSERT_EQ_INT(a->increment_base, 3000);
        CHECK(check_argv(a->listen, ARGV("127.0.0.1:3000", "[::1]:3000", "/run/web.sock")));
        ASSERT_EQ_INT(a->socket_mode, SOCKET_MODE_SHARED);
        ASSERT_EQ_INT(a->ready, READY_EXEC);
        ASSERT_EQ_DOUBLE(a->ready_timeout, 12.5);
        ASSERT_STREQ(a->kill_signal, "SIGINT");
        ASSERT_EQ_DOUBLE(a->kill_timeout, 5.0);
        ASSERT_STREQ(a->restart, "on-failure");
        ASSERT_EQ_DOUBLE(a->restart_delay, 0.25);
        ASSERT_STREQ(a->memory_max, "512M");
        ASSERT_EQ_INT(a->cpu_weight, 200);
        ASSERT_EQ_INT(a->hardening, HARDENING_NONE);
        ASSERT_EQ_INT(a->rollout.batch, 0);
        ASSERT_EQ_INT(a->rollout.batch_percent, 25);
        ASSERT_EQ_DOUBLE(a->rollout.pause, 1.5);
        ASSERT_EQ_DOUBLE(a->rollout.grace, 2.0);
        ASSERT_EQ_INT(a->rollout.on_failure, ON_FAILURE_ROLLBACK);
}

TEST(other_values_of_every_key) {
        _cleanup_(app_list_done) AppList l = {};

        CHECK(load_ok("name = \"api_2\";\n"
                      "exec = [ \"/usr/bin/env\", \"A=1\", \"%i\", \"\" ];\n"
                      "cwd = \"/srv/api\";\n"
                      "instances = \"max\";\n"
                      "listen = ( \"3000\", \"0.0.0.0:3001\" );\n"
                      "socket_mode = \"reuseport\";\n"
                      "ready = \"notify\";\n"
                      "kill_signal = \"HUP\";\n"
                      "restart = false;\n"
                      "memory_max = 1073741824;\n"
                      "hardening = \"strict\";\n"
                      "rollout = { batch = 2; on_failure = \"continue\"; };\n",
                      &l));
        const App *a = &l.apps[0];
        ASSERT_STREQ(a->name, "api_2");
        CHECK(check_argv(a->argv, ARGV("/usr/bin/env", "A=1", "%i", "")));
        ASSERT_STREQ(a->cwd, "/srv/api");
        ASSERT_TRUE(a->instances.relative_to_max);
        ASSERT_EQ_INT(a->instances.n, 0);
        CHECK(check_argv(a->listen, ARGV("3000", "0.0.0.0:3001")));
        ASSERT_EQ_INT(a->socket_mode, SOCKET_MODE_REUSEPORT);
        ASSERT_EQ_INT(a->ready, READY_NOTIFY);
        ASSERT_STREQ(a->kill_signal, "SIGHUP");
        ASSERT_STREQ(a->restart, "no");
        ASSERT_STREQ(a->memory_max, "1073741824");
        ASSERT_EQ_INT(a->hardening, HARDENING_STRICT);
        ASSERT_EQ_INT(a->rollout.batch, 2);
        ASSERT_EQ_INT(a->rollout.batch_percent, 0);
        ASSERT_EQ_INT(a->rollout.on_failure, ON_FAILURE_CONTINUE);
}

/* Numeric ids systemd takes as a UID or GID: no leading zero, below 2^32-1, not 65535. */
TEST(numeric_user_and_group) {
        _cleanup_(app_list_done) AppList l = {}, m = {};

        CHECK(load_ok(BASE "user = \"4294967294\";\ngroup = \"0\";\n", &l));
        ASSERT_STREQ(l.apps[0].user, "4294967294");
        ASSERT_STREQ(l.apps[0].group, "0");
        CHECK(load_ok(BASE "user = \"65534\";\ngroup = \"65536\";\n", &m));
        ASSERT_STREQ(m.apps[0].user, "65534");
        ASSERT_STREQ(m.apps[0].group, "65536");
}

TEST(listen_forms) {
        _cleanup_(app_list_done) AppList a = {}, b = {}, c = {};

        CHECK(load_ok(BASE "listen = 8080;\n", &a));
        CHECK(check_argv(a.apps[0].listen, ARGV("8080")));
        CHECK(load_ok(BASE "listen = \"[::]:8080\";\n", &b));
        CHECK(check_argv(b.apps[0].listen, ARGV("[::]:8080")));
        CHECK(load_ok(BASE "listen = [ \"8080\", \"/run/web.sock\" ];\n", &c));
        CHECK(check_argv(c.apps[0].listen, ARGV("8080", "/run/web.sock")));
}

TEST(small_variants) {
        static const struct {
                const char *line;
                const char *restart, *memory_max;
                bool relative;
                int n;
        } cases[] = {
                { "restart = true;", "always", NULL, false, 1 }, /* PM2's autorestart */
                { "memory_max = \"infinity\";", "always", "infinity", false, 1 },
                { "memory_max = \"2G\";", "always", "2G", false, 1 },
                { "memory_max = 4294967296L;", "always", "4294967296", false, 1 },
                { "memory_max = \"16777215T\";", "always", "16777215T", false, 1 }, /* the largest below 2^64 */
                { "instances = 4;", "always", NULL, false, 4 },
                { "instances = 4L;", "always", NULL, false, 4 },
                { "instances = \"4\";", "always", NULL, false, 4 },
                { "instances = -1;", "always", NULL, true, 1 }, /* PM2: all CPUs but one */
                { "instances = \"max-2\";", "always", NULL, true, 2 },
                { "instances = 1024;", "always", NULL, false, 1024 },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_(app_list_done) AppList l = {};
                _cleanup_free_ char *text = concat(BASE, cases[i].line, "\n", NULL);
                CHECK(load_ok(text, &l));
                ASSERT_STREQ(l.apps[0].restart, cases[i].restart);
                ASSERT_STREQ(l.apps[0].memory_max, cases[i].memory_max);
                ASSERT_EQ_INT(l.apps[0].instances.relative_to_max, cases[i].relative);
                ASSERT_EQ_INT(l.apps[0].instances.n, cases[i].n);
        }
}

TEST(exec_as_string_and_list) {
        _cleanup_(app_list_done) AppList s = {}, l = {}, rel = {};

        /* A string is split like a shell would, without expansions. */
        CHECK(load_ok("name = \"web\";\n"
                      "exec = \"/bin/sh -c 'echo \\\"hi\\\" $HOME' x\\\\ y \\\"%i\\\"\";\n",
                      &s));
        CHECK(check_argv(s.apps[0].argv, ARGV("/bin/sh", "-c", "echo \"hi\" $HOME", "x y", "%i")));

        CHECK(load_ok("name = \"web\";\nexec = ( \"/bin/echo\", \"a b\", \"'q'\" );\n", &l));
        CHECK(check_argv(l.apps[0].argv, ARGV("/bin/echo", "a b", "'q'")));

        /* A relative command with a slash resolves against cwd, not the config's directory. */
        CHECK(load_ok("name = \"web\";\ncwd = \"/srv/web\";\nexec = \"bin/server --fast\";\n", &rel));
        CHECK(check_argv(rel.apps[0].argv, ARGV("/srv/web/bin/server", "--fast")));
}

TEST(exec_bare_command_resolved_via_path) {
        _cleanup_tmpdir_ char *bin = fake_path(ARGV("mytool"));
        _cleanup_(app_list_done) AppList l = {};
        _cleanup_free_ char *tool = NULL, *path = NULL;

        ASSERT_TRUE(bin);
        tool = concat(bin, "/mytool", NULL);
        /* Relative PATH entries are skipped: they would depend on the manager's directory. */
        path = concat("bin:.:", bin, NULL);
        setenv("PATH", path, 1);
        CHECK(load_ok("name = \"web\";\n" NO_SANDBOX "exec = \"mytool serve\";\n", &l));
        CHECK(check_argv(l.apps[0].argv, ARGV(tool, "serve")));
}

TEST(script_interpreters) {
        _cleanup_tmpdir_ char *bin = fake_path(ARGV("node", "python3", "sh", "deno"));
        _cleanup_free_ char *node = NULL, *python = NULL, *sh = NULL, *deno = NULL;

        ASSERT_TRUE(bin);
        node = concat(bin, "/node", NULL);
        python = concat(bin, "/python3", NULL);
        sh = concat(bin, "/sh", NULL);
        deno = concat(bin, "/deno", NULL);

        static const char *const js[] = { "app.js", "app.mjs", "app.cjs" };
        for (size_t i = 0; i < ELEMENTSOF(js); i++) {
                _cleanup_(app_list_done) AppList l = {};
                _cleanup_free_ char *text = concat("name = \"web\";\n" NO_SANDBOX "script = \"", js[i], "\";\n", NULL);
                _cleanup_free_ char *script = concat(CONFIG_DIR "/", js[i], NULL);
                CHECK(load_ok(text, &l));
                CHECK(check_argv(l.apps[0].argv, ARGV(node, script)));
        }
        {
                _cleanup_(app_list_done) AppList l = {};
                CHECK(load_ok("name = \"web\";\n" NO_SANDBOX "script = \"/opt/t.py\";\nargs = \"-v 'a b'\";\n", &l));
                CHECK(check_argv(l.apps[0].argv, ARGV(python, "/opt/t.py", "-v", "a b")));
        }
        {
                _cleanup_(app_list_done) AppList l = {};
                CHECK(load_ok("name = \"web\";\n" NO_SANDBOX "script = \"run.sh\";\ncwd = \"/srv\";\n", &l));
                CHECK(check_argv(l.apps[0].argv, ARGV(sh, "/srv/run.sh")));
        }
        {
                /* An explicit interpreter with its own options. */
                _cleanup_(app_list_done) AppList l = {};
                CHECK(load_ok("name = \"web\";\n" NO_SANDBOX "script = \"main.ts\";\ninterpreter = \"deno run --allow-net\";\n",
                              &l));
                CHECK(check_argv(l.apps[0].argv, ARGV(deno, "run", "--allow-net", CONFIG_DIR "/main.ts")));
        }
        {
                /* "none": the script is the executable. */
                _cleanup_(app_list_done) AppList l = {};
                CHECK(load_ok("name = \"web\";\nscript = \"server\";\ninterpreter = \"none\";\nargs = [ \"x\" ];\n", &l));
                CHECK(check_argv(l.apps[0].argv, ARGV(CONFIG_DIR "/server", "x")));
        }
        {
                /* No known extension and no interpreter: the script runs itself. */
                _cleanup_(app_list_done) AppList l = {};
                CHECK(load_ok("name = \"web\";\nscript = \"bin/server\";\n", &l));
                CHECK(check_argv(l.apps[0].argv, ARGV(CONFIG_DIR "/bin/server")));
        }
}

TEST(relative_paths_against_config_dir) {
        _cleanup_(app_list_done) AppList l = {};

        CHECK(load_ok(BASE "cwd = \"current/app\";\nenv_file = \"env/web.env\";\n", &l));
        ASSERT_STREQ(l.apps[0].cwd, CONFIG_DIR "/current/app");
        /* env_file is the config's, like the config itself: not relative to cwd. */
        ASSERT_STREQ(l.apps[0].env_file, CONFIG_DIR "/env/web.env");
}

/* A relative path is made absolute against the config's directory and normalized: systemd
 * refuses WorkingDirectory=/etc/clusterctl/../app ("path is not normalized", a fatal unit error)
 * and ignores such an EnvironmentFile=, starting the app without its environment. */
TEST(relative_paths_with_dot_dot_are_normalized) {
        static const char *const lines[] = { "cwd = \"../app\";", "env_file = \"../web.env\";",
                                             "cwd = \"./app/../srv/./x\";" };
        static const char *const want[] = { "/etc/app", "/etc/web.env", CONFIG_DIR "/srv/x" };
        for (size_t i = 0; i < ELEMENTSOF(lines); i++) {
                _cleanup_(app_list_done) AppList l = {};
                _cleanup_(config_error_done) ConfigError e = {};
                _cleanup_free_ char *text = concat(BASE, lines[i], "\n", NULL);
                int r = config_load_string(text, CONFIG, &l, &e);
                if (r < 0) {
                        /* Refusing is acceptable too, with the line. */
                        ASSERT_EQ_INT(e.line, 3);
                        continue;
                }
                const char *got = i == 1 ? l.apps[0].env_file : l.apps[0].cwd;
                ASSERT_STREQ(got, want[i]);
        }
}

/* The config's own path is normalized too, so the default cwd (its directory) is a path systemd
 * takes: it refuses WorkingDirectory=/etc/x/../clusterctl ("path is not normalized"). */
TEST(config_path_with_dot_dot_is_normalized) {
        static const char *const paths[] = { "/etc/x/../clusterctl/web.conf", "/etc/./clusterctl//web.conf",
                                             "/etc/clusterctl/sub/../web.conf" };
        for (size_t i = 0; i < ELEMENTSOF(paths); i++) {
                _cleanup_(app_list_done) AppList l = {};
                _cleanup_(config_error_done) ConfigError e = {};
                ASSERT_OK(config_load_string(BASE, paths[i], &l, &e));
                ASSERT_STREQ(l.apps[0].config_path, CONFIG);
                ASSERT_STREQ(l.apps[0].cwd, CONFIG_DIR);
        }
}

TEST(apps_list) {
        _cleanup_(app_list_done) AppList l = {};

        CHECK(load_ok("apps = (\n"
                      "  { name = \"web\"; exec = \"/bin/true\"; instances = 2; },\n"
                      "  { name = \"worker\"; exec = [ \"/bin/sleep\", \"1\" ]; cwd = \"/srv/w\"; ready = \"exec\"; }\n"
                      ");\n",
                      &l));
        ASSERT_EQ_INT(l.n_apps, 2);
        ASSERT_STREQ(l.apps[0].name, "web");
        ASSERT_EQ_INT(l.apps[0].instances.n, 2);
        ASSERT_STREQ(l.apps[0].cwd, CONFIG_DIR);
        ASSERT_EQ_INT(l.apps[0].ready, READY_NOTIFY);
        ASSERT_STREQ(l.apps[1].name, "worker");
        CHECK(check_argv(l.apps[1].argv, ARGV("/bin/sleep", "1")));
        ASSERT_STREQ(l.apps[1].cwd, "/srv/w");
        ASSERT_EQ_INT(l.apps[1].ready, READY_EXEC);
        ASSERT_EQ_INT(l.apps[1].instances.n, 1); /* defaults are per app */
        ASSERT_STREQ(l.apps[0].config_path, CONFIG);
        ASSERT_STREQ(l.apps[1].config_path, CONFIG);
}

TEST(relative_config_path_becomes_absolute) {
        _cleanup_tmpdir_ char *dir = tmpdir_new();
        _cleanup_(app_list_done) AppList l = {};
        _cleanup_(config_error_done) ConfigError e = {};
        _cleanup_free_ char *want = NULL;

        ASSERT_TRUE(dir);
        ASSERT_OK(write_file(dir, "sub/web.conf", "name = \"web\";\nexec = \"/bin/true\";\ncwd = \"app\";\n" NO_SANDBOX));
        ASSERT_OK(chdir(dir)); /* this test runs in its own process */
        ASSERT_OK(config_load_file("sub/web.conf", &l, &e));
        want = concat(dir, "/sub/web.conf", NULL);
        ASSERT_STREQ(l.apps[0].config_path, want);
        free(want);
        want = concat(dir, "/sub/app", NULL);
        ASSERT_STREQ(l.apps[0].cwd, want);
}

TEST(enum_strings) {
        ASSERT_STREQ(socket_mode_to_string(SOCKET_MODE_SHARED), "shared");
        ASSERT_STREQ(socket_mode_to_string(SOCKET_MODE_REUSEPORT), "reuseport");
        ASSERT_TRUE(socket_mode_to_string(_SOCKET_MODE_MAX) == NULL);
        ASSERT_TRUE(socket_mode_to_string(_SOCKET_MODE_INVALID) == NULL);
        ASSERT_STREQ(ready_mode_to_string(READY_NOTIFY), "notify");
        ASSERT_STREQ(ready_mode_to_string(READY_EXEC), "exec");
        ASSERT_TRUE(ready_mode_to_string(_READY_MAX) == NULL);
        ASSERT_STREQ(on_failure_to_string(ON_FAILURE_STOP), "stop");
        ASSERT_STREQ(on_failure_to_string(ON_FAILURE_ROLLBACK), "rollback");
        ASSERT_STREQ(on_failure_to_string(ON_FAILURE_CONTINUE), "continue");
        ASSERT_TRUE(on_failure_to_string(_ON_FAILURE_MAX) == NULL);
        ASSERT_STREQ(hardening_to_string(HARDENING_NONE), "none");
        ASSERT_STREQ(hardening_to_string(HARDENING_DEFAULT), "default");
        ASSERT_STREQ(hardening_to_string(HARDENING_STRICT), "strict");
        ASSERT_TRUE(hardening_to_string(_HARDENING_MAX) == NULL);
        ASSERT_TRUE(hardening_to_string(_HARDENING_INVALID) == NULL);
        ASSERT_EQ_INT(on_failure_from_string("rollback"), ON_FAILURE_ROLLBACK);
        ASSERT_EQ_INT(on_failure_from_string("continue"), ON_FAILURE_CONTINUE);
        ASSERT_EQ_INT(on_failure_from_string("Stop"), _ON_FAILURE_INVALID);
        ASSERT_EQ_INT(on_failure_from_string(""), _ON_FAILURE_INVALID);
}

TEST(config_error_format) {
        ConfigError with_line = { .file = (char *) "/a/b.conf", .line = 7, .message = (char *) "boom" };
        ConfigError no_line = { .file = (char *) "/a/b.conf", .line = 0, .message = (char *) "boom" };
        _cleanup_free_ char *a = config_error_format(&with_line), *b = config_error_format(&no_line);

        ASSERT_STREQ(a, "/a/b.conf:7: boom");
        ASSERT_STREQ(b, "/a/b.conf: boom");
}

/* ---- errors: every one names file:line ---- */

TEST(error_unknown_key) {
        EXPECT_ERROR(BASE "foo = 1;\n", 3, "unknown key 'foo'");
        EXPECT_ERROR(BASE "\n\n  hardening2 = true;\n", 5, "unknown key 'hardening2'");
        EXPECT_ERROR("apps = (\n  {\n    name = \"web\";\n    exec = \"/bin/true\";\n    colour = \"red\";\n  }\n);\n",
                     5, "unknown key 'colour'");
}

TEST(error_wrong_type_for_each_key) {
        static const ErrorCase cases[] = {
                { "name = 5;\nexec = \"/bin/true\";\n", 1, "name: expected a string, got an integer" },
                { BASE "cwd = 1;\n", 3, "cwd: expected a string, got an integer" },
                { BASE "user = true;\n", 3, "user: expected a string, got a boolean" },
                { BASE "group = 1.5;\n", 3, "group: expected a string, got a number" },
                { BASE "env = \"A=1\";\n", 3, "env: expected a group" },
                { BASE "env = ( \"A=1\" );\n", 3, "env: expected a group" },
                { BASE "env_file = ( \"a\" );\n", 3, "env_file: expected a string, got a list" },
                { BASE "instances = 1.5;\n", 3, "instances: expected an integer or \"max\", got a number" },
                { BASE "instances = [ 1 ];\n", 3, "instances: expected an integer or \"max\", got an array" },
                { BASE "instance_var = 1;\n", 3, "instance_var: expected a string, got an integer" },
                { BASE "increment_var = true;\n", 3, "increment_var: expected a string, got a boolean" },
                { BASE "listen = { port = 1; };\n", 3, "listen: expected an address or a list of addresses, got a group" },
                { BASE "listen = true;\n", 3, "listen: expected an address or a list of addresses, got a boolean" },
                { BASE "socket_mode = 1;\n", 3, "socket_mode: expected a string, got an integer" },
                { BASE "ready = true;\n", 3, "ready: expected a string, got a boolean" },
                { BASE "ready_timeout = \"30\";\n", 3, "ready_timeout: expected a number of seconds, got a string" },
                { BASE "kill_signal = 15;\n", 3, "kill_signal: expected a string, got an integer" },
                { BASE "kill_timeout = true;\n", 3, "kill_timeout: expected a number of seconds, got a boolean" },
                { BASE "restart = 1;\n", 3, "restart: expected a string, got an integer" },
                { BASE "restart_delay = \"1s\";\n", 3, "restart_delay: expected a number of seconds, got a string" },
                { BASE "memory_max = 1.5;\n", 3, "memory_max: expected a string, got a number" },
                { BASE "cpu_weight = \"100\";\n", 3, "cpu_weight: expected an integer, got a string" },
                { BASE "cpu_weight = 1.5;\n", 3, "cpu_weight: expected an integer, got a number" },
                { BASE "rollout = 1;\n", 3, "rollout: expected a group" },
                { BASE "hardening = true;\n", 3, "hardening: expected a string, got a boolean" },
                { BASE "hardening = 0;\n", 3, "hardening: expected a string, got an integer" },
                { BASE "rollout = {\n  batch = 1.5;\n};\n", 4, "rollout.batch: expected an integer or \"N%\", got a number" },
                { BASE "rollout = {\n  pause = \"1\";\n};\n", 4, "pause: expected a number of seconds, got a string" },
                { BASE "rollout = {\n  grace = \"1\";\n};\n", 4, "grace: expected a number of seconds, got a string" },
                { BASE "rollout = {\n  on_failure = 1;\n};\n", 4, "on_failure: expected a string, got an integer" },
                { "name = \"web\";\nexec = 5;\n", 2, "exec: expected a string or a list of strings, got an integer" },
                { "name = \"web\";\nexec = { a = 1; };\n", 2, "exec: expected a string or a list of strings, got a group" },
                { "name = \"web\";\nexec = ( \"/bin/true\", 1 );\n", 2, "exec: element 1: expected a string, got an integer" },
                { "name = \"web\";\nscript = 1;\n", 2, "script: expected a string, got an integer" },
                { "name = \"web\";\nscript = \"/a.js\";\ninterpreter = [ \"node\" ];\n", 3,
                  "interpreter: expected a string, got an array" },
                { "name = \"web\";\nscript = \"/a\";\nargs = 5;\n", 3, "args: expected a string or a list of strings, got an integer" },
                { "name = \"web\";\nscript = \"/a\";\nargs = (\n  \"x\",\n  true\n);\n", 5,
                  "args: element 1: expected a string, got a boolean" },
        };
        EXPECT_ERROR_TABLE(cases);
}

TEST(error_control_characters_in_values) {
        static const ErrorCase cases[] = {
                { "name = \"web\\n\";\nexec = \"/bin/true\";\n", 1, "name: value contains a control character" },
                { BASE "cwd = \"/srv/a\\nExecStartPre=/bin/evil\";\n", 3, "cwd: value contains a control character" },
                { BASE "user = \"nobody\\t\";\n", 3, "user: value contains a control character" },
                { BASE "instance_var = \"X\\x1b\";\n", 3, "instance_var: value contains a control character" },
                { BASE "socket_mode = \"shared\\r\";\n", 3, "socket_mode: value contains a control character" },
                { BASE "kill_signal = \"SIGTERM\\n\";\n", 3, "kill_signal: value contains a control character" },
                { BASE "restart = \"always\\x7f\";\n", 3, "restart: value contains a control character" },
                { BASE "memory_max = \"1G\\n\";\n", 3, "memory_max: value contains a control character" },
                { BASE "hardening = \"none\\n\";\n", 3, "hardening: value contains a control character" },
                { BASE "env_file = \"/e\\n\";\n", 3, "env_file: value contains a control character" },
                { BASE "listen = \"/run/a\\n.sock\";\n", 3, "listen: value contains a control character" },
                { BASE "env = {\n  A = \"ok\";\n  B = \"x\\ny\";\n};\n", 5, "env.B: value contains a control character" },
                { BASE "env = { A = \"\\xff\"; };\n", 3, "env.A: value is not valid UTF-8" },
                { BASE "rollout = {\n  on_failure = \"stop\\n\";\n};\n", 4, "on_failure: value contains a control character" },
                { "name = \"web\";\nexec = \"/bin/echo \\x1b[2J\";\n", 2, "exec: value contains a control character" },
                { "name = \"web\";\nexec = [\n  \"/bin/echo\",\n  \"a\\nb\",\n  \"x\"\n];\n", 4, "exec: element 1 contains a control character" },
                { "name = \"web\";\nexec = [ \"/bin/echo\", \"\\xc0\\xaf\" ];\n", 2, "exec: element 1 is not valid UTF-8" },
                { "name = \"web\";\nscript = \"/a.sh\\t\";\n", 2, "script: value contains a control character" },
                { "name = \"web\";\nscript = \"/a\";\ninterpreter = \"/bin/sh\\n\";\n", 3, "interpreter: value contains a control character" },
                { "name = \"web\";\nscript = \"/a\";\nargs = [ \"\\t\" ];\n", 3, "args: element 0 contains a control character" },
                /* Noncharacters are UTF-8 that systemd refuses in a unit file: U+FDD0, U+FFFE, U+10FFFF. */
                { BASE "env = { A = \"x\xef\xb7\x90\"; };\n", 3, "env.A: value is not valid UTF-8, or holds a Unicode noncharacter" },
                { "name = \"web\";\nexec = [ \"/bin/echo\", \"\xef\xbf\xbe\" ];\n", 2, "exec: element 1 is not valid UTF-8" },
                { BASE "cwd = \"/srv/\xf4\x8f\xbf\xbf\";\n", 3, "cwd: value is not valid UTF-8" },
        };
        EXPECT_ERROR_TABLE(cases);
}

TEST(error_long_values) {
        _cleanup_free_ char *big = repeat_string("x", 32769), *ok = repeat_string("x", 32768);
        _cleanup_free_ char *bad_text = concat(BASE, "env = { A = \"", big, "\"; };\n", NULL);
        _cleanup_free_ char *ok_text = concat(BASE, "env = { A = \"", ok, "\"; };\n", NULL);
        _cleanup_(app_list_done) AppList l = {};

        EXPECT_ERROR(bad_text, 3, "env.A: value is too long");
        CHECK(load_ok(ok_text, &l));
        ASSERT_EQ_INT(strlen(l.apps[0].env[0].value), 32768);
}

TEST(error_bad_name) {
        _cleanup_free_ char *n65 = repeat_string("a", 65);
        _cleanup_free_ char *long_name = concat("exec = \"/bin/true\";\nname = \"", n65, "\";\n", NULL);
        static const ErrorCase cases[] = {
                { "exec = \"/bin/true\";\nname = \"web.service\";\n", 2, "name: 'web.service' is not a valid app name" },
                { "exec = \"/bin/true\";\nname = \"web@1\";\n", 2, "name: 'web@1' is not a valid app name" },
                { "exec = \"/bin/true\";\nname = \"../etc\";\n", 2, "name: '../etc' is not a valid app name" },
                { "exec = \"/bin/true\";\nname = \"my app\";\n", 2, "name: 'my app' is not a valid app name" },
                { "exec = \"/bin/true\";\nname = \"\";\n", 2, "name: '' is not a valid app name" },
                { "exec = \"/bin/true\";\nname = \"w\xc3\xa9" "b\";\n", 2, "is not a valid app name" },
        };
        EXPECT_ERROR_TABLE(cases);
        EXPECT_ERROR(long_name, 2, "is not a valid app name");
}

TEST(error_missing_name) {
        /* The single-app form has no line for a missing key: the error names the file alone. */
        EXPECT_ERROR("exec = \"/bin/true\";\n", 0, "app has no name");
        EXPECT_ERROR("apps = (\n  { name = \"a\"; exec = \"/bin/true\"; },\n  {\n    exec = \"/bin/true\";\n  }\n);\n",
                     3, "app has no name");
}

TEST(error_duplicate_app_names) {
        EXPECT_ERROR("apps = (\n"
                     "  { name = \"web\"; exec = \"/bin/true\"; },\n"
                     "  { name = \"api\"; exec = \"/bin/true\"; },\n"
                     "  {\n"
                     "    name = \"web\";\n"
                     "    exec = \"/bin/false\";\n"
                     "  }\n"
                     ");\n",
                     4, "app 'web' is defined twice");
}

TEST(error_exec_and_script) {
        static const ErrorCase cases[] = {
                { "name = \"web\";\nscript = \"a.js\";\nexec = \"/bin/true\";\n", 3, "exec: give either exec or script" },
                { "name = \"web\";\nexec = \"/bin/true\";\nargs = \"x\";\n", 2, "exec: give either exec or script" },
                { "name = \"web\";\nexec = \"/bin/true\";\ninterpreter = \"node\";\n", 2, "exec: give either exec or script" },
                { "name = \"web\";\n", 0, "app 'web' has neither exec nor script" },
                { "apps = (\n  {\n    name = \"web\";\n  }\n);\n", 2, "app 'web' has neither exec nor script" },
                { "name = \"web\";\ninterpreter = \"node\";\n", 2, "interpreter: needs a script" },
                { "name = \"web\";\nargs = [ \"x\" ];\n", 2, "args: needs a script" },
                { "name = \"web\";\nscript = \"\";\n", 2, "script: path is empty" },
                { "name = \"web\";\nscript = \"/srv/app.js \";\n", 2,
                  "script: path '/srv/app.js ' cannot be written to a unit (leading/trailing space or trailing backslash)" },
                { "name = \"web\";\nscript = \"/a\";\ninterpreter = \"\";\n", 3, "interpreter: '' is not a command" },
                { "name = \"web\";\nscript = \"/a\";\ninterpreter = \"'node\";\n", 3, "interpreter: ''node' is not a command" },
                { "name = \"web\";\nexec = \"\";\n", 2, "exec: command line is empty" },
                { "name = \"web\";\nexec = \"   \";\n", 2, "exec: command line is empty" },
                { "name = \"web\";\nexec = \"/bin/sh -c 'echo\";\n", 2,
                  "exec: unbalanced quotes or trailing backslash in '/bin/sh -c 'echo'" },
                { "name = \"web\";\nexec = \"/bin/echo \\\\\";\n", 2, "exec: unbalanced quotes or trailing backslash" },
                { "name = \"web\";\nscript = \"/a\";\nargs = \"\\\"x\";\n", 3, "args: unbalanced quotes or trailing backslash" },
                { "name = \"web\";\nscript = \"/a\";\nargs = \"\";\n", 3, "args: command line is empty" },
                /* systemd: "Executable path specifies a directory", however the root is written. */
                { "name = \"web\";\nexec = \"/\";\n", 2, "exec: '/' is a directory, not a command" },
                { "name = \"web\";\nexec = \"/.. --flag\";\n", 2, "exec: '/' is a directory, not a command" },
                { "name = \"web\";\nscript = \"/\";\ninterpreter = \"none\";\n", 2, "script: '/' is a directory, not a command" },
        };
        EXPECT_ERROR_TABLE(cases);
}

TEST(error_command_not_in_path) {
        _cleanup_tmpdir_ char *bin = fake_path(ARGV("unrelated"));

        ASSERT_TRUE(bin);
        EXPECT_ERROR("name = \"web\";\nexec = \"no-such-command --flag\";\n", 2,
                     "exec: command 'no-such-command' not found in PATH; give an absolute path");
        /* The interpreter inferred from .js is looked up too, and blamed on the script line. */
        EXPECT_ERROR("name = \"web\";\n\nscript = \"server.js\";\n", 3, "script: command 'node' not found in PATH");
        EXPECT_ERROR("name = \"web\";\nscript = \"server.rb\";\ninterpreter = \"ruby\";\n", 3,
                     "interpreter: command 'ruby' not found in PATH");
}

/* Resolving a command through PATH skips directories, as the shell does: access(X_OK) is true
 * for them too, so "X11" would otherwise resolve to /usr/bin/X11 on Debian, and an empty command
 * to the first PATH directory itself. */
TEST(error_command_that_is_a_directory) {
        _cleanup_tmpdir_ char *bin = fake_path(ARGV("unrelated"));
        _cleanup_free_ char *sub = NULL;

        ASSERT_TRUE(bin);
        sub = concat(bin, "/subdir", NULL);
        ASSERT_OK(mkdir(sub, 0755));
        /* Without the sandbox: with it, a wrongly resolved directory under /tmp would be refused too,
         * for the wrong reason. */
        EXPECT_ERROR("name = \"web\";\n" NO_SANDBOX "exec = \"subdir\";\n", 3, "exec: command 'subdir' not found in PATH");
        EXPECT_ERROR("name = \"web\";\n" NO_SANDBOX "exec = [ \"\" ];\n", 3, "exec:");
}

/* The command is checked as it will run: one written without a quote, backslash or '$' takes
 * them on from cwd or from the config's directory when relative, and systemd would refuse the
 * unit ("Executable name contains special characters") or substitute the '$'. */
#define COMMAND_CHARS(key, path) \
        key ": the command '" path "' has a quote, backslash or '$' in its path, which systemd cannot run as written"

TEST(error_command_takes_special_characters_from_its_directory) {
        static const ErrorCase cases[] = {
                { "name = \"web\";\ncwd = \"/srv/it's\";\nexec = \"bin/server --port 3000\";\n", 3,
                  COMMAND_CHARS("exec", "/srv/it's/bin/server") },
                { "name = \"web\";\ncwd = \"/srv/a\\\\b\";\nscript = \"server\";\ninterpreter = \"none\";\n", 3,
                  COMMAND_CHARS("script", "/srv/a\\b/server") },
        };
        EXPECT_ERROR_TABLE(cases);
        /* No cwd: the config's directory is the command's. */
        CHECK(check_error_at("name = \"web\";\nexec = \"./server\";\n", "/srv/d$x/web.conf", "/srv/d$x/web.conf", 2,
                             COMMAND_CHARS("exec", "/srv/d$x/server")));
}

/* An empty exec list gets the same error as an empty string, at the exec line (it once left argv
 * NULL for the command resolution to dereference). */
TEST(error_exec_empty_list) {
        EXPECT_ERROR("name = \"web\";\nexec = ();\n", 2, "exec: command line is empty");
        EXPECT_ERROR("name = \"web\";\nexec = [];\n", 2, "exec: command line is empty");
}

/* systemd reads no unit line of 1 MiB or more and refuses the whole file: the command line is
 * limited to 256 KiB, which quoting (each byte at most doubled, two quotes and a space per
 * argument) keeps under that. */
TEST(error_command_line_too_long) {
        _cleanup_free_ char *arg = repeat_string("%", 32768);
        _cleanup_free_ char *seven = concat("name = \"web\";\nexec = [ \"/bin/true\"", NULL);
        for (int i = 0; i < 7; i++) {
                char *next = concat(seven, ", \"", arg, "\"", NULL);
                free(seven);
                seven = next;
        }
        _cleanup_free_ char *ok = concat(seven, " ];\n", NULL), *eight = concat(seven, ", \"", arg, "\" ];\n", NULL);
        _cleanup_(app_list_done) AppList l = {};

        CHECK(load_ok(ok, &l)); /* 10 + 7 * 32769 bytes */
        EXPECT_ERROR(eight, 2, "exec: the command line is 262162 bytes, more than 262144");
}

TEST(error_bad_listen_values) {
        _cleanup_free_ char *a106 = repeat_string("a", 106), *a107 = repeat_string("a", 107);
        _cleanup_free_ char *fits = concat(BASE, "listen = \"/", a106, "\";\n", NULL);
        _cleanup_free_ char *too_long = concat(BASE, "listen = \"/", a107, "\";\n", NULL);
        _cleanup_(app_list_done) AppList l = {};
        static const ErrorCase cases[] = {
                { BASE "listen = 0;\n", 3, "listen: port 0 is out of range (1 to 65535)" },
                { BASE "listen = 70000;\n", 3, "listen: port 70000 is out of range (1 to 65535)" },
                { BASE "listen = \"0\";\n", 3, "listen: '0' is not an address" },
                { BASE "listen = \"70000\";\n", 3, "listen: '70000' is not an address" },
                { BASE "listen = \"localhost:80\";\n", 3, "listen: 'localhost:80' is not an address" },
                { BASE "listen = \"[::1]80\";\n", 3, "listen: '[::1]80' is not an address" },
                { BASE "listen = \"run/web.sock\";\n", 3, "listen: 'run/web.sock' is not an address" },
                { BASE "listen = \"127.0.0.1:0\";\n", 3, "listen: '127.0.0.1:0' is not an address" },
                { BASE "listen = ( \"3000\", \"3000\" );\n", 3, "listen: '3000' is listed twice" },
                { BASE "listen = ();\n", 3, "listen: the list is empty" },
                { BASE "listen = (\n  \"3000\",\n  \"localhost:80\",\n  \"3001\"\n);\n", 5, "listen: 'localhost:80' is not an address" },
        };
        EXPECT_ERROR_TABLE(cases);
        EXPECT_ERROR(too_long, 3, "is not an address");
        CHECK(load_ok(fits, &l)); /* 107 bytes + NUL fill sun_path exactly */
}

/* An error in an element of a listen list names the key, "listen: …": list elements have no name
 * of their own to put in the message. */
TEST(error_listen_list_element_names_the_key) {
        EXPECT_ERROR(BASE "listen = ( 3000 );\n", 3, "listen");
        EXPECT_ERROR(BASE "listen = ( \"3000\", \"/run/a\\n\" );\n", 3, "listen");
        {
                _cleanup_(app_list_done) AppList l = {};
                _cleanup_(config_error_done) ConfigError e = {};
                ASSERT_TRUE(config_load_string(BASE "listen = [ 3000 ];\n", CONFIG, &l, &e) < 0);
                ASSERT_NOT_CONTAINS(e.message, "(null)");
                ASSERT_TRUE(startswith(e.message, "listen"));
        }
}

TEST(error_reuseport_with_unix_socket) {
        EXPECT_ERROR(BASE "socket_mode = \"reuseport\";\nlisten = ( \"3000\", \"/run/web.sock\" );\n", 4,
                     "listen: unix socket '/run/web.sock' cannot be used with socket_mode = \"reuseport\"");
        /* Order of keys does not matter: the check runs once the app is read. */
        EXPECT_ERROR(BASE "listen = \"/run/web.sock\";\n\nsocket_mode = \"reuseport\";\n", 3,
                     "cannot be used with socket_mode = \"reuseport\"");
}

TEST(hardening_levels) {
        static const struct {
                const char *line;
                Hardening want;
        } cases[] = {
                { "", HARDENING_DEFAULT },
                { "hardening = \"default\";\n", HARDENING_DEFAULT },
                { "hardening = \"none\";\n", HARDENING_NONE },
                { "hardening = \"strict\";\n", HARDENING_STRICT },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_(app_list_done) AppList l = {};
                _cleanup_free_ char *text = concat(BASE, cases[i].line, NULL);
                CHECK(load_ok(text, &l));
                ASSERT_EQ_INT(l.apps[0].hardening, cases[i].want);
        }
}

/* PrivateTmp=yes (hardening "default" and "strict") gives each instance an empty /tmp and
 * /var/tmp of its own: an app kept there would not find its directory, program or script. */
#define PRIVATE_TMP(key, path, level)                                                             \
        key ": " path " is hidden from the app by hardening = \"" level "\" (PrivateTmp=yes gives each " \
            "instance its own empty /tmp and /var/tmp); move it, or set hardening = \"none\""
#define PROTECT_HOME(key, path)                                                                   \
        key ": " path " is hidden from the app by hardening = \"strict\" (ProtectHome=yes hides /home, " \
            "/root and /run/user)"

TEST(error_paths_hidden_by_private_tmp) {
        static const ErrorCase cases[] = {
                { BASE "cwd = \"/tmp/app\";\n", 3, PRIVATE_TMP("cwd", "/tmp/app", "default") },
                { BASE "\ncwd = \"/var/tmp/app\";\n", 4, PRIVATE_TMP("cwd", "/var/tmp/app", "default") },
                { BASE "cwd = \"/tmp\";\n", 3, PRIVATE_TMP("cwd", "/tmp", "default") },
                { BASE "cwd = \"/var/tmp/\";\n", 3, PRIVATE_TMP("cwd", "/var/tmp", "default") },
                /* The path as it will be used, normalized. */
                { BASE "cwd = \"/srv/../tmp/./app\";\n", 3, PRIVATE_TMP("cwd", "/tmp/app", "default") },
                { BASE "hardening = \"default\";\ncwd = \"/tmp/app\";\n", 4, PRIVATE_TMP("cwd", "/tmp/app", "default") },
                { BASE "cwd = \"/tmp/app\";\nhardening = \"strict\";\n", 3, PRIVATE_TMP("cwd", "/tmp/app", "strict") },
                { "name = \"web\";\nexec = \"/tmp/app/server --port 3000\";\n", 2,
                  PRIVATE_TMP("exec", "/tmp/app/server", "default") },
                { "name = \"web\";\ncwd = \"/srv/web\";\n\nexec = [\n  \"/var/tmp/bin/server\",\n  \"/tmp/ok-as-an-argument\"\n];\n",
                  4, PRIVATE_TMP("exec", "/var/tmp/bin/server", "default") },
                /* A relative command resolves against cwd, which is fine here: the result is not. */
                { "name = \"web\";\ncwd = \"/srv/../var\";\nexec = \"tmp/server\";\n", 3,
                  PRIVATE_TMP("exec", "/var/tmp/server", "default") },
                { "name = \"web\";\nhardening = \"strict\";\nexec = \"/tmp/server\";\n", 3,
                  PRIVATE_TMP("exec", "/tmp/server", "strict") },
                { "name = \"web\";\ncwd = \"/srv/web\";\nscript = \"/tmp/app/server.py\";\ninterpreter = \"/usr/bin/python3\";\n",
                  3, PRIVATE_TMP("script", "/tmp/app/server.py", "default") },
                { "name = \"web\";\ncwd = \"/srv/web\";\ninterpreter = \"/usr/bin/node\";\n\nscript = \"/var/tmp/server.js\";\n",
                  5, PRIVATE_TMP("script", "/var/tmp/server.js", "default") },
                /* Relative to cwd, once more the path as it will be used. */
                { "name = \"web\";\ncwd = \"/var\";\nscript = \"tmp/a/server.js\";\ninterpreter = \"/usr/bin/node\";\n", 3,
                  PRIVATE_TMP("script", "/var/tmp/a/server.js", "default") },
                /* In an apps list, the line of the app's own key. */
                { "apps = (\n  { name = \"a\"; exec = \"/bin/true\"; },\n  {\n    name = \"b\";\n    exec = \"/bin/true\";\n"
                  "    cwd = \"/tmp/b\";\n  }\n);\n",
                  6, PRIVATE_TMP("cwd", "/tmp/b", "default") },
        };
        EXPECT_ERROR_TABLE(cases);
}

/* cwd defaults to the config's directory: a config kept under /tmp gets the error without a cwd
 * line to point at, so it names the file (or the app's group in an apps list). */
TEST(error_default_cwd_hidden_by_private_tmp) {
        CHECK(check_error_at(BASE, "/tmp/web/web.conf", "/tmp/web/web.conf", 0, PRIVATE_TMP("cwd", "/tmp/web", "default")));
        CHECK(check_error_at(BASE "cwd = \"app\";\n", "/var/tmp/web/web.conf", "/var/tmp/web/web.conf", 3,
                             PRIVATE_TMP("cwd", "/var/tmp/web/app", "default")));
        CHECK(check_error_at("apps = (\n  {\n    name = \"web\";\n    exec = \"/bin/true\";\n  }\n);\n", "/tmp/web.conf",
                             "/tmp/web.conf", 2, PRIVATE_TMP("cwd", "/tmp", "default")));
}

/* ProtectHome= depends on the scope (read-only for a user manager, whose notify socket lives in
 * /run/user), so the config accepts these paths and rendering for the system manager refuses them
 * (test-render.c); here: accepted by the config. */
TEST(paths_under_home_left_to_render) {
        static const char *const texts[] = {
                BASE "hardening = \"strict\";\ncwd = \"/home/web/app\";\n",
                BASE "hardening = \"strict\";\ncwd = \"/root/app\";\n",
                "name = \"web\";\nhardening = \"strict\";\nexec = \"/home/web/bin/server -v\";\ncwd = \"/srv\";\n",
        };
        for (size_t i = 0; i < ELEMENTSOF(texts); i++) {
                _cleanup_(app_list_done) AppList l = {};
                _cleanup_(config_error_done) ConfigError e = {};
                int r = config_load_string(texts[i], CONFIG, &l, &e);
                if (r < 0)
                        FAIL("config %zu refused: %s", i, strempty(e.message));
        }
}

/* What the sandbox does not hide is accepted: everything with "none", home directories with
 * "default" (ProtectHome=read-only), and paths that merely start with the same letters. */
TEST(paths_visible_to_the_sandbox) {
        static const struct {
                const char *text;
                const char *cwd, *argv0, *argv1;
        } cases[] = {
                { "name = \"web\";\nhardening = \"none\";\ncwd = \"/tmp/app\";\nexec = \"/var/tmp/bin/server\";\n",
                  "/tmp/app", "/var/tmp/bin/server", NULL },
                { "name = \"web\";\nhardening = \"none\";\ncwd = \"/var/tmp\";\nscript = \"/tmp/server.js\";\n"
                  "interpreter = \"/usr/bin/node\";\n",
                  "/var/tmp", "/usr/bin/node", "/tmp/server.js" },
                { "name = \"web\";\nhardening = \"none\";\ncwd = \"/home/web\";\nexec = \"/root/server\";\n",
                  "/home/web", "/root/server", NULL },
                { "name = \"web\";\ncwd = \"/tmpfoo\";\nexec = \"/tmpfoo/server\";\n", "/tmpfoo", "/tmpfoo/server", NULL },
                { "name = \"web\";\ncwd = \"/var/tmpx/app\";\nexec = \"/srv/tmp/server\";\n", "/var/tmpx/app", "/srv/tmp/server", NULL },
                { "name = \"web\";\ncwd = \"/srv/tmp\";\nscript = \"/var/tmpfoo/a.js\";\ninterpreter = \"/usr/bin/node\";\n",
                  "/srv/tmp", "/usr/bin/node", "/var/tmpfoo/a.js" },
                { "name = \"web\";\ncwd = \"/home/web/app\";\nexec = \"/root/server\";\n", "/home/web/app", "/root/server", NULL },
                { "name = \"web\";\nhardening = \"default\";\ncwd = \"/run/user/1000\";\nexec = \"/home/web/server\";\n",
                  "/run/user/1000", "/home/web/server", NULL },
                { "name = \"web\";\nhardening = \"strict\";\ncwd = \"/homework\";\nexec = \"/rootfs/server\";\n",
                  "/homework", "/rootfs/server", NULL },
                { "name = \"web\";\nhardening = \"strict\";\ncwd = \"/run/users\";\nexec = \"/srv/home/server\";\n",
                  "/run/users", "/srv/home/server", NULL },
                /* Only the program is checked, not what its arguments mean. */
                { "name = \"web\";\ncwd = \"/srv\";\nexec = \"/usr/bin/env TMPDIR=/tmp /srv/server /tmp/x\";\n",
                  "/srv", "/usr/bin/env", "TMPDIR=/tmp" },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_(app_list_done) AppList l = {};
                CHECK(load_ok(cases[i].text, &l));
                ASSERT_STREQ(l.apps[0].cwd, cases[i].cwd);
                ASSERT_STREQ(l.apps[0].argv[0], cases[i].argv0);
                ASSERT_STREQ(l.apps[0].argv[1], cases[i].argv1);
        }
}

TEST(error_instances) {
        static const ErrorCase cases[] = {
                { BASE "instances = 0;\n", 3, "instances: 0 is out of range (1 to 1024, \"max\", or -N for max-N)" },
                { BASE "instances = 2000;\n", 3, "instances: 2000 is out of range" },
                { BASE "instances = 1025;\n", 3, "instances: 1025 is out of range" },
                { BASE "instances = -1024;\n", 3, "instances: -1024 is out of range" },
                { BASE "instances = 5000000000L;\n", 3, "instances: 5000000000 is out of range" },
                { BASE "instances = \"maxx\";\n", 3, "instances: 'maxx' is not a count" },
                { BASE "instances = \"+2\";\n", 3, "instances: '+2' is not a count" },
                { BASE "instances = \"0\";\n", 3, "instances: '0' is not a count" },
                { BASE "instances = \"max-\";\n", 3, "instances: 'max-' is not a count" },
                { BASE "instances = \"\";\n", 3, "instances: '' is not a count" },
        };
        EXPECT_ERROR_TABLE(cases);
}

TEST(error_enums_and_signals) {
        static const ErrorCase cases[] = {
                { BASE "socket_mode = \"both\";\n", 3, "socket_mode: 'both' is not one of \"shared\", \"reuseport\"" },
                { BASE "ready = \"yes\";\n", 3, "ready: 'yes' is not one of \"notify\", \"exec\"" },
                { BASE "ready = \"Notify\";\n", 3, "ready: 'Notify' is not one of" },
                { BASE "kill_signal = \"SIGFOO\";\n", 3, "kill_signal: 'SIGFOO' is not a signal clusterctl accepts" },
                { BASE "kill_signal = \"SIGSTOP\";\n", 3, "kill_signal: 'SIGSTOP' is not a signal" },
                { BASE "kill_signal = \"9\";\n", 3, "kill_signal: '9' is not a signal" },
                { BASE "kill_signal = \"term\";\n", 3, "kill_signal: 'term' is not a signal" },
                { BASE "kill_signal = \"SIGTERMINATED\";\n", 3, "kill_signal: 'SIGTERMINATED' is not a signal" },
                { BASE "kill_signal = \"\";\n", 3, "kill_signal: '' is not a signal" },
                { BASE "restart = \"sometimes\";\n", 3, "restart: 'sometimes' is not one of no, on-success, on-failure" },
                { BASE "restart = \"\";\n", 3, "restart: '' is not one of" },
                { BASE "hardening = \"paranoid\";\n", 3,
                  "hardening: 'paranoid' is not one of \"none\", \"default\", \"strict\"" },
                { BASE "\n\nhardening = \"Strict\";\n", 5, "hardening: 'Strict' is not one of \"none\", \"default\", \"strict\"" },
                { BASE "hardening = \"\";\n", 3, "hardening: '' is not one of" },
                { BASE "hardening = \"off\";\n", 3, "hardening: 'off' is not one of" },
        };
        EXPECT_ERROR_TABLE(cases);
}

TEST(error_seconds_out_of_range) {
        static const ErrorCase cases[] = {
                { BASE "ready_timeout = 0;\n", 3, "ready_timeout: 0 is out of range (0.001 to 86400 seconds)" },
                { BASE "ready_timeout = -1.0;\n", 3, "ready_timeout: -1 is out of range" },
                { BASE "ready_timeout = 86401;\n", 3, "ready_timeout: 86401 is out of range" },
                { BASE "kill_timeout = -1;\n", 3, "kill_timeout: -1 is out of range (0.001 to 86400 seconds)" },
                { BASE "restart_delay = 1e9;\n", 3, "restart_delay: 1e+09 is out of range" },
                { BASE "rollout = {\n  pause = -0.5;\n};\n", 4, "pause: -0.5 is out of range" },
                { BASE "rollout = {\n  grace = -1;\n};\n", 4, "grace: -1 is out of range" },
                { BASE "rollout = {\n  grace = 100000;\n};\n", 4, "grace: 100000 is out of range" },
        };
        EXPECT_ERROR_TABLE(cases);
}

TEST(error_memory_and_cpu) {
        static const ErrorCase cases[] = {
                { BASE "memory_max = 0;\n", 3, "memory_max: 0 must be positive" },
                { BASE "memory_max = -5;\n", 3, "memory_max: -5 must be positive" },
                { BASE "memory_max = \"1.5G\";\n", 3, "memory_max: '1.5G' is not a size (bytes, or a number with K, M, G or T)" },
                { BASE "memory_max = \"lots\";\n", 3, "memory_max: 'lots' is not a size" },
                { BASE "memory_max = \"512MB\";\n", 3, "memory_max: '512MB' is not a size" },
                { BASE "memory_max = \"G\";\n", 3, "memory_max: 'G' is not a size" },
                { BASE "memory_max = \"\";\n", 3, "memory_max: '' is not a size" },
                { BASE "memory_max = \"-1\";\n", 3, "memory_max: '-1' is not a size" },
                { BASE "memory_max = \"1234567890123456\";\n", 3, "memory_max: '1234567890123456' is not a size" },
                { BASE "memory_max = \"50%\";\n", 3, "memory_max: '50%' is not a size" },
                /* 0 bytes, or 2^64 and more: systemd ignores such a MemoryMax=, and the app runs unlimited. */
                { BASE "memory_max = \"0\";\n", 3, "memory_max: '0' is not a size" },
                { BASE "memory_max = \"0K\";\n", 3, "memory_max: '0K' is not a size" },
                { BASE "memory_max = \"16777216T\";\n", 3, "memory_max: '16777216T' is not a size" },
                { BASE "cpu_weight = 0;\n", 3, "cpu_weight: 0 is out of range (1 to 10000)" },
                { BASE "cpu_weight = 10001;\n", 3, "cpu_weight: 10001 is out of range (1 to 10000)" },
                { BASE "cpu_weight = -1;\n", 3, "cpu_weight: -1 is out of range" },
        };
        EXPECT_ERROR_TABLE(cases);
}

/* A 64-bit integer (100L) is an integer to every key that takes one, checked against its range
 * like any other. */
TEST(error_int64_values_are_integers) {
        EXPECT_ERROR(BASE "cpu_weight = 5000000000L;\n", 3, "cpu_weight: 5000000000 is out of range");
        EXPECT_ERROR(BASE "listen = 70000L;\n", 3, "listen: port 70000 is out of range");
        EXPECT_ERROR(BASE "rollout = {\n  batch = 5000L;\n};\n", 4, "rollout.batch: 5000 is out of range");
}

TEST(error_rollout) {
        static const ErrorCase cases[] = {
                { BASE "rollout = {\n  batch = 0;\n};\n", 4, "rollout.batch: 0 is out of range (1 to 1024, or \"N%\")" },
                { BASE "rollout = {\n  batch = 2000;\n};\n", 4, "rollout.batch: 2000 is out of range" },
                { BASE "rollout = {\n  batch = \"0%\";\n};\n", 4, "rollout.batch: '0%' is not a count or a percentage (\"25%\")" },
                { BASE "rollout = {\n  batch = \"101%\";\n};\n", 4, "rollout.batch: '101%' is not a count or a percentage" },
                { BASE "rollout = {\n  batch = \"abc\";\n};\n", 4, "rollout.batch: 'abc' is not a count or a percentage" },
                { BASE "rollout = {\n  on_failure = \"explode\";\n};\n", 4,
                  "on_failure: 'explode' is not one of \"stop\", \"rollback\", \"continue\"" },
                { BASE "rollout = {\n  batch = 1;\n  retries = 3;\n};\n", 5,
                  "rollout: unknown key 'retries' (" },
                { BASE "rollout = ( 1 );\n", 3, "rollout: expected a group" },
        };
        EXPECT_ERROR_TABLE(cases);
}

TEST(error_user_group_env_names) {
        static const ErrorCase cases[] = {
                { BASE "user = \"-root\";\n", 3, "user: '-root' is not a valid user or group name" },
                /* All digits but not a UID systemd takes: leading zero, the 16-bit -1, 2^32-1 and above. */
                { BASE "user = \"007\";\n", 3, "user: '007' is not a valid user or group name" },
                { BASE "user = \"65535\";\n", 3, "user: '65535' is not a valid user or group name" },
                { BASE "group = \"4294967295\";\n", 3, "group: '4294967295' is not a valid user or group name" },
                { BASE "group = \"4294967296\";\n", 3, "group: '4294967296' is not a valid user or group name" },
                { BASE "user = \"a b\";\n", 3, "user: 'a b' is not a valid user or group name" },
                { BASE "group = \"wheel:x\";\n", 3, "group: 'wheel:x' is not a valid user or group name" },
                { BASE "group = \"\";\n", 3, "group: '' is not a valid user or group name" },
                { BASE "instance_var = \"1X\";\n", 3, "instance_var: '1X' is not a valid variable name" },
                { BASE "instance_var = \"A-B\";\n", 3, "instance_var: 'A-B' is not a valid variable name" },
                { BASE "increment_var = \"A B\";\n", 3, "increment_var: 'A B' is not a valid variable name" },
                { BASE "env = {\n  GOOD = \"1\";\n  MY-VAR = \"x\";\n};\n", 5, "env: 'MY-VAR' is not a valid variable name" },
                { BASE "env = { A = ( 1 ); };\n", 3, "env.A: expected a string, number or boolean, got a list" },
                { BASE "env = {\n  A = { B = 1; };\n};\n", 4, "env.A: expected a string, number or boolean, got a group" },
                { BASE "env_file = \"\";\n", 3, "env_file: path is empty" },
                { BASE "cwd = \"\";\n", 3, "cwd: path is empty" },
                { BASE "cwd = \"/srv/app \";\n", 3,
                  "cwd: path '/srv/app ' cannot be written to a unit (leading/trailing space or trailing backslash)" },
                { BASE "cwd = \"/srv/app\\\\\";\n", 3, "cwd: path '/srv/app\\' cannot be written to a unit" },
                { BASE "env_file = \"/etc/web.env \";\n", 3, "env_file: path '/etc/web.env ' cannot be written to a unit" },
                /* A relative command is a path too: it must be writable to a unit once made absolute. */
                { "name = \"web\";\nexec = \"'bin/app ' x\";\n", 2,
                  "exec: path 'bin/app ' cannot be written to a unit (leading/trailing space or trailing backslash)" },
        };
        EXPECT_ERROR_TABLE(cases);

        /* Relative, and too long once joined with the config's directory. */
        _cleanup_free_ char *rel = repeat_string("d", 32760), *text = concat(BASE, "cwd = \"", rel, "\";\n", NULL);
        EXPECT_ERROR(text, 3, "cwd: path is too long (at most 4095 bytes)");
}

/* A cwd longer than PATH_MAX is refused at its line: systemd refuses such a WorkingDirectory=
 * ("Failed to resolve unit specifiers in working directory path", a fatal unit error). */
TEST(error_cwd_longer_than_path_max) {
        _cleanup_free_ char *longdir = repeat_string("d", 5000);
        _cleanup_free_ char *text = concat(BASE, "cwd = \"/", longdir, "\";\n", NULL);
        EXPECT_ERROR(text, 3, "cwd");
}

/* A component over 255 bytes makes systemd refuse the path, whichever key gives it. */
TEST(error_path_component_too_long) {
        _cleanup_free_ char *a256 = repeat_string("a", 256), *a255 = repeat_string("a", 255);
        const char *const keys[] = { "cwd", "env_file", "exec", "script" };
        for (size_t i = 0; i < ELEMENTSOF(keys); i++) {
                bool command = i >= 2;
                _cleanup_free_ char *text = concat("name = \"web\";\n", command ? "" : "exec = \"/bin/true\";\n", keys[i],
                                                   " = \"/srv/", a256, "/app\";\n", NULL);
                _cleanup_free_ char *message = concat(keys[i], ": a path component is longer than 255 bytes", NULL);
                EXPECT_ERROR(text, command ? 2 : 3, message);
        }
        _cleanup_(app_list_done) AppList l = {};
        _cleanup_free_ char *fits = concat(BASE, "cwd = \"/srv/", a255, "\";\n", NULL);
        CHECK(load_ok(fits, &l));
}

/* The config's directory, the default cwd, is held to the same limits as a cwd key:
 * config_load_string() takes any path (import, a config sent to a host), which no file on disk
 * need have. The error names the file, as there is no cwd line to point at. */
TEST(error_default_cwd_too_long) {
        _cleanup_free_ char *a256 = repeat_string("a", 256), *d5000 = repeat_string("d", 5000);
        _cleanup_free_ char *component = concat("/srv/", a256, "/web.conf", NULL);
        _cleanup_free_ char *whole = concat("/", d5000, "/web.conf", NULL);
        _cleanup_(app_list_done) AppList l = {};
        _cleanup_(config_error_done) ConfigError e = {};

        CHECK(check_error_at(BASE, component, component, 0,
                             "cwd: the config's directory '/srv/aaa"));
        CHECK(check_error_at(BASE, component, component, 0,
                             "cannot be a working directory in a unit (a path component is longer than 255 bytes); set cwd"));
        CHECK(check_error_at(BASE, whole, whole, 0, "(path is too long (at most 4095 bytes)); set cwd"));
        /* With a cwd of its own, the directory is not used. */
        ASSERT_OK(config_load_string(BASE "cwd = \"/srv\";\n", component, &l, &e));
        ASSERT_STREQ(l.apps[0].cwd, "/srv");
}

/* The config's directory ending in a space or backslash cannot be written as WorkingDirectory=
 * (systemd strips the space, or reads the backslash as a line continuation): refused at the file,
 * or at the app's group in an apps list, unless the app sets its own cwd. */
#define DIR_NOT_CWD(dir) \
        "cwd: the config's directory '" dir "' cannot be a working directory in a unit (leading/trailing space or " \
        "backslash); set cwd"
TEST(error_default_cwd_with_trailing_space_or_backslash) {
        _cleanup_(app_list_done) AppList l = {};
        _cleanup_(config_error_done) ConfigError e = {};

        CHECK(check_error_at(BASE, "/srv/a /web.conf", "/srv/a /web.conf", 0, DIR_NOT_CWD("/srv/a ")));
        CHECK(check_error_at(BASE, "/srv/a\\/web.conf", "/srv/a\\/web.conf", 0, DIR_NOT_CWD("/srv/a\\")));
        CHECK(check_error_at("apps = (\n  { name = \"web\"; exec = \"/bin/true\"; }\n);\n", "/srv/a /web.conf",
                             "/srv/a /web.conf", 2, DIR_NOT_CWD("/srv/a ")));
        ASSERT_OK(config_load_string(BASE "cwd = \"/srv/a\";\n", "/srv/a /web.conf", &l, &e));
        ASSERT_STREQ(l.apps[0].cwd, "/srv/a");
}

TEST(error_increment_var) {
        static const ErrorCase cases[] = {
                { BASE "increment_var = \"PORT\";\n", 3, "increment_var: env.PORT must be set to the first instance's value" },
                { BASE "env = { PORT = \"abc\"; };\nincrement_var = \"PORT\";\n", 4,
                  "increment_var: env.PORT = \"abc\" is not a non-negative integer" },
                { BASE "env = { PORT = \"3000x\"; };\nincrement_var = \"PORT\";\n", 4, "env.PORT = \"3000x\" is not a non-negative integer" },
                { BASE "env = { PORT = \"\"; };\nincrement_var = \"PORT\";\n", 4, "env.PORT = \"\" is not a non-negative integer" },
                { BASE "env = { PORT = -1; };\nincrement_var = \"PORT\";\n", 4, "env.PORT = \"-1\" is not a non-negative integer" },
                { BASE "env = { PORT = 2000000000; };\nincrement_var = \"PORT\";\n", 4, "is not a non-negative integer" },
                { BASE "env = { NODE_APP_INSTANCE = \"0\"; };\nincrement_var = \"NODE_APP_INSTANCE\";\n", 4,
                  "increment_var: 'NODE_APP_INSTANCE' is already the instance_var" },
                { BASE "increment_var = \"ID\";\nenv = { ID = 5; };\ninstance_var = \"ID\";\n", 3,
                  "increment_var: 'ID' is already the instance_var" },
        };
        EXPECT_ERROR_TABLE(cases);
}

TEST(error_apps_list_shape) {
        static const ErrorCase cases[] = {
                { "apps = ();\n", 1, "apps: the list is empty" },
                { "\napps = (\n);\n", 2, "apps: the list is empty" },
                { "apps = { name = \"web\"; };\n", 1, "apps: expected a list ( { … }, { … } ), got a group" },
                { "apps = [ \"web\" ];\n", 1, "apps: expected a list ( { … }, { … } ), got an array" },
                { "apps = (\n  \"web\",\n  { name = \"a\"; exec = \"/bin/true\"; }\n);\n", 2,
                  "expected an app group { name = …; exec = …; }, got a string" },
                { "name = \"web\";\napps = ( { name = \"a\"; exec = \"/bin/true\"; } );\n", 1,
                  "unknown key 'name' beside apps = ( … ) (put it inside an app)" },
                { "apps = ( { name = \"a\"; exec = \"/bin/true\"; } );\n\nrestart = \"no\";\n", 3,
                  "unknown key 'restart' beside apps = ( … )" },
        };
        EXPECT_ERROR_TABLE(cases);
}

TEST(error_no_app) {
        EXPECT_ERROR("", 0, "no app defined");
        EXPECT_ERROR("# just a comment\n// and another\n", 0, "no app defined");
}

TEST(error_syntax) {
        EXPECT_ERROR(BASE "instances = = 3;\n", 3, "syntax error");
        EXPECT_ERROR(BASE "env = {\n  A = \"1\";\n\n", 6, "syntax error");
        EXPECT_ERROR("name = \"web\";\nexec = \"/bin/true\n", 3, "syntax error"); /* found at the end of the file */
        EXPECT_ERROR("name = \"web\";\nname = \"api\";\nexec = \"/bin/true\";\n", 2, "duplicate setting name");
}

/* config_load_file, from real files. */

TEST(error_file_syntax_and_key) {
        _cleanup_tmpdir_ char *dir = tmpdir_new();
        _cleanup_free_ char *path = NULL;

        ASSERT_TRUE(dir);
        path = concat(dir, "/web.conf", NULL);
        ASSERT_OK(write_file(dir, "web.conf", "name = \"web\";\nexec = \"/bin/true\";\n\nlisten = ( \"3000\" \n"));
        {
                _cleanup_(app_list_done) AppList l = {};
                _cleanup_(config_error_done) ConfigError e = {};
                ASSERT_EQ_INT(config_load_file(path, &l, &e), -EINVAL);
                ASSERT_STREQ(e.file, path);
                ASSERT_EQ_INT(e.line, 5);
                ASSERT_CONTAINS(e.message, "syntax error");
        }
        ASSERT_OK(write_file(dir, "web.conf", "name = \"web\";\nexec = \"/bin/true\";\n\n\nsocket_mode = \"both\";\n"));
        {
                _cleanup_(app_list_done) AppList l = {};
                _cleanup_(config_error_done) ConfigError e = {};
                ASSERT_EQ_INT(config_load_file(path, &l, &e), -EINVAL);
                ASSERT_STREQ(e.file, path);
                ASSERT_EQ_INT(e.line, 5);
                ASSERT_CONTAINS(e.message, "socket_mode: 'both' is not one of");
        }
}

TEST(error_file_missing_or_not_regular) {
        _cleanup_tmpdir_ char *dir = tmpdir_new();
        _cleanup_free_ char *missing = NULL;

        ASSERT_TRUE(dir);
        missing = concat(dir, "/nope.conf", NULL);
        {
                _cleanup_(app_list_done) AppList l = {};
                _cleanup_(config_error_done) ConfigError e = {};
                ASSERT_EQ_INT(config_load_file(missing, &l, &e), -ENOENT);
                ASSERT_STREQ(e.file, missing);
                ASSERT_EQ_INT(e.line, 0);
                ASSERT_CONTAINS(e.message, "No such file or directory");
        }
        {
                _cleanup_(app_list_done) AppList l = {};
                _cleanup_(config_error_done) ConfigError e = {};
                ASSERT_EQ_INT(config_load_file(dir, &l, &e), -EINVAL);
                ASSERT_STREQ(e.file, dir);
                ASSERT_EQ_INT(e.line, 0);
                ASSERT_CONTAINS(e.message, "not a regular file");
        }
}

static void check_unreadable(const char *path) {
        _cleanup_(app_list_done) AppList l = {};
        _cleanup_(config_error_done) ConfigError e = {};
        int r = config_load_file(path, &l, &e);

        ASSERT_TRUE(r == -EIO || r == -EACCES);
        ASSERT_STREQ(e.file, path);
        ASSERT_EQ_INT(e.line, 0);
        ASSERT_CONTAINS(e.message, "Permission denied");
        ASSERT_EQ_INT(l.n_apps, 0);
}

TEST(error_file_unreadable) {
        _cleanup_tmpdir_ char *dir = tmpdir_new();
        _cleanup_free_ char *path = NULL;

        ASSERT_TRUE(dir);
        path = concat(dir, "/web.conf", NULL);
        ASSERT_OK(write_file(dir, "web.conf", BASE));
        ASSERT_OK(chmod(path, 0));
        ASSERT_OK(chmod(dir, 0755));
        if (geteuid() != 0) {
                CHECK(check_unreadable(path));
                return;
        }
        /* root reads anything: drop to nobody in a child to see the error a user would. */
        pid_t pid = fork();
        ASSERT_TRUE(pid >= 0);
        if (pid == 0) {
                if (setgroups(0, NULL) < 0 || setgid(65534) < 0 || setuid(65534) < 0) {
                        printf("cannot drop privileges: %m\n");
                        exit(1);
                }
                test_failed_ = false;
                check_unreadable(path);
                fflush(stdout);
                exit(test_failed_ ? 1 : 0);
        }
        int status;
        ASSERT_EQ_INT(waitpid(pid, &status, 0), pid);
        ASSERT_TRUE(WIFEXITED(status));
        ASSERT_EQ_INT(WEXITSTATUS(status), 0);
}

TEST(error_in_included_file) {
        _cleanup_tmpdir_ char *dir = tmpdir_new();
        _cleanup_free_ char *path = NULL;

        ASSERT_TRUE(dir);
        path = concat(dir, "/web.conf", NULL);
        ASSERT_OK(write_file(dir, "web.conf", "name = \"web\";\n@include \"missing.conf\"\n"));
        {
                _cleanup_(app_list_done) AppList l = {};
                _cleanup_(config_error_done) ConfigError e = {};
                ASSERT_TRUE(config_load_file(path, &l, &e) < 0);
                ASSERT_STREQ(e.file, path);
                ASSERT_EQ_INT(e.line, 2);
                ASSERT_CONTAINS(e.message, "cannot open include file");
        }
}

/* An error inside an @include'd file names that file by its full path, as for the main file,
 * not as written in the @include line (relative to nothing the user sees). */
TEST(error_in_included_file_names_its_full_path) {
        _cleanup_tmpdir_ char *dir = tmpdir_new();
        _cleanup_free_ char *path = NULL, *common = NULL;
        _cleanup_(app_list_done) AppList l = {};
        _cleanup_(config_error_done) ConfigError e = {};

        ASSERT_TRUE(dir);
        path = concat(dir, "/web.conf", NULL);
        common = concat(dir, "/common.conf", NULL);
        ASSERT_OK(write_file(dir, "web.conf", "name = \"web\";\n@include \"common.conf\"\n"));
        ASSERT_OK(write_file(dir, "common.conf", "exec = \"/bin/true\";\n\nbogus = 1;\n"));
        ASSERT_TRUE(config_load_file(path, &l, &e) < 0);
        ASSERT_EQ_INT(e.line, 3);
        ASSERT_CONTAINS(e.message, "unknown key 'bogus'");
        ASSERT_STREQ(e.file, common);
}

/* A config named relative to the current directory ("examples/node/web.conf", run from the
 * checkout) is reported at its own path, not at the path joined to its directory once more
 * (".../examples/node/examples/node/web.conf:3"). */
TEST(error_in_config_given_by_relative_path_names_it_once) {
        _cleanup_tmpdir_ char *dir = tmpdir_new();
        _cleanup_free_ char *top = NULL, *sub = NULL, *want = NULL;
        _cleanup_(app_list_done) AppList l = {};
        _cleanup_(config_error_done) ConfigError e = {};

        ASSERT_TRUE(dir);
        top = concat(dir, "/examples", NULL);
        sub = concat(dir, "/examples/node", NULL);
        ASSERT_OK(mkdir(top, 0755));
        ASSERT_OK(mkdir(sub, 0755));
        ASSERT_OK(write_file(sub, "web.conf", "name = \"web\";\nexec = \"/bin/true\";\ninstanses = 2;\n"));
        ASSERT_OK(chdir(dir));
        ASSERT_EQ_INT(config_load_file("examples/node/web.conf", &l, &e), -EINVAL);
        want = concat(sub, "/web.conf", NULL);
        ASSERT_STREQ(e.file, want);
        ASSERT_EQ_INT(e.line, 3);
        ASSERT_CONTAINS(e.message, "unknown key 'instanses'");
}

/* The default cwd is the directory the config was named in, whether by an absolute or a relative
 * name: a symlink to a config kept elsewhere does not move it. */
TEST(symlinked_config_keeps_the_directory_it_was_named_in) {
        _cleanup_tmpdir_ char *dir = tmpdir_new();
        _cleanup_free_ char *real = NULL, *link = NULL, *named = NULL;
        /* hardening: the test's directory is under /tmp, which PrivateTmp= would hide. */
        const char *text = "name = \"web\";\nexec = \"/bin/true\";\nhardening = \"none\";\n";

        ASSERT_TRUE(dir);
        real = concat(dir, "/real", NULL);
        link = concat(dir, "/link", NULL);
        named = concat(link, "/web.conf", NULL);
        ASSERT_OK(mkdir(real, 0755));
        ASSERT_OK(mkdir(link, 0755));
        ASSERT_OK(write_file(real, "web.conf", text));
        ASSERT_OK(symlink("../real/web.conf", named));
        {
                _cleanup_(app_list_done) AppList l = {};
                _cleanup_(config_error_done) ConfigError e = {};
                ASSERT_OK(config_load_file(named, &l, &e));
                ASSERT_STREQ(l.apps[0].cwd, link);
        }
        ASSERT_OK(chdir(link));
        {
                _cleanup_(app_list_done) AppList l = {};
                _cleanup_(config_error_done) ConfigError e = {};
                ASSERT_OK(config_load_file("web.conf", &l, &e));
                ASSERT_STREQ(l.apps[0].cwd, link);
                ASSERT_STREQ(l.apps[0].config_path, named);
        }
}

/* A ".." that goes up out of a symlinked directory goes where the kernel takes it: the config
 * read is the one recorded, and its directory is the default cwd. */
TEST(dot_dot_out_of_a_symlinked_directory) {
        _cleanup_tmpdir_ char *dir = tmpdir_new();
        _cleanup_free_ char *real = NULL, *sub = NULL, *link = NULL, *want = NULL;
        _cleanup_(app_list_done) AppList l = {};
        _cleanup_(config_error_done) ConfigError e = {};

        ASSERT_TRUE(dir);
        real = concat(dir, "/real", NULL);
        sub = concat(dir, "/real/sub", NULL);
        link = concat(dir, "/link", NULL);
        want = concat(real, "/web.conf", NULL);
        ASSERT_OK(mkdir(real, 0755));
        ASSERT_OK(mkdir(sub, 0755));
        ASSERT_OK(symlink("real/sub", link));
        ASSERT_OK(write_file(real, "web.conf", "name = \"web\";\nexec = \"/bin/true\";\nhardening = \"none\";\n"));
        ASSERT_OK(chdir(dir));
        ASSERT_OK(config_load_file("link/../web.conf", &l, &e));
        ASSERT_STREQ(l.apps[0].config_path, want);
        ASSERT_STREQ(l.apps[0].cwd, real);
}

/* A file that cannot be read says why with the errno of the read that failed, never one left
 * over from an earlier call (and never ends the process: libconfig's scanner exits on a read
 * error). /proc/self/mem is a regular file whose read at offset 0 fails with EIO. */
TEST(unreadable_config_reports_the_read_error) {
        _cleanup_(app_list_done) AppList l = {};
        _cleanup_(config_error_done) ConfigError e = {};

        errno = EPERM;
        ASSERT_EQ_INT(config_load_file("/proc/self/mem", &l, &e), -EIO);
        ASSERT_STREQ(e.file, "/proc/self/mem");
        ASSERT_STREQ(e.message, "cannot read: Input/output error");
}

TEST(config_that_is_not_a_regular_file) {
        _cleanup_tmpdir_ char *dir = tmpdir_new();
        _cleanup_free_ char *fifo = NULL;

        ASSERT_TRUE(dir);
        fifo = concat(dir, "/fifo.conf", NULL);
        ASSERT_OK(mkfifo(fifo, 0644));
        const char *const paths[] = { dir, fifo };
        for (size_t i = 0; i < ELEMENTSOF(paths); i++) {
                _cleanup_(app_list_done) AppList l = {};
                _cleanup_(config_error_done) ConfigError e = {};
                ASSERT_EQ_INT(config_load_file(paths[i], &l, &e), -EINVAL);
                ASSERT_STREQ(e.message, "not a regular file");
        }
}

/* Where user and group were set, kept for the errors found later (an account that does not
 * exist where the app runs), including from an @include'd file. */
TEST(user_and_group_sources) {
        _cleanup_tmpdir_ char *dir = tmpdir_new();
        _cleanup_free_ char *path = NULL, *common = NULL;

        ASSERT_TRUE(dir);
        path = concat(dir, "/web.conf", NULL);
        common = concat(dir, "/common.conf", NULL);
        ASSERT_OK(write_file(dir, "web.conf", "name = \"web\";\nexec = \"/bin/true\";\ncwd = \"/\";\nuser = \"www-data\";\n"
                                              "@include \"common.conf\"\n"));
        ASSERT_OK(write_file(dir, "common.conf", "\ngroup = \"nogroup\";\n"));
        {
                _cleanup_(app_list_done) AppList l = {};
                _cleanup_(config_error_done) ConfigError e = {};
                ASSERT_OK(config_load_file(path, &l, &e));
                ASSERT_STREQ(l.apps[0].user_source.file, path);
                ASSERT_EQ_INT(l.apps[0].user_source.line, 4);
                ASSERT_STREQ(l.apps[0].group_source.file, common);
                ASSERT_EQ_INT(l.apps[0].group_source.line, 2);
        }
        {
                _cleanup_(app_list_done) AppList l = {};
                load_ok(BASE, &l);
                ASSERT_TRUE(l.apps[0].user_source.file == NULL);
                ASSERT_EQ_INT(l.apps[0].user_source.line, 0);
                ASSERT_TRUE(l.apps[0].group_source.file == NULL);
        }
}
