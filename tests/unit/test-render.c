/* Tests of render.c: the template engine, the units an app gets in each socket mode and scope,
 * the ownership marker, per-instance drop-ins, and that a hostile config cannot change a unit's
 * structure — checked by reading the text and by handing it to systemd-analyze verify. */
#include "test.h"

#include <ctype.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "config.h"
#include "escape.h"
#include "render.h"
#include "templates.h"
#include "testutil.h"
#include "util.h"

#define CONFIG "/etc/clusterctl/web.conf"

/* An App from config text, through the real parser: what `clusterctl start` would render. */
static void load_app(const char *text, const char *path, AppList *ret) {
        _cleanup_(config_error_done) ConfigError e = {};
        int r = config_load_string(text, path, ret, &e);
        if (r < 0)
                FAIL("config_load_string: %d %s:%d: %s\nconfig:\n%s", r, strempty(e.file), e.line, strempty(e.message),
                     text);
}

static void render_ok(const App *app, Scope scope, UnitSet *ret) {
        _cleanup_free_ char *error = NULL;
        int r = render_app_units(app, scope, NULL, ret, &error);
        if (r < 0)
                FAIL("render_app_units: %d %s", r, strna(error));
        ASSERT_TRUE(error == NULL);
}

static const char *file_text(const UnitSet *s, const char *path) {
        const UnitFile *f = unit_set_find(s, path);
        return f ? f->text : NULL;
}

static void check_paths(const UnitSet *s, const char *const *want) {
        size_t n = 0;
        while (want[n])
                n++;
        for (size_t i = 0; i < s->n_files; i++)
                printf("  rendered: %s\n", s->files[i].path);
        ASSERT_EQ_INT(s->n_files, n);
        for (size_t i = 0; i < n; i++)
                if (!unit_set_find(s, want[i]))
                        FAIL("no file %s rendered", want[i]);
}
#define PATHS(...) ((const char *const[]) { __VA_ARGS__, NULL })

/* ---- the template engine ---- */

static char **values(const char *first, ...) __attribute__((sentinel));
static char **values(const char *first, ...) {
        char **l = calloc(1, sizeof(char *));
        va_list ap;
        va_start(ap, first);
        for (const char *s = first; s; s = va_arg(ap, const char *))
                if (strv_extend(&l, s) < 0)
                        abort();
        va_end(ap);
        return l;
}

TEST(render_template_lines) {
        _cleanup_strv_free_ char **x = values("1", "2", "3", NULL), **z = values("z", NULL), **e = values("", NULL),
                                 **none = calloc(1, sizeof(char *));
        const TemplateVar vars[] = { { "X", x }, { "Y", NULL }, { "Z", z }, { "E", e }, { "N", none } };
        _cleanup_free_ char *out = NULL;

        ASSERT_OK(render_template("# head {{Z}}\n"
                                  "A={{X}}\n"            /* one line per value */
                                  "B={{Y}}\n"            /* no value: line dropped */
                                  "N={{N}}\n"            /* empty list: dropped too */
                                  "C={{X}}-{{Z}}\n"      /* single values repeat along */
                                  "D={{X}}{{X}}\n"       /* the same list twice: pairwise */
                                  "E={{E}}\n"            /* one empty value: kept, empty */
                                  "\n"
                                  "plain %i line\n"
                                  "last without newline {{Z}}",
                                  vars, ELEMENTSOF(vars), &out));
        ASSERT_STREQ(out, "# head z\n"
                          "A=1\nA=2\nA=3\n"
                          "C=1-z\nC=2-z\nC=3-z\n"
                          "D=11\nD=22\nD=33\n"
                          "E=\n"
                          "\n"
                          "plain %i line\n"
                          "last without newline z\n");
}

TEST(render_template_empty) {
        _cleanup_free_ char *out = NULL;
        ASSERT_OK(render_template("", NULL, 0, &out));
        ASSERT_STREQ(out, "");
}

/* Runs render_template in a child: a template bug must stop rendering (an error or an assert),
 * never produce text. */
static void check_template_refused(const char *tmpl, const TemplateVar *vars, size_t n) {
        int status;
        pid_t pid;

        fflush(stdout);
        pid = fork();
        ASSERT_TRUE(pid >= 0);
        if (pid == 0) {
                char *out = NULL;
                int devnull = open("/dev/null", O_WRONLY);
                if (devnull >= 0)
                        dup2(devnull, 2); /* the assert's message is expected */
                int r = render_template(tmpl, vars, n, &out);
                _exit(r < 0 ? 0 : 1);
        }
        ASSERT_EQ_INT(waitpid(pid, &status, 0), pid);
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
                return;
        if (WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT)
                return;
        if (WIFSIGNALED(status))
                FAIL("render_template(\"%s\") crashed with signal %d (%s) instead of refusing", tmpl,
                     WTERMSIG(status), strsignal(WTERMSIG(status)));
        FAIL("render_template(\"%s\") rendered text instead of refusing", tmpl);
}

/* Two lists of different lengths on one line are refused with -EINVAL, as an unknown placeholder
 * is, in builds with NDEBUG too (tests/run.sh uses RelWithDebInfo): no pass reads the shorter list
 * past its end. */
TEST(render_template_mismatch) {
        _cleanup_strv_free_ char **two = values("1", "2", NULL), **three = values("a", "b", "c", NULL);
        const TemplateVar vars[] = { { "TWO", two }, { "THREE", three } };

        /* Two lists of different lengths on one line: there is no pairing. */
        CHECK(check_template_refused("X={{TWO}} {{THREE}}\n", vars, ELEMENTSOF(vars)));
        /* A placeholder nobody gave a value for. */
        CHECK(check_template_refused("Y={{MISSING}}\n", vars, ELEMENTSOF(vars)));
}

/* ---- units of an app ---- */

#define WEB_SHARED                                                                     \
        "name = \"web\";\n"                                                            \
        "exec = \"/usr/bin/node /srv/web/server.js\";\n"                               \
        "cwd = \"/srv/web\";\n"                                                        \
        "listen = \"127.0.0.1:3000\";\n"
/* An app that names the account it runs as. */
#define WEB_SYSTEM WEB_SHARED "user = \"www-data\";\n"

TEST(render_shared_socket) {
        _cleanup_(app_list_done) AppList l = {};
        _cleanup_(unit_set_done) UnitSet s = {};

        CHECK(load_app(WEB_SYSTEM, CONFIG, &l));
        CHECK(render_ok(&l.apps[0], SCOPE_SYSTEM, &s));
        CHECK(check_paths(&s, PATHS("web@.service", "web.target", "web.socket")));

        const char *service = file_text(&s, "web@.service");
        ASSERT_HAS_LINE(service, "[Unit]");
        ASSERT_HAS_LINE(service, "PartOf=web.target");
        ASSERT_HAS_LINE(service, "Requires=web.socket"); /* Sockets= alone does not pull it in */
        ASSERT_HAS_LINE(service, "After=web.socket");
        ASSERT_HAS_LINE(service, "[Service]");
        ASSERT_HAS_LINE(service, "Type=notify");
        ASSERT_HAS_LINE(service, "NotifyAccess=all");
        ASSERT_HAS_LINE(service, "Sockets=web.socket");
        ASSERT_HAS_LINE(service, "ExecStart=\"/usr/bin/node\" \"/srv/web/server.js\"");
        ASSERT_HAS_LINE(service, "WorkingDirectory=/srv/web");
        ASSERT_HAS_LINE(service, "Environment=\"NODE_APP_INSTANCE=%i\"");
        ASSERT_HAS_LINE(service, "TimeoutStartSec=30.000s");
        ASSERT_HAS_LINE(service, "Restart=always");
        ASSERT_HAS_LINE(service, "SyslogIdentifier=web@%i");
        ASSERT_HAS_LINE(service, "[Install]");
        ASSERT_HAS_LINE(service, "WantedBy=web.target");
        ASSERT_NOT_CONTAINS(service, "ReusePort");
        ASSERT_HAS_LINE(service, "User=www-data");
        ASSERT_NOT_CONTAINS(service, "Group="); /* none given: the user's primary group */

        const char *socket = file_text(&s, "web.socket");
        ASSERT_HAS_LINE(socket, "[Socket]");
        ASSERT_HAS_LINE(socket, "ListenStream=127.0.0.1:3000");
        ASSERT_HAS_LINE(socket, "Service=web@0.service");
        ASSERT_HAS_LINE(socket, "PartOf=web.target");
        ASSERT_NOT_CONTAINS(socket, "ReusePort");

        const char *target = file_text(&s, "web.target");
        ASSERT_HAS_LINE(target, "Wants=web.socket");
        ASSERT_HAS_LINE(target, "WantedBy=multi-user.target");
}

