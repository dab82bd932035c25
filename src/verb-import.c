/* clusterctl import FILE [--env NAME] [--listen ADDRESS] [-o DIR] [--dry-run]: a PM2 ecosystem
 * file becomes one config per app, where `clusterctl start APP` looks for it. Every app is mapped
 * and every destination checked before the first file is written, so a bad app writes nothing. */
#include <fcntl.h>
#include <libgen.h>
#include <sys/stat.h>

#include "cluster.h"
#include "datadir.h"
#include "dirs.h"
#include "ecosystem.h"
#include "manager-facts.h"
#include "output.h"
#include "pm2-map.h"
#include "unitfs.h"
#include "util.h"
#include "verb-common.h"

typedef struct Import {
        Pm2App *apps;
        size_t n_apps;
        char **paths;  /* where each app's config goes */
        bool *written; /* false: the file already says exactly this */
} Import;

static void import_done(Import *im) {
        for (size_t i = 0; i < im->n_apps; i++)
                pm2_app_done(&im->apps[i]);
        free(im->apps);
        strv_free(im->paths);
        free(im->written);
}

/* PM2 runs a compiled program without an interpreter. */
static bool script_is_binary(const char *path) {
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        char magic[4];
        return fd >= 0 && read(fd, magic, 4) == 4 && memcmp(magic, "\x7f" "ELF", 4) == 0;
}

/* Evaluating a .js file runs it: as root, only a file that no one else can change. */
static int check_source_owner(const char *path) {
        struct stat st;

        if (geteuid() != 0 || stat(path, &st) < 0)
                return 0;
        if ((st.st_mode & S_IWOTH) || ((st.st_mode & S_IWGRP) && st.st_gid != 0) || (st.st_uid != 0 && st.st_uid != geteuid())) {
                log_error("%s: refusing an ecosystem file that others can change (owner %u, mode %04o): importing "
                          "runs it as root; chown root and chmod go-w it, or import as its owner", path,
                          (unsigned) st.st_uid, st.st_mode & 07777);
                return EXIT_USAGE;
        }
        return 0;
}

static int read_apps(const char *path, Import *im) {
        _cleanup_free_ char *evaluator = NULL, *error = NULL, *dir_buf = strdup(path);
        _cleanup_free_ json_object **apps = NULL;
        _cleanup_strv_free_ char **warnings = NULL;
        json_object *root = NULL;
        size_t n = 0;
        int r;

        if (!dir_buf || clusterctl_data_file(ECOSYSTEM_EVALUATOR, &evaluator) < 0)
                return EXIT_FAILURE_;
        r = ecosystem_read(path, evaluator, &root, &error);
        if (r < 0) {
                log_error("%s", error ? error : strerror(-r));
                return r == -ENOMEM ? EXIT_FAILURE_ : EXIT_USAGE;
        }
        r = pm2_ecosystem_apps(root, &apps, &n, &warnings, &error);
        if (r < 0) {
                log_error("%s: %s", path, error ? error : strerror(-r));
                json_object_put(root);
                return r == -ENOMEM ? EXIT_FAILURE_ : EXIT_USAGE;
        }
        for (size_t i = 0; warnings && warnings[i] && !arg_quiet; i++)
                log_warning("%s: %s", path, warnings[i]);

        const Pm2MapOptions opts = {
                .source = path,
                .source_dir = dirname(dir_buf),
                .env_name = arg_env,
                .listen = arg_listen,
                .user_manager = arg_scope == SCOPE_USER,
                .script_is_binary = script_is_binary,
        };
        if (!(im->apps = calloc(n, sizeof(Pm2App)))) {
                json_object_put(root);
                return EXIT_FAILURE_;
        }
        for (size_t i = 0; i < n; i++, im->n_apps++) {
                r = pm2_map_app(apps[i], i, &opts, &im->apps[i], &error);
                for (size_t k = 0; r >= 0 && k < i; k++)
                        if (streq(im->apps[k].name, im->apps[i].name)) {
                                log_error("%s: two apps are named '%s'", path, im->apps[i].name);
                                pm2_app_done(&im->apps[i]);
                                json_object_put(root);
                                return EXIT_USAGE;
                        }
                if (r < 0) {
                        log_error("%s: %s", path, error ? error : strerror(-r));
                        json_object_put(root);
                        return r == -ENOMEM ? EXIT_FAILURE_ : EXIT_USAGE;
                }
        }
        json_object_put(root);
        return 0;
}

