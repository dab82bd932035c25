/* Tests of the PM2 side: cron.c (cron_restart → OnCalendar=), pm2-map.c (a PM2 app → config
 * text), and what the config and render make of the keys the mapping writes (node_compat,
 * ready = "listen", shutdown_with_message, cron_restart). A mapped config is checked by the real
 * config parser, and hostile values by what the rendered units contain. */
#include "test.h"

#include "config.h"
#include "cron.h"
#include "pm2-map.h"
#include "render.h"
#include "testutil.h"
#include "util.h"

#define SOURCE "/srv/app/ecosystem.config.js"

/* --- cron ------------------------------------------------------------------------------------ */

static void check_cron(const char *cron, const char *want0, const char *want1) {
        _cleanup_strv_free_ char **events = NULL;
        _cleanup_free_ char *error = NULL;
        int r = cron_to_calendar(cron, &events, &error);
        if (r < 0)
                FAIL("cron_to_calendar(\"%s\"): %d %s", cron, r, strna(error));
        ASSERT_STREQ(events[0], want0);
        if (want1)
                ASSERT_STREQ(events[1], want1);
        else
                ASSERT_TRUE(events[1] == NULL);
}

TEST(cron_valid) {
        CHECK(check_cron("0 3 * * *", "*-*-* 03:00:00", NULL));
        CHECK(check_cron("*/15 * * * *", "*-*-* *:00,15,30,45:00", NULL));
        CHECK(check_cron("30 9 * * 1-5", "Mon..Fri *-*-* 09:30:00", NULL));
        CHECK(check_cron("0 0 * * sun,sat", "Sat,Sun *-*-* 00:00:00", NULL));
        CHECK(check_cron("0 0 * * 7", "Sun *-*-* 00:00:00", NULL));
        CHECK(check_cron("0 0 1 jan,jul *", "*-01,07-01 00:00:00", NULL));
        CHECK(check_cron("0 12 1-3 * *", "*-*-01..03 12:00:00", NULL));
        CHECK(check_cron("15 30 2 * * *", "*-*-* 02:30:15", NULL)); /* six fields: seconds first */
        CHECK(check_cron("@daily", "*-*-* 00:00:00", NULL));
        CHECK(check_cron("@hourly", "*-*-* *:00:00", NULL));
        CHECK(check_cron("0 0 10-20/5 * *", "*-*-10,15,20 00:00:00", NULL));
        /* Both days restricted: cron runs on either, so two events. */
        CHECK(check_cron("0 4 1 * mon", "*-*-01 04:00:00", "Mon *-*-* 04:00:00"));
}

TEST(cron_invalid) {
        static const char *const bad[] = {
                "", "* * * *", "* * * * * * *", "60 * * * *", "* 24 * * *", "* * 0 * *", "* * * 13 *",
                "* * * * 8", "5-1 * * * *", "*/0 * * * *", "L * * * *", "* * * * 1#2", "@reboot", "a b c d e",
                "1,,2 * * * *", "0 3 * * *\n[Service]",
        };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                _cleanup_strv_free_ char **events = NULL;
                _cleanup_free_ char *error = NULL;
                if (cron_to_calendar(bad[i], &events, &error) != -EINVAL)
                        FAIL("'%s' was accepted", bad[i]);
                ASSERT_TRUE(error && *error);
        }
}

/* Every event the converter writes is one systemd reads, and means the same instant. */
TEST(cron_systemd_reads_it) {
        static const char *const crons[] = { "0 3 * * *", "*/7 1-5 * * mon-fri", "0 0 1,15 jan-mar *",
                                             "0 4 1 * mon", "@weekly", "59 23 31 12 *" };
        const char *analyze;
        REQUIRE_SYSTEMD_ANALYZE(analyze);
        for (size_t i = 0; i < ELEMENTSOF(crons); i++) {
                _cleanup_strv_free_ char **events = NULL;
                _cleanup_free_ char *error = NULL, *cmd = NULL;
                ASSERT_OK(cron_to_calendar(crons[i], &events, &error));
                for (size_t k = 0; events[k]; k++) {
                        cmd = concat("'", analyze, "' calendar '", events[k], "' >/dev/null 2>&1", NULL);
                        if (system(cmd) != 0)
                                FAIL("systemd-analyze calendar '%s' (from '%s') failed", events[k], crons[i]);
                        free(cmd);
                        cmd = NULL;
                }
        }
}

/* --- mapping --------------------------------------------------------------------------------- */