TEST(render_reuseport_sockets) {
        _cleanup_(app_list_done) AppList l = {};
        _cleanup_(unit_set_done) UnitSet s = {};

        CHECK(load_app(WEB_SYSTEM "socket_mode = \"reuseport\";\n", CONFIG, &l));
        CHECK(render_ok(&l.apps[0], SCOPE_SYSTEM, &s));
        CHECK(check_paths(&s, PATHS("web@.service", "web.target", "web@.socket")));

        const char *service = file_text(&s, "web@.service");
        ASSERT_HAS_LINE(service, "Sockets=web@%i.socket");
        ASSERT_HAS_LINE(service, "Requires=web@%i.socket");
        ASSERT_HAS_LINE(service, "After=web@%i.socket");
        ASSERT_NOT_CONTAINS(service, "web.socket");

        const char *socket = file_text(&s, "web@.socket");
        ASSERT_HAS_LINE(socket, "ListenStream=127.0.0.1:3000");
        ASSERT_HAS_LINE(socket, "ReusePort=yes");
        ASSERT_HAS_LINE(socket, "Service=web@%i.service");

        /* Each instance pulls in its own socket: the target wants no shared one. */
        ASSERT_NOT_CONTAINS(file_text(&s, "web.target"), "Wants=");
}

TEST(render_without_listen) {
        _cleanup_(app_list_done) AppList l = {};
        _cleanup_(unit_set_done) UnitSet s = {};

        CHECK(load_app("name = \"worker\";\nexec = \"/bin/sleep infinity\";\nuser = \"worker\";\n", CONFIG, &l));
        CHECK(render_ok(&l.apps[0], SCOPE_SYSTEM, &s));
        CHECK(check_paths(&s, PATHS("worker@.service", "worker.target")));

        const char *service = file_text(&s, "worker@.service");
        ASSERT_NOT_CONTAINS(service, "Sockets=");
        ASSERT_NOT_CONTAINS(service, "Requires=");
        ASSERT_NOT_CONTAINS(service, "After=");
        ASSERT_NOT_CONTAINS(service, ".socket");
        ASSERT_HAS_LINE(service, "PartOf=worker.target");
        ASSERT_HAS_LINE(service, "WantedBy=worker.target");
        ASSERT_NOT_CONTAINS(file_text(&s, "worker.target"), "Wants=");
}

TEST(render_ready_exec) {
        _cleanup_(app_list_done) AppList l = {};
        _cleanup_(unit_set_done) UnitSet s = {};

        CHECK(load_app(WEB_SYSTEM "ready = \"exec\";\n", CONFIG, &l));
        CHECK(render_ok(&l.apps[0], SCOPE_SYSTEM, &s));
        const char *service = file_text(&s, "web@.service");
        ASSERT_HAS_LINE(service, "Type=exec");
        ASSERT_NOT_CONTAINS(service, "Type=notify");
        ASSERT_NOT_CONTAINS(service, "NotifyAccess");
}

TEST(render_watchdog) {
        _cleanup_(app_list_done) AppList l = {}, m = {};
        _cleanup_(unit_set_done) UnitSet s = {}, t = {};

        CHECK(load_app(WEB_SYSTEM "watchdog = 2.5;\n", CONFIG, &l));
        CHECK(render_ok(&l.apps[0], SCOPE_SYSTEM, &s));
        ASSERT_HAS_LINE(file_text(&s, "web@.service"), "WatchdogSec=2.500s");
        /* Without the key, no line at all: the manager's default is no watchdog. */
        CHECK(load_app(WEB_SYSTEM, CONFIG, &m));
        CHECK(render_ok(&m.apps[0], SCOPE_SYSTEM, &t));
        ASSERT_NOT_CONTAINS(file_text(&t, "web@.service"), "Watchdog");
}

/* The text of a unit before its marker (whose hash covers it), without the line `drop`. */
static char *body_without_line(const char *text, const char *drop) {
        _cleanup_free_ char *needle = concat("\n", drop, "\n", NULL);
        const char *marker = strstr(text, "\n" MARKER_SECTION "\n");
        char *body = marker ? strndup(text, (size_t) (marker - text)) : strdup(text), *at;

        if (body && (at = strstr(body, needle)))
                memmove(at + 1, at + strlen(needle), strlen(at + strlen(needle)) + 1);
        return body;
}

TEST(render_scope_target) {
        _cleanup_(app_list_done) AppList l = {};
        _cleanup_(unit_set_done) UnitSet system = {}, user = {};
        _cleanup_free_ char *system_body = NULL, *user_body = NULL;

        CHECK(load_app(WEB_SYSTEM, CONFIG, &l));
        CHECK(render_ok(&l.apps[0], SCOPE_SYSTEM, &system));
        /* The same app for a user manager, which runs it as its own user. */
        free(l.apps[0].user);
        l.apps[0].user = NULL;
        CHECK(render_ok(&l.apps[0], SCOPE_USER, &user));
        ASSERT_HAS_LINE(file_text(&system, "web.target"), "WantedBy=multi-user.target");
        ASSERT_NOT_CONTAINS(file_text(&system, "web.target"), "default.target");
        ASSERT_HAS_LINE(file_text(&user, "web.target"), "WantedBy=default.target");
        ASSERT_NOT_CONTAINS(file_text(&user, "web.target"), "multi-user.target");
        /* Only the target and User= differ between scopes. */
        system_body = body_without_line(file_text(&system, "web@.service"), "User=www-data");
        user_body = body_without_line(file_text(&user, "web@.service"), "User=www-data");
        ASSERT_HAS_LINE(file_text(&system, "web@.service"), "User=www-data");
        ASSERT_NOT_CONTAINS(file_text(&user, "web@.service"), "User=");
        ASSERT_STREQ(system_body, user_body);
        ASSERT_STREQ(file_text(&system, "web.socket"), file_text(&user, "web.socket"));
}

TEST(render_user_and_group) {
        _cleanup_(app_list_done) AppList l = {};
        _cleanup_(unit_set_done) UnitSet system = {}, user = {};
        _cleanup_free_ char *error = NULL;

        CHECK(load_app(WEB_SHARED "user = \"www-data\";\ngroup = \"nogroup\";\n", CONFIG, &l));
        CHECK(render_ok(&l.apps[0], SCOPE_SYSTEM, &system));
        ASSERT_HAS_LINE(file_text(&system, "web@.service"), "User=www-data");
        ASSERT_HAS_LINE(file_text(&system, "web@.service"), "Group=nogroup");

        /* A user manager runs everything as its own user: refuse instead of ignoring. */
        ASSERT_EQ_INT(render_app_units(&l.apps[0], SCOPE_USER, NULL, &user, &error), -EPERM);
        ASSERT_TRUE(error != NULL);
        ASSERT_CONTAINS(error, "user/group");
        ASSERT_EQ_INT(user.n_files, 0);

        /* Group alone is refused too. */
        free(l.apps[0].user);
        l.apps[0].user = NULL;
        free(error);
        error = NULL;
        ASSERT_EQ_INT(render_app_units(&l.apps[0], SCOPE_USER, NULL, &user, &error), -EPERM);
        ASSERT_TRUE(error != NULL);
}

/* Without user, the system manager would run the app as root: it runs as a dynamic user named
 * after the app instead (DynamicUser= derives it from the unit name's prefix), with a state
 * directory that user can write. A group alone does not say who the processes are. */
TEST(render_system_scope_without_user_is_a_dynamic_user) {
        _cleanup_(app_list_done) AppList l = {};
        _cleanup_(unit_set_done) UnitSet s = {}, user = {}, named = {}, grouped = {};
        _cleanup_free_ char *error = NULL;

        CHECK(load_app(WEB_SHARED, CONFIG, &l));
        render_ok(&l.apps[0], SCOPE_SYSTEM, &s);
        const char *service = file_text(&s, "web@.service");
        ASSERT_CONTAINS(service, "\nDynamicUser=yes\n");
        ASSERT_CONTAINS(service, "\nStateDirectory=web\n");
        ASSERT_TRUE(strstr(service, "\nUser=") == NULL);

        /* Not in a user manager, nor with a user named. */
        render_ok(&l.apps[0], SCOPE_USER, &user);
        ASSERT_TRUE(strstr(file_text(&user, "web@.service"), "DynamicUser") == NULL);
        ASSERT_TRUE((l.apps[0].user = strdup("www-data")));
        render_ok(&l.apps[0], SCOPE_SYSTEM, &named);
        ASSERT_TRUE(strstr(file_text(&named, "web@.service"), "DynamicUser") == NULL);
        ASSERT_TRUE(strstr(file_text(&named, "web@.service"), "StateDirectory") == NULL);

        free(l.apps[0].user);
        l.apps[0].user = NULL;
        ASSERT_TRUE((l.apps[0].group = strdup("www-data")));
        ASSERT_EQ_INT(render_app_units(&l.apps[0], SCOPE_SYSTEM, NULL, &grouped, &error), -EPERM);
        ASSERT_EQ_INT(grouped.n_files, 0);
        ASSERT_CONTAINS(error, "group is set without user");
}

TEST(render_system_scope_as_root_on_purpose) {
        _cleanup_(app_list_done) AppList l = {};
        _cleanup_(unit_set_done) UnitSet s = {};

        CHECK(load_app(WEB_SHARED "user = \"root\";\n", CONFIG, &l));
        CHECK(render_ok(&l.apps[0], SCOPE_SYSTEM, &s));
        ASSERT_HAS_LINE(file_text(&s, "web@.service"), "User=root");
        ASSERT_NOT_CONTAINS(file_text(&s, "web@.service"), "Group=");
}