static int config_dir(char **ret) {
        if (arg_output_dir)
                return asprintf_safe(ret, "%s", arg_output_dir);
        return config_dir_for_scope(arg_scope, ret);
}

/* Where each config goes; a different file already there is an error unless --force. */
static int plan_paths(Import *im, const char *dir) {
        if (!(im->written = calloc(im->n_apps, sizeof(bool))))
                return EXIT_FAILURE_;
        for (size_t i = 0; i < im->n_apps; i++) {
                _cleanup_free_ char *file = NULL, *existing = NULL;
                if (asprintf_safe(&file, "%s.conf", im->apps[i].name) < 0 || strv_push(&im->paths, NULL) < 0)
                        return EXIT_FAILURE_;
                int r = unitfs_read(dir, file, &existing);
                im->written[i] = r < 0 || !streq(existing, im->apps[i].text);
                if (r >= 0 && im->written[i] && !arg_force && !arg_dry_run) {
                        log_error("%s/%s exists and says something else; refusing to overwrite it (use --force)", dir, file);
                        return EXIT_FAILURE_;
                }
                if (asprintf_safe(&im->paths[i], "%s/%s", dir, file) < 0)
                        return EXIT_FAILURE_;
        }
        return 0;
}

/* What `clusterctl check` will say of the config, printed as a warning. */
static void report_check(const Pm2App *app, const char *path) {
        _cleanup_(app_list_done) AppList list = {};
        _cleanup_(unit_set_done) UnitSet units = {};
        _cleanup_free_ char *msg = NULL;
        ConfigError error = {};
        SandboxLimits limits;

        manager_sandbox_limits(arg_scope, &limits);
        if (config_load_string(app->text, path, &list, &error) < 0) {
                msg = config_error_format(&error);
                config_error_done(&error);
        } else if (render_app_units(&list.apps[0], arg_scope, &limits, &units, &msg) >= 0)
                return;
        log_warning("%s: 'clusterctl check' fails on it until this is fixed: %s", app->name, strna(msg));
}

int verb_import(int argc, char **argv, Cluster *c) {
        _cleanup_(import_done) Import im = {};
        _cleanup_free_ char *path = NULL, *dir = NULL;
        int r;
        (void) argc;
        (void) c;

        if (!(path = realpath(argv[1], NULL))) {
                log_error("%s: cannot read: %s", argv[1], strerror(errno));
                return EXIT_USAGE;
        }
        if ((r = check_source_owner(path)) || (r = read_apps(path, &im)))
                return r;
        if (config_dir(&dir) < 0) {
                log_error("no directory for the configs: set HOME or XDG_CONFIG_HOME, or give -o DIR");
                return EXIT_USAGE;
        }
        if ((r = plan_paths(&im, dir)))
                return r;
        for (size_t i = 0; i < im.n_apps && !arg_quiet; i++) {
                for (size_t w = 0; im.apps[i].warnings && im.apps[i].warnings[w]; w++)
                        log_warning("%s: %s", im.apps[i].name, im.apps[i].warnings[w]);
                report_check(&im.apps[i], im.paths[i]);
        }
        if (arg_dry_run) {
                for (size_t i = 0; i < im.n_apps; i++)
                        printf("%s# %s\n%s", i ? "\n" : "", im.paths[i], im.apps[i].text);
                return EXIT_OK;
        }
        for (size_t i = 0; i < im.n_apps; i++) {
                _cleanup_free_ char *file = NULL;
                if (!im.written[i])
                        continue;
                if (asprintf_safe(&file, "%s.conf", im.apps[i].name) < 0)
                        return EXIT_FAILURE_;
                r = unitfs_write_atomic(dir, file, im.apps[i].text);
                if (r < 0) {
                        log_error("cannot write %s: %s", im.paths[i], strerror(-r));
                        return EXIT_FAILURE_;
                }
        }
        const char *scope_flag = arg_scope == SCOPE_USER ? " --user" : "";
        for (size_t i = 0; i < im.n_apps && !arg_quiet; i++)
                log_info("%s: %s %s; next: clusterctl%s check %s && clusterctl%s start %s", im.apps[i].name,
                         im.written[i] ? "written to" : "unchanged:", im.paths[i], scope_flag, im.paths[i], scope_flag,
                         im.apps[i].name);
        return EXIT_OK;
}