static const Pm2MapOptions default_opts = { .source = SOURCE, .source_dir = "/srv/app" };

/* Maps the first app of a JSON ecosystem; fails the test on an error. */
static void map_ok(const char *json, const Pm2MapOptions *opts, Pm2App *ret) {
        json_object *root = json_tokener_parse(json), **apps = NULL;
        _cleanup_strv_free_ char **warnings = NULL;
        _cleanup_free_ char *error = NULL;
        size_t n = 0;

        ASSERT_TRUE(root);
        int r = pm2_ecosystem_apps(root, &apps, &n, &warnings, &error);
        if (r >= 0)
                r = pm2_map_app(apps[0], 0, opts ? opts : &default_opts, ret, &error);
        free(apps);
        json_object_put(root);
        if (r < 0)
                FAIL("mapping %s: %d %s", json, r, strna(error));
}

/* Maps, and expects an error that contains `want`. */
static void map_fails(const char *json, const char *want) {
        json_object *root = json_tokener_parse(json), **apps = NULL;
        _cleanup_strv_free_ char **warnings = NULL;
        _cleanup_free_ char *error = NULL;
        Pm2App app = {};
        size_t n = 0;

        ASSERT_TRUE(root);
        int r = pm2_ecosystem_apps(root, &apps, &n, &warnings, &error);
        if (r >= 0)
                r = pm2_map_app(apps[0], 0, &default_opts, &app, &error);
        free(apps);
        json_object_put(root);
        pm2_app_done(&app);
        if (r >= 0)
                FAIL("%s was mapped", json);
        ASSERT_CONTAINS(strempty(error), want);
        ASSERT_NOT_CONTAINS(strempty(error), "\n");
}

static bool has_warning(const Pm2App *app, const char *start) {
        for (size_t i = 0; app->warnings && app->warnings[i]; i++)
                if (startswith(app->warnings[i], start))
                        return true;
        return false;
}

TEST(map_cluster_app) {
        _cleanup_(pm2_app_done) Pm2App app = {};
        CHECK(map_ok("{\"apps\":[{\"name\":\"web\",\"script\":\"server.js\",\"instances\":4,\"exec_mode\":\"cluster\","
                     "\"wait_ready\":true,\"listen_timeout\":10000,\"kill_timeout\":3000,"
                     "\"env\":{\"NODE_ENV\":\"development\",\"PORT\":3000},\"env_production\":{\"NODE_ENV\":\"production\"}}]}",
                     NULL, &app));
        ASSERT_STREQ(app.name, "web");
        ASSERT_HAS_LINE(app.text, "name = \"web\";");
        ASSERT_CONTAINS(app.text, "\ncwd = \"/srv/app\";");
        ASSERT_CONTAINS(app.text, "\nscript = \"server.js\";");
        ASSERT_CONTAINS(app.text, "\ninterpreter = \"node\";");
        ASSERT_CONTAINS(app.text, "\nnode_compat = \"pm2\";");
        ASSERT_CONTAINS(app.text, "\ninstances = 4;");
        ASSERT_CONTAINS(app.text, "\nlisten = \"3000\";");
        ASSERT_CONTAINS(app.text, "\nready = \"notify\";");
        ASSERT_CONTAINS(app.text, "\nready_timeout = 10.0;");
        ASSERT_CONTAINS(app.text, "\nkill_timeout = 3.0;");
        ASSERT_CONTAINS(app.text, "\nkill_signal = \"SIGINT\";");
        ASSERT_HAS_LINE(app.text, "  NODE_ENV = \"development\";");
        ASSERT_HAS_LINE(app.text, "  PORT = \"3000\";");
        /* The unused environment is a comment and a warning. */
        ASSERT_CONTAINS(app.text, "\n# env_production = {\"NODE_ENV\":\"production\"}: another environment (import with --env production");
        ASSERT_TRUE(has_warning(&app, "env_production: not carried over"));
}

TEST(map_env_selected_and_listen_option) {
        _cleanup_(pm2_app_done) Pm2App app = {};
        Pm2MapOptions opts = default_opts;
        opts.env_name = "production";
        opts.listen = "127.0.0.1:8080";
        CHECK(map_ok("{\"apps\":[{\"script\":\"app.js\",\"instances\":\"max\",\"env\":{\"NODE_ENV\":\"dev\",\"A\":1},"
                     "\"env_production\":{\"NODE_ENV\":\"production\",\"PORT\":9000}}]}",
                     &opts, &app));
        ASSERT_STREQ(app.name, "app"); /* PM2's default: the script's name */
        ASSERT_HAS_LINE(app.text, "  NODE_ENV = \"production\";");
        ASSERT_HAS_LINE(app.text, "  A = \"1\";");
        ASSERT_CONTAINS(app.text, "\nlisten = \"127.0.0.1:8080\";"); /* --listen wins over PORT */
        ASSERT_CONTAINS(app.text, "\ninstances = \"max\";");
        ASSERT_CONTAINS(app.text, "\nready = \"listen\";"); /* cluster mode without wait_ready */
        ASSERT_FALSE(has_warning(&app, "env_production"));
}