TEST(render_user_scope_without_user) {
        _cleanup_(app_list_done) AppList l = {};
        _cleanup_(unit_set_done) UnitSet s = {};

        CHECK(load_app(WEB_SHARED, CONFIG, &l));
        CHECK(render_ok(&l.apps[0], SCOPE_USER, &s));
        CHECK(check_paths(&s, PATHS("web@.service", "web.target", "web.socket")));
        /* No empty User=/Group= lines: the placeholders without a value are dropped. */
        ASSERT_NOT_CONTAINS(file_text(&s, "web@.service"), "User=");
        ASSERT_NOT_CONTAINS(file_text(&s, "web@.service"), "Group=");
}

TEST(render_every_value) {
        _cleanup_(app_list_done) AppList l = {};
        _cleanup_(unit_set_done) UnitSet s = {};

        CHECK(load_app("name = \"web\";\n"
                       "exec = [ \"/usr/bin/env\", \"--\", \"a b\" ];\n"
                       "cwd = \"/srv/web\";\n"
                       "env = { NODE_ENV = \"production\"; RATIO = 1.5; };\n"
                       "env_file = \"/etc/web.env\";\n"
                       "instance_var = \"INSTANCE\";\n"
                       "listen = ( \"3000\", \"/run/web.sock\" );\n"
                       "ready_timeout = 12.5;\n"
                       "kill_signal = \"SIGINT\";\n"
                       "kill_timeout = 5;\n"
                       "restart = \"on-failure\";\n"
                       "restart_delay = 0.25;\n"
                       "memory_max = \"512M\";\n"
                       "cpu_weight = 200;\n"
                       "user = \"www-data\";\n"
                       "group = \"nogroup\";\n",
                       CONFIG, &l));
        CHECK(render_ok(&l.apps[0], SCOPE_SYSTEM, &s));
        const char *service = file_text(&s, "web@.service");
        ASSERT_HAS_LINE(service, "ExecStart=\"/usr/bin/env\" \"--\" \"a b\"");
        ASSERT_HAS_LINE(service, "EnvironmentFile=/etc/web.env");
        ASSERT_CONTAINS(service, "Environment=\"NODE_ENV=production\"\nEnvironment=\"RATIO=1.5\"\n"
                                 "Environment=\"INSTANCE=%i\"\n"); /* in order; the instance last wins */
        ASSERT_NOT_CONTAINS(service, "NODE_APP_INSTANCE");
        ASSERT_HAS_LINE(service, "TimeoutStartSec=12.500s");
        ASSERT_HAS_LINE(service, "TimeoutStopSec=5.000s");
        ASSERT_HAS_LINE(service, "KillSignal=SIGINT");
        ASSERT_HAS_LINE(service, "Restart=on-failure");
        ASSERT_HAS_LINE(service, "RestartSec=0.250s");
        ASSERT_HAS_LINE(service, "MemoryMax=512M");
        ASSERT_HAS_LINE(service, "CPUWeight=200");
        ASSERT_HAS_LINE(service, "User=www-data");
        ASSERT_HAS_LINE(service, "Group=nogroup");

        const char *socket = file_text(&s, "web.socket");
        ASSERT_CONTAINS(socket, "ListenStream=3000\nListenStream=/run/web.sock\n");
}

/* ---- hardening, and what only a shared socket needs ---- */

/* The setting lines of a units/hardening-*.in file ("Key=value"; comments and blank lines left out). */
static char **setting_lines(const char *tmpl) {
        char **l = calloc(1, sizeof(char *));
        for (const char *line = tmpl; l && *line;) {
                const char *nl = strchr(line, '\n');
                size_t len = nl ? (size_t) (nl - line) : strlen(line);
                if (len > 0 && line[0] != '#') {
                        char *copy = strndup(line, len);
                        if (!copy || strv_push(&l, copy) < 0)
                                abort();
                }
                line += len + (nl ? 1 : 0);
        }
        return l;
}

/* The [Section] the whole line `line` of text is in, or NULL when it is not there. */
static char *section_of(const char *text, const char *line) {
        _cleanup_free_ char *section = NULL;
        size_t n = strlen(line);

        for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
                size_t len = strcspn(p, "\n");
                if (p[0] == '[') {
                        free(section);
                        section = strndup(p, len);
                } else if (len == n && strncmp(p, line, n) == 0)
                        return TAKE_PTR(section);
        }
        return NULL;
}

static void check_in_section(const char *text, const char *line, const char *want) {
        _cleanup_free_ char *section = section_of(text, line);
        if (!section || !streq(section, want))
                FAIL("line \"%s\" is in %s, expected in %s:\n%s", line, section ? section : "no section", want, text);
}

static size_t count_lines_starting(const char *text, const char *prefix) {
        size_t n = 0;
        for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
                n += startswith(p, prefix);
        return n;
}

static void render_service(const char *config, Scope scope, char **ret) {
        _cleanup_(app_list_done) AppList l = {};
        _cleanup_(unit_set_done) UnitSet s = {};

        CHECK(load_app(config, CONFIG, &l));
        CHECK(render_ok(&l.apps[0], scope, &s));
        ASSERT_TRUE(file_text(&s, "web@.service"));
        *ret = strdup(file_text(&s, "web@.service"));
        /* Sandboxing is for the processes: the socket and the target carry none of it. */
        for (size_t i = 0; i < s.n_files; i++)
                if (!streq(s.files[i].path, "web@.service")) {
                        ASSERT_NOT_CONTAINS(s.files[i].text, "NoNewPrivileges");
                        ASSERT_NOT_CONTAINS(s.files[i].text, "PrivateTmp");
                }
}

/* Every setting of `tmpl` is in the service's [Service] section, but `except` (may be NULL). */
static void check_has_settings(const char *service, const char *tmpl, const char *except) {
        _cleanup_strv_free_ char **lines = setting_lines(tmpl);
        ASSERT_TRUE(strv_length(lines) >= 10);
        for (size_t i = 0; lines[i]; i++)
                if (!except || !streq(lines[i], except))
                        CHECK(check_in_section(service, lines[i], "[Service]"));
}

/* No setting of `tmpl` is in the service, whatever its value. */
static void check_no_settings(const char *service, const char *tmpl) {
        _cleanup_strv_free_ char **lines = setting_lines(tmpl);
        for (size_t i = 0; lines[i]; i++) {
                _cleanup_free_ char *key = strndup(lines[i], strcspn(lines[i], "=") + 1),
                                    *at_line_start = concat("\n", key, NULL);
                ASSERT_NOT_CONTAINS(service, at_line_start);
        }
}

TEST(render_hardening_default) {
        _cleanup_free_ char *implicit = NULL, *explicit = NULL, *system = NULL;

        CHECK(render_service(WEB_SHARED, SCOPE_USER, &implicit));
        CHECK(check_has_settings(implicit, units_hardening_default_in, NULL));
        ASSERT_HAS_LINE(implicit, "NoNewPrivileges=yes");
        ASSERT_HAS_LINE(implicit, "PrivateTmp=yes");
        ASSERT_HAS_LINE(implicit, "ProtectSystem=full");
        ASSERT_HAS_LINE(implicit, "ProtectHome=read-only");
        ASSERT_NOT_CONTAINS(implicit, "ProtectSystem=strict");
        ASSERT_NOT_CONTAINS(implicit, "ProtectHome=yes");
        ASSERT_NOT_CONTAINS(implicit, "ProtectProc=");

        /* "default" is the default. */
        CHECK(render_service(WEB_SHARED "hardening = \"default\";\n", SCOPE_USER, &explicit));
        ASSERT_STREQ(explicit, implicit);
        /* And the same for the system manager. */
        CHECK(render_service(WEB_SYSTEM, SCOPE_SYSTEM, &system));
        CHECK(check_has_settings(system, units_hardening_default_in, NULL));
}

TEST(render_hardening_strict) {
        _cleanup_free_ char *service = NULL, *user = NULL;

        CHECK(render_service(WEB_SYSTEM "hardening = \"strict\";\n", SCOPE_SYSTEM, &service));
        CHECK(check_has_settings(service, units_hardening_strict_in, NULL));
        ASSERT_HAS_LINE(service, "NoNewPrivileges=yes");
        ASSERT_HAS_LINE(service, "PrivateTmp=yes");
        ASSERT_HAS_LINE(service, "ProtectSystem=strict");
        ASSERT_HAS_LINE(service, "ProtectHome=yes");
        ASSERT_NOT_CONTAINS(service, "ProtectSystem=full");
        ASSERT_NOT_CONTAINS(service, "ProtectHome=read-only");
        /* Each setting once: strict replaces default, it is not added to it. */
        ASSERT_EQ_INT(count_lines_starting(service, "NoNewPrivileges="), 1);
        ASSERT_EQ_INT(count_lines_starting(service, "PrivateTmp="), 1);

        /* A user manager's notify socket is in /run/user/UID, which ProtectHome=yes would hide
         * (READY=1 would never arrive): there home directories stay visible, read-only. */
        CHECK(render_service(WEB_SHARED "hardening = \"strict\";\n", SCOPE_USER, &user));
        CHECK(check_has_settings(user, units_hardening_strict_in, "ProtectHome=yes"));
        CHECK(check_in_section(user, "ProtectHome=read-only", "[Service]"));
        ASSERT_EQ_INT(count_lines_starting(user, "ProtectHome="), 1);
        ASSERT_HAS_LINE(user, "ProtectSystem=strict");
}

