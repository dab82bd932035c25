/* The fuzzers judge rendered units with a reader that imitates systemd (sdreader.c); this asks
 * systemd itself. Apps made from the seed corpus — fuzz-render's inputs (appgen.h, values a config
 * accepts) and the configs fuzz-config starts from — are rendered for the user manager with
 * ExecStart= pointing at /bin/true (so the command exists), and `systemd-analyze verify --user`
 * must have nothing to say about any rendered line; its dump of the parsed service must show
 * exactly the App's arguments, environment, working directory and environment file. */
#include "test.h"

#include <dirent.h>

#include "appgen.h"
#include "config.h"
#include "escape.h"
#include "render.h"
#include "testutil.h"
#include "util.h"

#ifndef CORPUS_DIR
#error "CORPUS_DIR must name tests/fuzz/corpus"
#endif

#define SAMPLE_MAX 60

static int compare_strings(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

static char **corpus_files(const char *target) {
        _cleanup_free_ char *dir = concat(CORPUS_DIR, "/", target, NULL);
        DIR *d = opendir(dir);
        char **files = NULL;
        struct dirent *de;

        if (!d)
                return calloc(1, sizeof(char *));
        while ((de = readdir(d)))
                if (de->d_name[0] != '.' && strv_push(&files, concat(dir, "/", de->d_name, NULL)) < 0)
                        abort();
        closedir(d);
        if (!files)
                return calloc(1, sizeof(char *));
        qsort(files, strv_length(files), sizeof(char *), compare_strings);
        return files;
}

/* The environment systemd ends up with: assignments in order, a later one replacing an earlier
 * one of the same name in place (strv_env_replace). */
static void env_assign(char ***env, const char *name, const char *value) {
        _cleanup_free_ char *a = concat(name, "=", value, NULL);
        size_t n = strlen(name);
        for (size_t i = 0; *env && (*env)[i]; i++)
                if (strncmp((*env)[i], name, n) == 0 && (*env)[i][n] == '=') {
                        free((*env)[i]);
                        (*env)[i] = TAKE_PTR(a);
                        return;
                }
        if (strv_extend(env, a) < 0)
                abort();
}

/* Renders app for the user manager into DIR/units and checks what systemd makes of it. */
static void check_with_systemd(const char *analyze, const char *origin, App *app, size_t *checked) {
        _cleanup_tmpdir_ char *dir = tmpdir_new();
        _cleanup_free_ char *units = NULL, *error = NULL, *complaints = NULL, *service = NULL, *target = NULL,
                            *socket = NULL;
        _cleanup_(unit_set_done) UnitSet set = {};
        _cleanup_(analyze_result_done) AnalyzeResult plain = {}, debug = {};
        _cleanup_strv_free_ char **cmd = NULL, **argv = NULL, **env = NULL, **want_env = NULL, **wd = NULL, **ef = NULL;

        ASSERT_TRUE(dir);
        /* The user manager: no User=/Group=; a command that exists. */
        free(app->user), free(app->group);
        app->user = app->group = NULL;
        free(app->argv[0]);
        app->argv[0] = strdup("/bin/true");
        (void) known_bugs_avoid(app);

        if (render_app_all(app, SCOPE_USER, NULL, 1, &set, &error) < 0)
                FAIL("%s: render_app_all refused an app the config accepts: %s", origin, strna(error));
        units = concat(dir, "/units", NULL);
        for (size_t i = 0; i < set.n_files; i++)
                ASSERT_OK(write_file(units, set.files[i].path, set.files[i].text));

        service = concat(app->name, "@0.service", NULL);
        target = concat(app->name, ".target", NULL);
        bool has_listen = app->listen && app->listen[0];
        socket = has_listen ? concat(app->name, app->socket_mode == SOCKET_MODE_SHARED ? ".socket" : "@0.socket", NULL)
                            : NULL;
        char *const names[] = { service, target, socket, NULL };

        ASSERT_OK(analyze_verify(analyze, dir, units, names, true, false, &plain));
        complaints = analyze_complaints(&plain, units, names);
        if (plain.exit_status != 0 || *complaints)
                FAIL("%s: systemd-analyze verify --user: exit status %d, complaints:\n%s\nfull stderr:\n%s", origin,
                     plain.exit_status, complaints, plain.err);

        char *const service_only[] = { service, NULL };
        ASSERT_OK(analyze_verify(analyze, dir, units, service_only, true, true, &debug));
        ASSERT_EQ_INT(debug.exit_status, 0);

        cmd = dump_values(debug.out, "\t\t\tCommand Line: ");
        if (strv_length(cmd) != 1)
                FAIL("%s: expected one 'Command Line:' in the dump, got %zu", origin, strv_length(cmd));
        ASSERT_OK(dump_split_command_line(cmd[0], &argv));
        if (strv_length(argv) != strv_length(app->argv))
                FAIL("%s: systemd parsed %zu arguments, the app has %zu:\n  %s", origin, strv_length(argv),
                     strv_length(app->argv), cmd[0]);
        for (size_t i = 0; app->argv[i]; i++) {
                _cleanup_free_ char *at_exec = NULL;
                if (exec_time_dollars(argv[i], &at_exec) < 0)
                        FAIL("%s: argument %zu would be subject to variable substitution: %s", origin, i, argv[i]);
                if (!streq(at_exec, app->argv[i]))
                        FAIL("%s: systemd's argument %zu is '%s', the app's '%s'", origin, i, at_exec, app->argv[i]);
        }

        for (size_t i = 0; i < app->n_env; i++)
                env_assign(&want_env, app->env[i].name, app->env[i].value);
        env_assign(&want_env, app->instance_var, "0");
        if (app->increment_var) {
                char base[32];
                snprintf(base, sizeof(base), "%ld", app->increment_base);
                env_assign(&want_env, app->increment_var, base);
        }
        env = dump_values(debug.out, "\t\tEnvironment: ");
        if (strv_length(env) != strv_length(want_env))
                FAIL("%s: systemd has %zu environment assignments, the app %zu", origin, strv_length(env),
                     strv_length(want_env));
        for (size_t i = 0; want_env[i]; i++)
                if (!streq(env[i], want_env[i]))
                        FAIL("%s: systemd's environment #%zu is '%s', the app's '%s'", origin, i, env[i], want_env[i]);

        wd = dump_values(debug.out, "\t\tWorkingDirectory: ");
        ASSERT_EQ_INT(strv_length(wd), 1);
        if (!streq(wd[0], app->cwd))
                FAIL("%s: WorkingDirectory '%s', the app's cwd '%s'", origin, wd[0], app->cwd);
        ef = dump_values(debug.out, "\t\tEnvironmentFile: ");
        ASSERT_EQ_INT(strv_length(ef), app->env_file ? 1 : 0);
        if (app->env_file && !streq(ef[0], app->env_file))
                FAIL("%s: EnvironmentFile '%s', the app's '%s'", origin, ef[0], app->env_file);
        (*checked)++;
}

TEST(sample_of_corpus_apps_verified_by_systemd) {
        _cleanup_strv_free_ char **render_inputs = corpus_files("render"), **configs = corpus_files("config");
        const char *analyze;
        size_t checked = 0;

        REQUIRE_SYSTEMD_ANALYZE(analyze);
        for (size_t i = 0; render_inputs[i] && checked < SAMPLE_MAX; i++) {
                _cleanup_free_ char *data = NULL;
                _cleanup_(app_done) App app = {};
                GenInfo info;
                size_t size;

                data = read_whole_file(render_inputs[i], &size);
                ASSERT_TRUE(data);
                app_generate((const uint8_t *) data, size, &app, &info);
                if (info.raw)
                        continue; /* raw values may be ones systemd refuses: only config-accepted apps here */
                printf("%s\n", render_inputs[i]);
                CHECK(check_with_systemd(analyze, render_inputs[i], &app, &checked));
        }
        for (size_t i = 0; configs[i] && checked < SAMPLE_MAX; i++) {
                _cleanup_free_ char *data = NULL;
                _cleanup_(app_list_done) AppList list = {};
                _cleanup_(config_error_done) ConfigError e = {};
                size_t size;

                data = read_whole_file(configs[i], &size);
                ASSERT_TRUE(data);
                if (config_load_string(data, "/etc/clusterctl/sample.conf", &list, &e) < 0)
                        continue;
                for (size_t k = 0; k < list.n_apps; k++) {
                        printf("%s: app %s\n", configs[i], list.apps[k].name);
                        CHECK(check_with_systemd(analyze, configs[i], &list.apps[k], &checked));
                }
        }
        printf("%zu apps verified by systemd-analyze\n", checked);
        if (checked < 10)
                FAIL("only %zu apps from the corpus could be checked; the sample is too small to mean much", checked);
}