TEST(map_no_port_says_so) {
        _cleanup_(pm2_app_done) Pm2App app = {};
        CHECK(map_ok("{\"apps\":[{\"name\":\"w\",\"script\":\"w.js\",\"instances\":2}]}", NULL, &app));
        ASSERT_CONTAINS(app.text, "\nlisten = \"\";  # SET THIS");
        ASSERT_TRUE(has_warning(&app, "listen: no port found"));

        /* ...and the config parser refuses it until it is set, naming the line. */
        _cleanup_(app_list_done) AppList l = {};
        _cleanup_(config_error_done) ConfigError e = {};
        ASSERT_TRUE(config_load_string(app.text, "/etc/clusterctl/w.conf", &l, &e) < 0);
        ASSERT_CONTAINS(e.message, "listen: not set");
        ASSERT_TRUE(e.line > 0);
}

TEST(map_fork_and_other_interpreters) {
        _cleanup_(pm2_app_done) Pm2App py = {}, worker = {};
        CHECK(map_ok("{\"name\":\"py\",\"script\":\"app.py\",\"env\":{\"PORT\":5000},\"wait_ready\":true}", NULL, &py));
        ASSERT_CONTAINS(py.text, "\ninterpreter = \"python3\";");
        ASSERT_NOT_CONTAINS(py.text, "node_compat");
        ASSERT_NOT_CONTAINS(py.text, "\nlisten"); /* it binds its own port */
        ASSERT_CONTAINS(py.text, "\nready = \"exec\";");
        ASSERT_TRUE(has_warning(&py, "wait_ready: not carried over"));
        CHECK(map_ok("[{\"name\":\"worker\",\"script\":\"worker.js\",\"node_args\":[\"--max-old-space-size=512\", \"a b\"],"
                     "\"args\":[\"--queue\",\"mail\"],\"interpreter_args\":\"--unused\"}]",
                     NULL, &worker));
        ASSERT_CONTAINS(worker.text, "\ninterpreter = \"node --max-old-space-size=512 'a b'\";");
        ASSERT_CONTAINS(worker.text, "\nargs = [ \"--queue\", \"mail\" ];");
        ASSERT_CONTAINS(worker.text, "\ninstances = 1;  # PM2: fork mode");
        ASSERT_CONTAINS(worker.text, "\nready = \"exec\";");
        ASSERT_NOT_CONTAINS(worker.text, "\nlisten");
}

/* Each PM2 key of the brief: mapped, or a comment and a warning. */
TEST(map_every_key) {
        _cleanup_(pm2_app_done) Pm2App app = {};
        CHECK(map_ok("{\"apps\":[{\"name\":\"all\",\"script\":\"server.js\",\"args\":\"--a b\",\"interpreter\":\"node\","
                     "\"interpreter_args\":\"--harmony\",\"cwd\":\"web\",\"instances\":0,\"exec_mode\":\"cluster_mode\","
                     "\"env\":{\"PORT\":\"4000\"},\"env_staging\":{\"X\":\"1\"},\"increment_var\":\"WPORT\","
                     "\"instance_var\":\"INSTANCE_ID\",\"wait_ready\":false,\"listen_timeout\":8000,\"kill_timeout\":1500,"
                     "\"shutdown_with_message\":true,\"autorestart\":false,\"restart_delay\":250,\"max_restarts\":5,"
                     "\"min_uptime\":\"5s\",\"max_memory_restart\":\"1.5G\",\"cron_restart\":\"0 4 * * *\",\"user\":\"web\","
                     "\"gid\":\"www\",\"out_file\":\"o.log\",\"error_file\":\"e.log\",\"log_date_format\":\"YYYY\","
                     "\"watch\":[\"src\"],\"port\":4001}]}",
                     NULL, &app));
        static const char *const lines[] = {
                "\ncwd = \"/srv/app/web\";", "\nargs = \"--a b\";", "\ninterpreter = \"node --harmony\";",
                "\ninstances = \"max\";", "\nlisten = \"4001\";", "\nready = \"listen\";", "\nready_timeout = 8.0;",
                "\nkill_timeout = 1.5;", "\nshutdown_with_message = true;", "\nrestart = \"no\";",
                "\nrestart_delay = 0.25;", "\nmemory_max = \"1610612736\";", "\ncron_restart = \"0 4 * * *\";",
                "\nuser = \"web\";", "\ngroup = \"www\";", "\ninstance_var = \"INSTANCE_ID\";",
                "\nincrement_var = \"WPORT\";", "\n  WPORT = \"0\";", "\n  PORT = \"4001\";",
        };
        for (size_t i = 0; i < ELEMENTSOF(lines); i++)
                ASSERT_CONTAINS(app.text, lines[i]);
        static const char *const skipped[] = { "env_staging", "max_restarts", "min_uptime", "out_file", "error_file",
                                               "log_date_format", "watch" };
        for (size_t i = 0; i < ELEMENTSOF(skipped); i++) {
                _cleanup_free_ char *comment = concat("\n# ", skipped[i], " = ", NULL), *warning = concat(skipped[i], ": ", NULL);
                ASSERT_CONTAINS(app.text, comment);
                ASSERT_TRUE(has_warning(&app, warning));
        }
        ASSERT_EQ_INT(strv_length(app.warnings), ELEMENTSOF(skipped));
}