TEST(render_hardening_none) {
        _cleanup_free_ char *user = NULL, *system = NULL;

        CHECK(render_service(WEB_SHARED "hardening = \"none\";\n", SCOPE_USER, &user));
        CHECK(render_service(WEB_SYSTEM "hardening = \"none\";\n", SCOPE_SYSTEM, &system));
        for (const char *service = user; service; service = service == user ? system : NULL) {
                CHECK(check_no_settings(service, units_hardening_default_in));
                CHECK(check_no_settings(service, units_hardening_strict_in));
                ASSERT_NOT_CONTAINS(service, "NoNewPrivileges");
                ASSERT_NOT_CONTAINS(service, "PrivateTmp");
                ASSERT_NOT_CONTAINS(service, "ProtectSystem");
                ASSERT_NOT_CONTAINS(service, "ProtectHome");
                /* The rest of the service is all there. */
                ASSERT_HAS_LINE(service, "ExecStart=\"/usr/bin/node\" \"/srv/web/server.js\"");
                ASSERT_HAS_LINE(service, "SyslogIdentifier=web@%i");
                ASSERT_HAS_LINE(service, "WantedBy=web.target");
        }
}

/* ---- what an unprivileged user manager can apply ---- */

static void render_service_limited(const char *config, const SandboxLimits *limits, char **ret) {
        _cleanup_(app_list_done) AppList l = {};
        _cleanup_(unit_set_done) UnitSet s = {};
        _cleanup_free_ char *error = NULL;

        CHECK(load_app(config, CONFIG, &l));
        ASSERT_OK(render_app_units(&l.apps[0], SCOPE_USER, limits, &s, &error));
        ASSERT_TRUE(error == NULL);
        ASSERT_TRUE(file_text(&s, "web@.service"));
        *ret = strdup(file_text(&s, "web@.service"));
}

/* Every setting of `tmpl` but those named in `except` (keys, NULL-terminated) is in the service. */
static void check_has_settings_but(const char *service, const char *tmpl, const char *const *except) {
        _cleanup_strv_free_ char **lines = setting_lines(tmpl);
        for (size_t i = 0; lines[i]; i++) {
                bool skip = false;
                for (size_t k = 0; except[k]; k++)
                        skip = skip || (startswith(lines[i], except[k]) && lines[i][strlen(except[k])] == '=');
                if (skip) {
                        _cleanup_free_ char *key = strndup(lines[i], strcspn(lines[i], "=") + 1),
                                            *at_line_start = concat("\n", key, NULL);
                        ASSERT_NOT_CONTAINS(service, at_line_start);
                } else if (!streq(lines[i], "ProtectHome=yes"))
                        CHECK(check_in_section(service, lines[i], "[Service]"));
        }
}

TEST(render_limits_none_change_nothing) {
        _cleanup_free_ char *plain = NULL, *limited = NULL;
        const SandboxLimits none = {};

        /* The system manager and root's user manager: no limits, the same unit as without any. */
        CHECK(render_service(WEB_SHARED, SCOPE_USER, &plain));
        CHECK(render_service_limited(WEB_SHARED, &none, &limited));
        ASSERT_STREQ(limited, plain);
        ASSERT_NOT_CONTAINS(plain, "PrivateUsers");
}

TEST(render_unprivileged_user_manager) {
        _cleanup_free_ char *service = NULL, *in_container = NULL, *strict = NULL, *none = NULL;
        const SandboxLimits unprivileged = { .unprivileged = true },
                            container = { .unprivileged = true, .kmsg_masked = true };

        /* A user namespace of the unit's own lets it apply everything, capabilities too; it comes
         * first, after the level's comment. */
        CHECK(render_service_limited(WEB_SHARED, &unprivileged, &service));
        CHECK(check_in_section(service, "PrivateUsers=yes", "[Service]"));
        ASSERT_EQ_INT(count_lines_starting(service, "PrivateUsers="), 1);
        ASSERT_TRUE(strstr(service, "PrivateUsers=yes\nNoNewPrivileges=yes\n"));
        CHECK(check_has_settings(service, units_hardening_default_in, NULL));
        ASSERT_HAS_LINE(service, "CapabilityBoundingSet=");
        ASSERT_HAS_LINE(service, "ProtectKernelLogs=yes");

        /* In a container that mounted its own /proc/kmsg, all but ProtectKernelLogs=. */
        CHECK(render_service_limited(WEB_SHARED, &container, &in_container));
        CHECK(check_has_settings_but(in_container, units_hardening_default_in, PATHS("ProtectKernelLogs")));
        ASSERT_HAS_LINE(in_container, "PrivateUsers=yes");

        /* strict too, with home directories read-only as for every user manager. */
        CHECK(render_service_limited(WEB_SHARED "hardening = \"strict\";\n", &unprivileged, &strict));
        CHECK(check_has_settings(strict, units_hardening_strict_in, "ProtectHome=yes"));
        ASSERT_HAS_LINE(strict, "ProtectHome=read-only");
        ASSERT_HAS_LINE(strict, "PrivateUsers=yes");

        /* No hardening, no user namespace either. */
        CHECK(render_service_limited(WEB_SHARED "hardening = \"none\";\n", &unprivileged, &none));
        ASSERT_NOT_CONTAINS(none, "PrivateUsers");
        CHECK(check_no_settings(none, units_hardening_default_in));
}

TEST(render_unprivileged_without_user_namespaces) {
        _cleanup_free_ char *service = NULL, *strict = NULL;
        const SandboxLimits limits = { .unprivileged = true, .no_user_namespace = true };
        const char *const need_namespace[] = { "PrivateTmp", "PrivateDevices", "PrivateIPC", "ProtectSystem",
                                               "ProtectHome", "ProtectProc", "ProcSubset", "ProtectKernelTunables",
                                               "ProtectKernelModules", "ProtectKernelLogs", "ProtectControlGroups",
                                               "ProtectClock", "ProtectHostname", "CapabilityBoundingSet",
                                               "AmbientCapabilities", NULL };

        /* Only what needs neither capabilities nor a namespace: no_new_privs and seccomp filters. */
        CHECK(render_service_limited(WEB_SHARED, &limits, &service));
        ASSERT_NOT_CONTAINS(service, "PrivateUsers");
        CHECK(check_has_settings_but(service, units_hardening_default_in, need_namespace));
        ASSERT_HAS_LINE(service, "NoNewPrivileges=yes");
        ASSERT_HAS_LINE(service, "SystemCallFilter=@system-service");
        ASSERT_HAS_LINE(service, "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK");

        CHECK(render_service_limited(WEB_SHARED "hardening = \"strict\";\n", &limits, &strict));
        CHECK(check_has_settings_but(strict, units_hardening_strict_in, need_namespace));
        ASSERT_HAS_LINE(strict, "UMask=0077");
        ASSERT_HAS_LINE(strict, "KeyringMode=private");
}

/* An instance that hits the start rate limit makes the manager fail the socket it shares with
 * the others, and NonBlocking= keeps one instance's start from switching the shared open file
 * description back to blocking: both are for a shared socket only. */
static void check_shared_socket_settings(const char *config, bool shared_socket) {
        _cleanup_free_ char *service = NULL;

        CHECK(render_service(config, SCOPE_USER, &service));
        if (shared_socket) {
                CHECK(check_in_section(service, "StartLimitIntervalSec=0", "[Unit]"));
                CHECK(check_in_section(service, "NonBlocking=yes", "[Service]"));
        } else {
                ASSERT_NOT_CONTAINS(service, "StartLimitIntervalSec");
                ASSERT_NOT_CONTAINS(service, "NonBlocking");
        }
}

TEST(render_start_limit_and_nonblocking_only_with_shared_socket) {
#define WEB_NO_LISTEN "name = \"web\";\nexec = \"/usr/bin/node /srv/web/server.js\";\n"
        static const struct {
                const char *config;
                bool shared_socket;
        } cases[] = {
                { WEB_NO_LISTEN "listen = 3000;\n", true },
                { WEB_NO_LISTEN "listen = \"3000\";\nsocket_mode = \"shared\";\n", true },
                { WEB_NO_LISTEN "listen = ( \"3000\", \"/run/web.sock\" );\n", true },
                { WEB_NO_LISTEN "listen = 3000;\nsocket_mode = \"reuseport\";\n", false },
                { WEB_NO_LISTEN "listen = ( \"3000\", \"[::1]:3000\" );\nsocket_mode = \"reuseport\";\n", false },
                { WEB_NO_LISTEN, false },
                { WEB_NO_LISTEN "socket_mode = \"shared\";\n", false },
                { WEB_NO_LISTEN "socket_mode = \"reuseport\";\n", false },
        };
#undef WEB_NO_LISTEN
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                check_shared_socket_settings(cases[i].config, cases[i].shared_socket);
                if (test_failed_) {
                        printf("    (case %zu, config:\n%s)\n", i, cases[i].config);
                        return;
                }
        }
}

TEST(unit_name_instance) {
        _cleanup_free_ char *a = NULL, *b = NULL;
        ASSERT_OK(unit_name_instance("web", 3, ".service", &a));
        ASSERT_STREQ(a, "web@3.service");
        ASSERT_OK(unit_name_instance("api_2", 1023, ".socket", &b));
        ASSERT_STREQ(b, "api_2@1023.socket");
}

/* ---- marker ---- */

TEST(marker_on_every_file) {
        _cleanup_(app_list_done) AppList l = {};
        _cleanup_(unit_set_done) UnitSet s = {};

        CHECK(load_app(WEB_SYSTEM, "/etc/c%i 100%/web.conf", &l));
        CHECK(render_ok(&l.apps[0], SCOPE_SYSTEM, &s));
        for (size_t i = 0; i < s.n_files; i++) {
                const char *t = s.files[i].text;
                _cleanup_free_ char *app = marker_get(t, "App"), *config = marker_get(t, "Config"),
                                    *hash = marker_get(t, "Hash");

                /* The generated-file header, for a human. */
                ASSERT_TRUE(startswith(t, "# Generated by clusterctl from /etc/c%i 100%/web.conf\n"));
                ASSERT_HAS_LINE(t, "[X-Clusterctl]");
                ASSERT_TRUE(marker_find(t, "web"));
                ASSERT_TRUE(marker_find(t, NULL));
                ASSERT_FALSE(marker_find(t, "api"));
                ASSERT_FALSE(marker_find(t, "we"));
                ASSERT_STREQ(app, "web");
                ASSERT_STREQ(config, "/etc/c%%i 100%%/web.conf"); /* escaped like any value */
                ASSERT_TRUE(hash && strlen(hash) == 16);
                ASSERT_TRUE(marker_get(t, "Nope") == NULL);
                ASSERT_TRUE(marker_hash_matches(t));
        }
}

TEST(marker_absent) {
        static const char *const texts[] = {
                "",
                "[Service]\nExecStart=/bin/true\n",
                "[Service]\nX-Clusterctl=App=web\n",
                "# [X-Clusterctl]\nApp=web\n",
                "[X-Clusterctl]\nApp=web\n", /* the section must follow a newline: files never start with it */
        };
        for (size_t i = 0; i < ELEMENTSOF(texts); i++) {
                ASSERT_FALSE(marker_find(texts[i], NULL));
                ASSERT_FALSE(marker_find(texts[i], "web"));
                ASSERT_FALSE(marker_hash_matches(texts[i]));
                ASSERT_TRUE(marker_get(texts[i], "App") == NULL);
        }
        /* The marker's keys are read from its own section only. */
        ASSERT_TRUE(marker_get("x\n[X-Clusterctl]\nConfig=/c\n[Service]\nApp=evil\n", "App") == NULL);
}

TEST(marker_hash_detects_edits_before_hash) {
        _cleanup_(app_list_done) AppList l = {};
        _cleanup_(unit_set_done) UnitSet s = {};

        CHECK(load_app(WEB_SYSTEM, CONFIG, &l));
        CHECK(render_ok(&l.apps[0], SCOPE_SYSTEM, &s));
        for (size_t f = 0; f < s.n_files; f++) {
                _cleanup_free_ char *t = strdup(s.files[f].text);
                const char *hash_line = strstr(t, "\nHash=");
                ASSERT_TRUE(t && hash_line);
                ASSERT_TRUE(marker_hash_matches(t));
                /* Every single-byte edit of the body or the marker must be noticed. */
                for (size_t i = 0; i <= (size_t) (hash_line - t); i++) {
                        char saved = t[i];
                        t[i] = saved == 'x' ? 'y' : 'x';
                        if (marker_hash_matches(t))
                                FAIL("%s: editing byte %zu ('%c' → '%c') went unnoticed", s.files[f].path, i, saved,
                                     t[i]);
                        t[i] = saved;
                }
                ASSERT_TRUE(marker_hash_matches(t));
        }
}

/* The Hash= line is the file's last line, exactly "Hash=<16 lowercase hex digits>\n": a section
 * appended after the marker ("[Service]\nExecStartPre=/bin/evil"), a changed final newline or
 * uppercased digits are edits, and do not match. */
TEST(marker_hash_detects_edits_after_hash) {
        _cleanup_(app_list_done) AppList l = {};
        _cleanup_(unit_set_done) UnitSet s = {};
        _cleanup_free_ char *appended = NULL, *newline = NULL, *upper = NULL;

        CHECK(load_app(WEB_SYSTEM, CONFIG, &l));
        CHECK(render_ok(&l.apps[0], SCOPE_SYSTEM, &s));
        const char *t = file_text(&s, "web@.service");
        ASSERT_TRUE(endswith(t, "\n"));

        appended = concat(t, "[Service]\nExecStartPre=/bin/evil\n", NULL);
        ASSERT_FALSE(marker_hash_matches(appended));

        newline = strdup(t);
        newline[strlen(newline) - 1] = 'x';
        ASSERT_FALSE(marker_hash_matches(newline));

        upper = strdup(t);
        for (char *p = strstr(upper, "\nHash=") + 6; *p && *p != '\n'; p++)
                *p = (char) toupper((unsigned char) *p);
        if (!streq(upper, t)) /* all-digit hashes have no case */
                ASSERT_FALSE(marker_hash_matches(upper));
}

TEST(app_from_marker_round_trip) {
        _cleanup_(app_list_done) AppList l = {};
        _cleanup_(unit_set_done) UnitSet s = {};
        _cleanup_(app_done) App from = {};

        CHECK(load_app(WEB_SYSTEM "env = { PORT = \"3000\"; };\nincrement_var = \"PORT\";\n",
                       "/etc/c%c/web 100%%.conf", &l));
        CHECK(render_ok(&l.apps[0], SCOPE_SYSTEM, &s));
        const char *service = file_text(&s, "web@.service");
        ASSERT_HAS_LINE(service, "IncrementVar=PORT:3000");

        ASSERT_OK(app_from_marker(service, &from));
        ASSERT_STREQ(from.name, "web");
        ASSERT_STREQ(from.config_path, "/etc/c%c/web 100%%.conf"); /* unescaped back */
        ASSERT_STREQ(from.increment_var, "PORT");
        ASSERT_EQ_INT(from.increment_base, 3000);

        /* What scale does: the drop-in from the marker equals the one from the config. */
        for (unsigned k = 0; k < 5; k++) {
                _cleanup_free_ UnitFile *a = NULL, *b = NULL;
                ASSERT_OK(render_instance_dropin(&l.apps[0], k, &a));
                ASSERT_OK(render_instance_dropin(&from, k, &b));
                ASSERT_TRUE(a && b);
                ASSERT_STREQ(a->path, b->path);
                ASSERT_STREQ(a->text, b->text);
                free(a->path), free(a->text), free(b->path), free(b->text);
        }
}

TEST(app_from_marker_without_increment) {
        _cleanup_(app_list_done) AppList l = {};
        _cleanup_(unit_set_done) UnitSet s = {};
        _cleanup_(app_done) App from = {};
        UnitFile *f = (UnitFile *) 1;

        CHECK(load_app(WEB_SYSTEM, CONFIG, &l));
        CHECK(render_ok(&l.apps[0], SCOPE_SYSTEM, &s));
        ASSERT_NOT_CONTAINS(file_text(&s, "web@.service"), "IncrementVar=");
        ASSERT_OK(app_from_marker(file_text(&s, "web@.service"), &from));
        ASSERT_STREQ(from.name, "web");
        ASSERT_STREQ(from.config_path, CONFIG);
        ASSERT_TRUE(from.increment_var == NULL);
        ASSERT_OK(render_instance_dropin(&from, 0, &f));
        ASSERT_TRUE(f == NULL);
}

TEST(app_from_marker_refuses_bad_markers) {
        static const char *const bad[] = {
                "[Service]\n",
                "x\n[X-Clusterctl]\nConfig=/c\n",
                "x\n[X-Clusterctl]\nApp=web\n",
                "x\n[X-Clusterctl]\nApp=web\nConfig=/c\nIncrementVar=PORT\n",
                "x\n[X-Clusterctl]\nApp=web\nConfig=/c\nIncrementVar=PORT:30x\n",
                "x\n[X-Clusterctl]\nApp=web\nConfig=/c\nIncrementVar=1X:3000\n",
                "x\n[X-Clusterctl]\nApp=web\nConfig=/c\nIncrementVar=A B:3000\n",
        };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                App app = { .name = (char *) "untouched" };
                int r = app_from_marker(bad[i], &app);
                if (r != -EBADMSG)
                        FAIL("app_from_marker(\"%s\") = %d, expected -EBADMSG", bad[i], r);
                ASSERT_STREQ(app.name, "untouched");
        }
}

/* A damaged marker's "IncrementVar=PORT:" (no number) is refused with -EBADMSG like the other
 * malformed values, not read as base 0 (strtol("") is 0 with *end == 0), which would renumber
 * every instance from 0. */
TEST(app_from_marker_refuses_empty_increment_base) {
        _cleanup_(app_done) App app = {};
        ASSERT_EQ_INT(app_from_marker("x\n[X-Clusterctl]\nApp=web\nConfig=/c\nIncrementVar=PORT:\n", &app), -EBADMSG);
}

/* ---- per-instance drop-ins ---- */