TEST(map_user_manager_drops_user) {
        _cleanup_(pm2_app_done) Pm2App app = {};
        Pm2MapOptions opts = default_opts;
        opts.user_manager = true;
        CHECK(map_ok("{\"name\":\"u\",\"script\":\"u.js\",\"uid\":\"web\"}", &opts, &app));
        ASSERT_NOT_CONTAINS(app.text, "\nuser =");
        ASSERT_CONTAINS(app.text, "\n# uid = \"web\": a user manager");
        ASSERT_TRUE(has_warning(&app, "uid: not carried over"));
}

TEST(map_hostile) {
        CHECK(map_fails("{\"apps\":[{\"name\":\"a\\nb\",\"script\":\"s.js\"}]}", "name: 'a\\nb' is not a valid app name"));
        CHECK(map_fails("{\"apps\":[{\"name\":\"web\",\"script\":\"s.js\",\"env\":{\"X\":\"\\n[Service]\\nExecStartPre=/bin/sh\"}}]}",
                        "env.X: the value contains a control character"));
        CHECK(map_fails("{\"apps\":[{\"name\":\"web\",\"script\":\"s\\n.js\"}]}", "script: the value contains a control"));
        CHECK(map_fails("{\"apps\":[{\"name\":\"web\",\"script\":\"s.js\",\"cron_restart\":\"0 3 * * *\\n[Service]\"}]}",
                        "cron_restart"));
        CHECK(map_fails("{\"apps\":[{\"name\":\"web\",\"script\":\"s.js\",\"user\":\"root\\nx\"}]}", "user:"));
        CHECK(map_fails("{\"apps\":[{\"name\":\"web\",\"script\":\"s.js\",\"instances\":\"many\"}]}", "instances:"));
        /* A config's env cannot hold "_PORT", where increment_var's first value must be. */
        CHECK(map_fails("{\"apps\":[{\"name\":\"web\",\"script\":\"s.js\",\"increment_var\":\"_PORT\"}]}",
                        "increment_var: '_PORT' cannot be a variable of a config's env"));
        CHECK(map_fails("{\"apps\":[{\"name\":\"web\"}]}", "has no script"));
        CHECK(map_fails("{\"apps\":[]}", "apps is empty"));
        CHECK(map_fails("{\"name\":\"web\"}", "not a PM2 ecosystem file"));
        CHECK(map_fails("[1]", "expected an object"));

        /* What only goes into comments is made printable; quotes and backslashes are quoted. */
        _cleanup_(pm2_app_done) Pm2App app = {};
        CHECK(map_ok("{\"apps\":[{\"name\":\"web\",\"script\":\"a\\\"b\\\\c%i.js\",\"env\":{\"Q\":\"say \\\"hi\\\" \\\\ $HOME %n\"},"
                     "\"bad\\nkey\":\"x\\ny\",\"env\\nX\":{}}]}",
                     NULL, &app));
        ASSERT_CONTAINS(app.text, "\nscript = \"a\\\"b\\\\c%i.js\";");
        ASSERT_CONTAINS(app.text, "\n  Q = \"say \\\"hi\\\" \\\\ $HOME %n\";");
        ASSERT_CONTAINS(app.text, "\n# bad\\nkey = \"x\\ny\": no equivalent");
        for (size_t i = 0; app.warnings[i]; i++)
                ASSERT_NOT_CONTAINS(app.warnings[i], "\n");
}

/* JSON escapes control characters of C0 only: a C1 control (U+009B is CSI) or a byte that is
 * not UTF-8 in a key or a value reaches the warnings, errors and comments escaped, never raw. */
TEST(map_escapes_c1_and_invalid_utf8) {
        _cleanup_(pm2_app_done) Pm2App app = {};
        CHECK(map_ok("{\"apps\":[{\"name\":\"web\",\"script\":\"s.js\",\"csi\":\"\xc2\x9b" "2J\","
                     "\"latin1\":\"caf\xe9\",\"k\xc2\x9b\":1,\"k\xff\":2}]}",
                     NULL, &app));
        ASSERT_TRUE(has_warning(&app, "k\\u009b: not carried over"));
        ASSERT_TRUE(has_warning(&app, "k\\xff: not carried over"));
        for (size_t i = 0; app.warnings[i]; i++)
                for (const unsigned char *p = (const unsigned char *) app.warnings[i]; *p; p++)
                        if (*p < 0x20 || *p == 0x7f || *p >= 0x80)
                                FAIL("byte 0x%02x in warning '%s'", *p, app.warnings[i]);
        ASSERT_CONTAINS(app.text, "\n# csi = \"\\u009b2J\": no equivalent");
        ASSERT_CONTAINS(app.text, "\n# latin1 = \"caf\\xe9\": no equivalent");
        ASSERT_NOT_CONTAINS(app.text, "\xc2\x9b");
        ASSERT_NOT_CONTAINS(app.text, "\xff");
        CHECK(map_fails("{\"apps\":[{\"name\":\"web\",\"script\":\"s.js\",\"user\":\"\xc2\x9b" "2J\"}]}",
                        "user: \"\\u009b2J\" is not a valid user"));
        CHECK(map_fails("{\"apps\":[{\"name\":\"w\xe9\",\"script\":\"s.js\"}]}", "name: 'w\\xe9' is not a valid app name"));
}

/* A long value is cut in the comment, between two characters, and says so. */
TEST(map_long_value_is_cut) {
        _cleanup_(pm2_app_done) Pm2App app = {};
        char json[512];
        char value[301];
        memset(value, 'x', 300);
        value[300] = 0;
        snprintf(json, sizeof(json), "{\"apps\":[{\"name\":\"web\",\"script\":\"s.js\",\"long\":\"%s\"}]}", value);
        CHECK(map_ok(json, NULL, &app));
        ASSERT_CONTAINS(app.text, "\n# long = \"xxxxxxxxxx");
        ASSERT_CONTAINS(app.text, "xxx...: no equivalent");
}

/* A hostile but valid app goes through the real config parser and renderer: the values arrive
 * exactly, and no line of the unit comes from them. */
TEST(map_hostile_renders_safely) {
        _cleanup_(pm2_app_done) Pm2App app = {};
        _cleanup_(app_list_done) AppList l = {};
        _cleanup_(config_error_done) ConfigError e = {};
        _cleanup_(unit_set_done) UnitSet set = {};
        _cleanup_free_ char *error = NULL, *node_dir = concat(SOURCE_DIR, "/node", NULL);
        Pm2MapOptions opts = default_opts;
        opts.source_dir = "/var/lib/app %i";
        opts.listen = "127.0.0.1:3000";

        setenv("CLUSTERCTL_DATA_DIR", node_dir, 1);
        CHECK(map_ok("{\"apps\":[{\"name\":\"web\",\"script\":\"srv%n.js\",\"instances\":2,\"exec_mode\":\"cluster\","
                     "\"user\":\"nobody\",\"env\":{\"EVIL\":\"x [Service] ExecStartPre=/bin/false %i $USER\"},"
                     "\"cron_restart\":\"0 3 * * *\"}]}",
                     &opts, &app));
        /* The tree may be under /tmp (a package build), which the default sandbox would hide. */
        _cleanup_free_ char *text = concat(app.text, "hardening = \"none\";\n", NULL);
        if (config_load_string(text, "/etc/clusterctl/web.conf", &l, &e) < 0)
                FAIL("%s:%d: %s\n%s", e.file, e.line, e.message, text);
        ASSERT_OK(render_app_units(&l.apps[0], SCOPE_SYSTEM, NULL, &set, &error));
        const UnitFile *service = unit_set_find(&set, "web@.service");
        ASSERT_TRUE(service);
        ASSERT_HAS_LINE(service->text, "Environment=\"EVIL=x [Service] ExecStartPre=/bin/false %%i $USER\"");
        ASSERT_CONTAINS(service->text, "\"/var/lib/app %%i/srv%%n.js\"");
        ASSERT_CONTAINS(service->text, " -r \"");
        ASSERT_HAS_LINE(service->text, "Environment=CLUSTERCTL_PM2_READY=listen");
        ASSERT_HAS_LINE(service->text, "KillSignal=SIGINT");
        /* One [Service] section, none from the value. */
        const char *first = strstr(service->text, "\n[Service]\n");
        ASSERT_TRUE(first && !strstr(first + 1, "\n[Service]\n"));
        ASSERT_TRUE(unit_set_find(&set, "web.reload.timer"));
        ASSERT_HAS_LINE(unit_set_find(&set, "web.reload.timer")->text, "OnCalendar=*-*-* 03:00:00");
        ASSERT_HAS_LINE(unit_set_find(&set, "web.target")->text, "Wants=web.reload.timer");
        ASSERT_CONTAINS(unit_set_find(&set, "web.reload.service")->text, " --system reload web --wait\n");
}