TEST(render_instance_dropin) {
        _cleanup_(app_list_done) AppList l = {};
        _cleanup_free_ UnitFile *f = NULL;
        _cleanup_free_ char *path = NULL, *text = NULL;

        CHECK(load_app(WEB_SHARED "env = { PORT = 3000; };\nincrement_var = \"PORT\";\n", CONFIG, &l));
        ASSERT_OK(render_instance_dropin(&l.apps[0], 2, &f));
        ASSERT_TRUE(f != NULL);
        path = f->path;
        text = f->text;
        ASSERT_STREQ(path, "web@2.service.d/" INSTANCE_DROPIN);
        _cleanup_free_ char *where = NULL;
        ASSERT_OK(render_instance_dropin_path("web", 2, &where));
        ASSERT_STREQ(where, path);
        ASSERT_HAS_LINE(text, "[Service]");
        ASSERT_HAS_LINE(text, "Environment=\"PORT=3002\"");
        ASSERT_NOT_CONTAINS(text, "PORT=3000");
        ASSERT_TRUE(marker_find(text, "web"));
        ASSERT_TRUE(marker_hash_matches(text));
}

TEST(render_app_all) {
        _cleanup_(app_list_done) AppList inc = {}, plain = {};
        _cleanup_(unit_set_done) UnitSet a = {}, b = {};
        _cleanup_free_ char *error = NULL;

        CHECK(load_app(WEB_SYSTEM "env = { PORT = 8000; };\nincrement_var = \"PORT\";\n", CONFIG, &inc));
        ASSERT_OK(render_app_all(&inc.apps[0], SCOPE_SYSTEM, NULL, 3, &a, &error));
        CHECK(check_paths(&a, PATHS("web@.service", "web.target", "web.socket", "web@0.service.d/" INSTANCE_DROPIN,
                                    "web@1.service.d/" INSTANCE_DROPIN, "web@2.service.d/" INSTANCE_DROPIN)));
        ASSERT_HAS_LINE(file_text(&a, "web@0.service.d/" INSTANCE_DROPIN), "Environment=\"PORT=8000\"");
        ASSERT_HAS_LINE(file_text(&a, "web@2.service.d/" INSTANCE_DROPIN), "Environment=\"PORT=8002\"");

        /* Nothing differs per instance: no drop-ins at all. */
        CHECK(load_app(WEB_SYSTEM, CONFIG, &plain));
        ASSERT_OK(render_app_all(&plain.apps[0], SCOPE_SYSTEM, NULL, 3, &b, &error));
        CHECK(check_paths(&b, PATHS("web@.service", "web.target", "web.socket")));
}

/* ---- hostile configs ---- */

/* Values that would break a unit if they were not escaped (no control characters: those the
 * config refuses). */
static const char *const hostile[] = {
        "%i", "%%", "100%", "%n%N%u%h", "[Service]", "[Install]", "\"", "'", "\\", "ends\\", "\\n\\x41",
        "$HOME", "${X}", "$$", "$", ";", "a ; b", "#hash", "=", "K=V", "", " spaced ",
        "ExecStartPre=/bin/false", "\xc2\x85" "nel \xe2\x80\xa8 ls", "h\xc3\xa9llo \xf0\x9f\x98\x80",
};
#define HOSTILE_CWD "/srv/a %i [Service] \"q\" 'r' \\x41 $HOME ;#"
#define HOSTILE_ENV_FILE "/etc/web %n [Unit] \"x\".env"
#define HOSTILE_CONFIG "/etc/cc %i [Service] \"x\"/web.conf"

/* s as a libconfig string literal. */
static char *libconfig_quote(const char *s) {
        Buffer b = {};
        buffer_puts(&b, "\"");
        for (const char *p = s; *p; p++) {
                if (*p == '"' || *p == '\\')
                        buffer_puts(&b, "\\");
                buffer_append(&b, p, 1);
        }
        buffer_puts(&b, "\"");
        return buffer_steal(&b);
}

/* The same app twice: with plain values, or with hostile ones in every free-text place.
 * hardening: the key's value, or NULL for no key (the default). */
static char *app_config(const char *name, bool hostile_values, const char *socket_mode, const char *hardening) {
        Buffer b = {};
        size_t n = ELEMENTSOF(hostile);

        buffer_printf(&b, "name = \"%s\";\nexec = [ \"/bin/true\"", name);
        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *q = libconfig_quote(hostile_values ? hostile[i] : "arg");
                buffer_printf(&b, ", %s", q);
        }
        buffer_puts(&b, " ];\nenv = {\n");
        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *q = libconfig_quote(hostile_values ? hostile[i] : "value");
                buffer_printf(&b, "  H%zu = %s;\n", i, q);
        }
        _cleanup_free_ char *cwd = libconfig_quote(hostile_values ? HOSTILE_CWD : "/srv/web"),
                            *env_file = libconfig_quote(hostile_values ? HOSTILE_ENV_FILE : "/etc/web.env");
        buffer_printf(&b, "};\ncwd = %s;\nenv_file = %s;\nlisten = \"127.0.0.1:3000\";\nsocket_mode = \"%s\";\n", cwd,
                      env_file, socket_mode);
        if (hardening)
                buffer_printf(&b, "hardening = \"%s\";\n", hardening);
        return buffer_steal(&b);
}

/* Every line is blank, a comment, a [Section] or Key=value. Returns the line shapes ("[Section]" or
 * "Key=") and the specifiers ("Key=%i") in order, to compare a hostile rendering with a plain one. */
static void check_structure(const char *path, const char *text, char ***ret_shape, char ***ret_specifiers) {
        _cleanup_strv_free_ char **shape = NULL, **specifiers = NULL;

        for (const char *line = text; *line;) {
                const char *nl = strchr(line, '\n');
                size_t len = nl ? (size_t) (nl - line) : strlen(line);
                _cleanup_free_ char *l = strndup(line, len);
                line += len + (nl ? 1 : 0);

                if (!nl)
                        FAIL("%s: last line has no newline: %s", path, l);
                if (len == 0 || l[0] == '#')
                        continue; /* comments are never parsed: specifiers there are harmless */
                if (l[0] == '[') {
                        if (l[len - 1] != ']' || strchr(l + 1, '[') || strchr(l, ']') != l + len - 1)
                                FAIL("%s: malformed section header: %s", path, l);
                        ASSERT_OK(strv_extend(&shape, l));
                        continue;
                }
                size_t key = strspn(l, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");
                if (key == 0 || l[key] != '=' || !(l[0] >= 'A' && l[0] <= 'Z'))
                        FAIL("%s: line is not Key=value: %s", path, l);
                _cleanup_free_ char *k = strndup(l, key + 1);
                ASSERT_OK(strv_extend(&shape, k));
                if (l[len - 1] == '\\')
                        FAIL("%s: line ends in a backslash (continues onto the next): %s", path, l);
                for (const char *p = l + key + 1; (p = strchr(p, '%')); p += 2) {
                        if (p[1] == '%')
                                continue;
                        char *spec = NULL;
                        ASSERT_OK(asprintf_safe(&spec, "%s%%%c", k, p[1]));
                        ASSERT_OK(strv_push(&specifiers, spec));
                        if (!p[1])
                                break;
                }
        }
        *ret_shape = TAKE_PTR(shape);
        *ret_specifiers = TAKE_PTR(specifiers);
}

static void check_hostile_structure(const char *socket_mode) {
        _cleanup_free_ char *plain_text = app_config("web", false, socket_mode, NULL),
                            *hostile_text = app_config("web", true, socket_mode, NULL);
        _cleanup_(app_list_done) AppList plain = {}, evil = {};
        _cleanup_(unit_set_done) UnitSet ps = {}, hs = {};

        CHECK(load_app(plain_text, CONFIG, &plain));
        CHECK(load_app(hostile_text, HOSTILE_CONFIG, &evil));
        CHECK(render_ok(&plain.apps[0], SCOPE_USER, &ps));
        CHECK(render_ok(&evil.apps[0], SCOPE_USER, &hs));
        ASSERT_EQ_INT(hs.n_files, ps.n_files);

        for (size_t i = 0; i < ps.n_files; i++) {
                const UnitFile *p = &ps.files[i], *h = unit_set_find(&hs, p->path);
                _cleanup_strv_free_ char **p_shape = NULL, **p_spec = NULL, **h_shape = NULL, **h_spec = NULL;

                ASSERT_TRUE(h != NULL);
                CHECK(check_structure(p->path, p->text, &p_shape, &p_spec));
                CHECK(check_structure(h->path, h->text, &h_shape, &h_spec));
                /* Same sections, same keys, in the same order: nothing added, nothing lost. */
                ASSERT_EQ_INT(strv_length(h_shape), strv_length(p_shape));
                for (size_t k = 0; p_shape[k]; k++)
                        ASSERT_STREQ(h_shape[k], p_shape[k]);
                /* The only specifiers are the template's own %i, in the same places. */
                ASSERT_EQ_INT(strv_length(h_spec), strv_length(p_spec));
                for (size_t k = 0; p_spec && p_spec[k]; k++) {
                        ASSERT_STREQ(h_spec[k], p_spec[k]);
                        ASSERT_TRUE(endswith(p_spec[k], "%i"));
                }
                ASSERT_TRUE(marker_hash_matches(h->text));
                ASSERT_TRUE(marker_find(h->text, "web"));
        }
        /* And the hostile values did get in (escaped), so the comparison above meant something. */
        ASSERT_CONTAINS(file_text(&hs, "web@.service"), "\"H0=%%i\"");
        ASSERT_CONTAINS(file_text(&hs, "web@.service"), "WorkingDirectory=/srv/a %%i [Service]");
}

TEST(hostile_config_keeps_structure_shared) {
        CHECK(check_hostile_structure("shared"));
}

TEST(hostile_config_keeps_structure_reuseport) {
        CHECK(check_hostile_structure("reuseport"));
}

/* What systemd parsed from the sandboxing of each level (its dump of the service), so that a
 * setting it ignored or read otherwise shows. */
static void check_hardening_dump(const char *out, const char *hardening, Scope scope) {
        static const struct {
                const char *level;
                Scope scope;
                const char *private_tmp, *protect_system, *protect_home;
        } want[] = {
                { "none", SCOPE_SYSTEM, "no", "no", "no" },
                { "none", SCOPE_USER, "no", "no", "no" },
                { "default", SCOPE_SYSTEM, "yes", "full", "read-only" },
                { "default", SCOPE_USER, "yes", "full", "read-only" },
                { "strict", SCOPE_SYSTEM, "yes", "strict", "yes" },
                { "strict", SCOPE_USER, "yes", "strict", "read-only" }, /* see render_hardening_strict */
        };
        const char *level = hardening ? hardening : "default";

        for (size_t i = 0; i < ELEMENTSOF(want); i++) {
                if (!streq(want[i].level, level) || want[i].scope != scope)
                        continue;
                _cleanup_strv_free_ char **tmp = dump_values(out, "\t\tPrivateTmp: "),
                                         **sys = dump_values(out, "\t\tProtectSystem: "),
                                         **home = dump_values(out, "\t\tProtectHome: ");
                ASSERT_EQ_INT(strv_length(tmp), 1);
                ASSERT_EQ_INT(strv_length(sys), 1);
                ASSERT_EQ_INT(strv_length(home), 1);
                ASSERT_STREQ(tmp[0], want[i].private_tmp);
                ASSERT_STREQ(sys[0], want[i].protect_system);
                ASSERT_STREQ(home[0], want[i].protect_home);
                return;
        }
        FAIL("no expectations for hardening = \"%s\"", level);
}

/* Writes the rendered units to DIR/units and asks systemd-analyze what it makes of them: no
 * complaint about our files, and the parsed values are exactly the config's. hardening: as for
 * app_config. */
static void check_verify(const char *socket_mode, bool hostile_values, const char *hardening) {
        _cleanup_tmpdir_ char *dir = tmpdir_new();
        _cleanup_free_ char *text = app_config("ccverify", hostile_values, socket_mode, hardening), *units = NULL,
                            *complaints = NULL, *socket = NULL;
        _cleanup_(app_list_done) AppList l = {};
        _cleanup_(unit_set_done) UnitSet s = {};
        const char *analyze;

        REQUIRE_SYSTEMD_ANALYZE(analyze);
        ASSERT_TRUE(dir);
        units = concat(dir, "/units", NULL);
        CHECK(load_app(text, hostile_values ? HOSTILE_CONFIG : CONFIG, &l));
        const App *app = &l.apps[0];
        CHECK(render_ok(app, SCOPE_USER, &s));
        for (size_t i = 0; i < s.n_files; i++)
                ASSERT_OK(write_file(units, s.files[i].path, s.files[i].text));

        socket = streq(socket_mode, "shared") ? strdup("ccverify.socket") : strdup("ccverify@0.socket");
        char *const names[] = { "ccverify@0.service", "ccverify.target", socket, NULL };

        {
                _cleanup_(analyze_result_done) AnalyzeResult plain = {};
                ASSERT_OK(analyze_verify(analyze, dir, units, names, true, false, &plain));
                complaints = analyze_complaints(&plain, units, names);
                if (plain.exit_status != 0 || *complaints)
                        FAIL("systemd-analyze verify --user: exit status %d, complaints:\n%s\nfull stderr:\n%s",
                             plain.exit_status, complaints, plain.err);
        }

        /* Compare the parsed service with the App. */
        _cleanup_(analyze_result_done) AnalyzeResult debug = {};
        _cleanup_strv_free_ char **cmd = NULL, **argv = NULL, **env = NULL, **wd = NULL, **ef = NULL;
        char *const service_only[] = { "ccverify@0.service", NULL };
        ASSERT_OK(analyze_verify(analyze, dir, units, service_only, true, true, &debug));
        ASSERT_EQ_INT(debug.exit_status, 0);

        cmd = dump_values(debug.out, "\t\t\tCommand Line: ");
        if (strv_length(cmd) != 1)
                FAIL("expected one 'Command Line:' in the dump, got %zu:\n%s", strv_length(cmd), debug.out);
        ASSERT_OK(dump_split_command_line(cmd[0], &argv));
        ASSERT_EQ_INT(strv_length(argv), strv_length(app->argv));
        for (size_t i = 0; app->argv[i]; i++) {
                _cleanup_free_ char *at_exec = NULL;
                if (exec_time_dollars(argv[i], &at_exec) < 0)
                        FAIL("ExecStart argument %zu would be subject to variable substitution: %s", i, argv[i]);
                ASSERT_STREQ(at_exec, app->argv[i]);
        }

        env = dump_values(debug.out, "\t\tEnvironment: ");
        ASSERT_EQ_INT(strv_length(env), app->n_env + 1);
        for (size_t i = 0; i < app->n_env; i++) {
                _cleanup_free_ char *want = concat(app->env[i].name, "=", app->env[i].value, NULL);
                if (!strv_contains(env, want))
                        FAIL("Environment %s missing from the dump (got %s…)", want, env[0]);
        }
        ASSERT_TRUE(strv_contains(env, "NODE_APP_INSTANCE=0")); /* %i, expanded by systemd */

        wd = dump_values(debug.out, "\t\tWorkingDirectory: ");
        ASSERT_EQ_INT(strv_length(wd), 1);
        ASSERT_STREQ(wd[0], app->cwd);

        ef = dump_values(debug.out, "\t\tEnvironmentFile: ");
        ASSERT_EQ_INT(strv_length(ef), 1);
        ASSERT_STREQ(ef[0], app->env_file);

        CHECK(check_hardening_dump(debug.out, hardening, SCOPE_USER));
}

TEST(systemd_verify_plain_shared) {
        CHECK(check_verify("shared", false, NULL));
}

TEST(systemd_verify_hostile_shared) {
        CHECK(check_verify("shared", true, NULL));
}

TEST(systemd_verify_hostile_reuseport) {
        CHECK(check_verify("reuseport", true, NULL));
}

/* Every hardening level, in both socket modes (reuseport has no StartLimitIntervalSec= and no
 * NonBlocking=). */
TEST(systemd_verify_hardening_none) {
        CHECK(check_verify("shared", false, "none"));
        CHECK(check_verify("reuseport", true, "none"));
}

TEST(systemd_verify_hardening_default) {
        CHECK(check_verify("shared", true, "default"));
        CHECK(check_verify("reuseport", false, "default"));
}

TEST(systemd_verify_hardening_strict) {
        CHECK(check_verify("shared", false, "strict"));
        CHECK(check_verify("reuseport", true, "strict"));
}

/* User= and Group= only exist for the system manager: verify there, at each hardening level. */
static void check_verify_system(const char *hardening) {
        _cleanup_tmpdir_ char *dir = tmpdir_new();
        _cleanup_free_ char *units = NULL, *complaints = NULL, *text = NULL;
        _cleanup_(app_list_done) AppList l = {};
        _cleanup_(unit_set_done) UnitSet s = {};
        _cleanup_(analyze_result_done) AnalyzeResult r = {}, debug = {};
        char *const names[] = { "ccverify@0.service", "ccverify.target", "ccverify.socket", NULL };
        char *const service_only[] = { "ccverify@0.service", NULL };
        _cleanup_strv_free_ char **user = NULL;
        const char *analyze;

        REQUIRE_SYSTEMD_ANALYZE(analyze);
        ASSERT_TRUE(dir);
        units = concat(dir, "/units", NULL);
        text = concat("name = \"ccverify\";\nexec = \"/bin/true\";\nuser = \"daemon\";\ngroup = \"daemon\";\n"
                      "listen = ( \"3000\", \"/run/ccverify.sock\" );\nmemory_max = \"1G\";\ncpu_weight = 50;\n"
                      "kill_signal = \"SIGINT\";\nkill_timeout = 3;\nrestart_delay = 0.5;\nhardening = \"",
                      hardening, "\";\n", NULL);
        CHECK(load_app(text, CONFIG, &l));
        CHECK(render_ok(&l.apps[0], SCOPE_SYSTEM, &s));
        for (size_t i = 0; i < s.n_files; i++)
                ASSERT_OK(write_file(units, s.files[i].path, s.files[i].text));
        ASSERT_OK(analyze_verify(analyze, dir, units, names, false, false, &r));
        complaints = analyze_complaints(&r, units, names);
        if (r.exit_status != 0 || *complaints)
                FAIL("systemd-analyze verify (hardening = \"%s\"): exit status %d, complaints:\n%s\nfull stderr:\n%s",
                     hardening, r.exit_status, complaints, r.err);

        ASSERT_OK(analyze_verify(analyze, dir, units, service_only, false, true, &debug));
        ASSERT_EQ_INT(debug.exit_status, 0);
        user = dump_values(debug.out, "\t\tUser: ");
        ASSERT_EQ_INT(strv_length(user), 1);
        ASSERT_STREQ(user[0], "daemon");
        CHECK(check_hardening_dump(debug.out, hardening, SCOPE_SYSTEM));
}

TEST(systemd_verify_system_with_user) {
        CHECK(check_verify_system("none"));
        CHECK(check_verify_system("default"));
        CHECK(check_verify_system("strict"));
}

/* The per-instance drop-in is where systemd looks for it, and its value wins over the template's. */
TEST(systemd_verify_instance_dropin) {
        _cleanup_tmpdir_ char *dir = tmpdir_new();
        _cleanup_free_ char *units = NULL, *error = NULL;
        _cleanup_(app_list_done) AppList l = {};
        _cleanup_(unit_set_done) UnitSet s = {};
        _cleanup_(analyze_result_done) AnalyzeResult r = {};
        _cleanup_strv_free_ char **env = NULL;
        char *const names[] = { "ccverify@2.service", NULL };
        const char *analyze;

        REQUIRE_SYSTEMD_ANALYZE(analyze);
        ASSERT_TRUE(dir);
        units = concat(dir, "/units", NULL);
        CHECK(load_app("name = \"ccverify\";\nexec = \"/bin/true\";\nenv = { PORT = 3000; };\nincrement_var = \"PORT\";\n",
                       CONFIG, &l));
        ASSERT_OK(render_app_all(&l.apps[0], SCOPE_USER, NULL, 3, &s, &error));
        for (size_t i = 0; i < s.n_files; i++)
                ASSERT_OK(write_file(units, s.files[i].path, s.files[i].text));
        ASSERT_OK(analyze_verify(analyze, dir, units, names, true, true, &r));
        ASSERT_EQ_INT(r.exit_status, 0);
        env = dump_values(r.out, "\t\tEnvironment: ");
        ASSERT_TRUE(strv_contains(env, "PORT=3002"));
        ASSERT_FALSE(strv_contains(env, "PORT=3000"));
        ASSERT_TRUE(strv_contains(env, "NODE_APP_INSTANCE=2"));
}

/* systemd substitutes $VAR even in the path the process sees as argv[0], and runs no executable
 * whose name has quotes or backslashes: the config refuses such a path at its line, rather than
 * render a unit that would run something else or not start. */
TEST(executable_path_with_dollar_or_quote_is_refused) {
        static const char *const paths[] = { "/opt/d$x/app", "/opt/it's/app", "/opt/back\\slash/app" };
        for (size_t i = 0; i < ELEMENTSOF(paths); i++) {
                _cleanup_(app_list_done) AppList l = {};
                _cleanup_(config_error_done) ConfigError e = {};
                _cleanup_free_ char *text = concat("name = \"web\";\ncwd = \"/srv\";\nexec = [ \"", paths[i],
                                                   "\", \"$x\" ];\n", NULL);
                ASSERT_TRUE(config_load_string(text, CONFIG, &l, &e) < 0);
                ASSERT_EQ_INT(e.line, 3);
                ASSERT_CONTAINS(e.message, "has a quote, backslash or '$' in its path");
        }
}

/* The verify tests can fail: a unit with a broken line is reported. */
TEST(systemd_verify_reports_broken_unit) {
        _cleanup_tmpdir_ char *dir = tmpdir_new();
        _cleanup_free_ char *units = NULL, *complaints = NULL;
        _cleanup_(analyze_result_done) AnalyzeResult r = {};
        char *const names[] = { "broken.service", NULL };
        const char *analyze;

        REQUIRE_SYSTEMD_ANALYZE(analyze);
        ASSERT_TRUE(dir);
        units = concat(dir, "/units", NULL);
        ASSERT_OK(write_file(units, "broken.service", "[Service]\nExecStart=/bin/true\nEnvironment=\"A B=1\"\nBogus=1\n"));
        ASSERT_OK(analyze_verify(analyze, dir, units, names, true, false, &r));
        complaints = analyze_complaints(&r, units, names);
        ASSERT_CONTAINS(complaints, "broken.service:3:");
        ASSERT_CONTAINS(complaints, "broken.service:4: Unknown key");
}

/* render is the boundary itself: it refuses what the config would have, even in an App that did
 * not come from config_load (as scale's does, from a marker), and says which value. */
TEST(render_refuses_unsafe_values) {
        static const struct {
                const char *what, *value, *message;
        } cases[] = {
                { "argv", "a\nb", "exec: argument" },
                { "cwd", "/srv/web\n[Service]", "cwd" },
                { "cwd", "/srv/web ", "cwd" },
                { "env_file", "/etc/web.env\\", "env_file" },
                { "env", "x\ny", "env.A" },
                { "listen", "/run/web\n.sock", "listen" },
                { "user", "nobody\n", "user" },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_(app_list_done) AppList l = {};
                _cleanup_(unit_set_done) UnitSet s = {};
                _cleanup_free_ char *error = NULL;

                CHECK(load_app(WEB_SHARED "env = { A = \"ok\"; };\nuser = \"nobody\";\n", CONFIG, &l));
                App *app = &l.apps[0];
                char **field = streq(cases[i].what, "argv")       ? &app->argv[1]
                               : streq(cases[i].what, "cwd")      ? &app->cwd
                               : streq(cases[i].what, "env_file") ? &app->env_file
                               : streq(cases[i].what, "env")      ? &app->env[0].value
                               : streq(cases[i].what, "listen")   ? &app->listen[0]
                                                                  : &app->user;
                free(*field);
                *field = strdup(cases[i].value);
                int r = render_app_units(app, SCOPE_SYSTEM, NULL, &s, &error);
                if (r >= 0)
                        FAIL("%s = \"%s\" was rendered", cases[i].what, cases[i].value);
                ASSERT_EQ_INT(s.n_files, 0);
                ASSERT_TRUE(error != NULL);
                ASSERT_CONTAINS(error, cases[i].message);
        }
}

/* A config path with a newline is refused with a message: written into the "# Generated by
 * clusterctl from …" comment it would add a line to the unit. */
TEST(render_refuses_config_path_with_newline) {
        _cleanup_(app_list_done) AppList l = {};
        _cleanup_(unit_set_done) UnitSet s = {};
        _cleanup_free_ char *error = NULL;

        CHECK(load_app(WEB_SYSTEM, CONFIG, &l)); /* renderable but for the path */
        free(l.apps[0].config_path);
        l.apps[0].config_path = strdup("/etc/x\n[Service]\nExecStartPre=/bin/evil\n#/web.conf");
        ASSERT_TRUE(render_app_units(&l.apps[0], SCOPE_SYSTEM, NULL, &s, &error) < 0);
        ASSERT_TRUE(error != NULL);
        ASSERT_EQ_INT(s.n_files, 0);
}

/* Every failure of render_app_units says why in *ret_error, here a config path that cannot be
 * escaped (a trailing space). */
TEST(render_error_always_has_a_message) {
        _cleanup_(app_list_done) AppList l = {};
        _cleanup_(unit_set_done) UnitSet s = {};
        _cleanup_free_ char *error = NULL;

        CHECK(load_app(WEB_SYSTEM, CONFIG, &l)); /* renderable but for the path */
        free(l.apps[0].config_path);
        l.apps[0].config_path = strdup("/etc/clusterctl/web.conf ");
        ASSERT_TRUE(render_app_units(&l.apps[0], SCOPE_SYSTEM, NULL, &s, &error) < 0);
        ASSERT_TRUE(error != NULL);
}

/* hardening = "strict" hides home directories from system services (ProtectHome=yes): an app
 * living there is refused when rendering for the system manager, and fine for a user manager
 * (rendered ProtectHome=read-only, so its notify socket in /run/user stays reachable). */
TEST(strict_refuses_home_for_system_scope) {
#define HOME_APP(cwd) "name = \"web\";\nexec = \"/usr/bin/node server.js\";\nuser = \"www-data\";\ncwd = \"" cwd "\";\n"
        static const char *const texts[] = {
                HOME_APP("/home/web/app") "hardening = \"strict\";\n",
                HOME_APP("/root") "hardening = \"strict\";\n",
        };
        for (size_t i = 0; i < ELEMENTSOF(texts); i++) {
                _cleanup_(app_list_done) AppList l = {};
                _cleanup_(unit_set_done) UnitSet sys = {}, user = {};
                _cleanup_free_ char *error = NULL, *user_error = NULL;

                CHECK(load_app(texts[i], CONFIG, &l));
                ASSERT_TRUE(render_app_units(&l.apps[0], SCOPE_SYSTEM, NULL, &sys, &error) < 0);
                ASSERT_CONTAINS(error, "which hardening = \"strict\" hides from system services");
                free(l.apps[0].user);
                l.apps[0].user = NULL;
                ASSERT_OK(render_app_units(&l.apps[0], SCOPE_USER, NULL, &user, &user_error));
                ASSERT_CONTAINS(unit_set_find(&user, "web@.service")->text, "ProtectHome=read-only");
        }
        /* "default" keeps home directories readable: accepted in both scopes. */
        _cleanup_(app_list_done) AppList l = {};
        _cleanup_(unit_set_done) UnitSet s = {};
        _cleanup_free_ char *error = NULL;
        CHECK(load_app(HOME_APP("/home/web/app"), CONFIG, &l));
        ASSERT_OK(render_app_units(&l.apps[0], SCOPE_SYSTEM, NULL, &s, &error));
}