/* --- config keys ----------------------------------------------------------------------------- */

static void config_fails(const char *text, const char *want) {
        _cleanup_(app_list_done) AppList l = {};
        _cleanup_(config_error_done) ConfigError e = {};
        _cleanup_free_ char *node_dir = concat(SOURCE_DIR, "/node", NULL);
        setenv("CLUSTERCTL_DATA_DIR", node_dir, 1);
        if (config_load_string(text, "/etc/clusterctl/t.conf", &l, &e) >= 0)
                FAIL("accepted:\n%s", text);
        ASSERT_CONTAINS(e.message, want);
}

TEST(config_pm2_keys_refused_where_they_cannot_work) {
        CHECK(config_fails("name = \"t\"; exec = \"/bin/sh\"; node_compat = \"pm2\";", "not node"));
        CHECK(config_fails("name = \"t\"; script = \"a.js\"; node_compat = \"pm3\";", "node_compat: 'pm3'"));
        CHECK(config_fails("name = \"t\"; script = \"a.js\"; ready = \"listen\";", "needs node_compat"));
        CHECK(config_fails("name = \"t\"; script = \"a.js\"; node_compat = \"pm2\"; ready = \"listen\";",
                           "needs a listen address"));
        CHECK(config_fails("name = \"t\"; script = \"a.js\"; shutdown_with_message = true;", "needs node_compat"));
        CHECK(config_fails("name = \"t\"; script = \"a.js\"; shutdown_with_message = 1;", "true or false"));
        CHECK(config_fails("name = \"t\"; script = \"a.js\"; cron_restart = \"61 * * * *\";", "cron_restart: minute"));
        CHECK(config_fails("name = \"t\"; script = \"a.js\"; listen = \"\";", "listen: not set"));
}

TEST(config_node_compat_defaults) {
        _cleanup_(app_list_done) AppList l = {};
        _cleanup_(config_error_done) ConfigError e = {};
        _cleanup_(unit_set_done) UnitSet set = {};
        _cleanup_free_ char *error = NULL, *node_dir = concat(SOURCE_DIR, "/node", NULL);
        setenv("CLUSTERCTL_DATA_DIR", node_dir, 1);
        if (config_load_string("name = \"t\"; script = \"a.js\"; node_compat = \"pm2\"; listen = 3000; hardening = \"none\";",
                               "/etc/clusterctl/t.conf",
                               &l, &e) < 0)
                FAIL("%s", e.message);
        ASSERT_STREQ(l.apps[0].kill_signal, "SIGINT");
        ASSERT_OK(render_app_units(&l.apps[0], SCOPE_USER, NULL, &set, &error));
        const char *text = unit_set_find(&set, "t@.service")->text;
        ASSERT_HAS_LINE(text, "Environment=CLUSTERCTL_PM2_READY=message");
        ASSERT_HAS_LINE(text, "Environment=CLUSTERCTL_PM2_SHUTDOWN=signal");
        ASSERT_HAS_LINE(text, "Type=notify");
        ASSERT_FALSE(unit_set_find(&set, "t.reload.timer"));
}
