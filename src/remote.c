/* The remote side of the protocol. SIGPIPE is ignored and SIGHUP only noted: a reload must not
 * die between a RestartUnit and its check because the controller's ssh went away; it stops at
 * the next batch boundary instead, with its state file in place for the next run. */
#include "remote.h"

#include <signal.h>

#include "clusterctl.h"
#include "hostspec.h"
#include "lock.h"
#include "output.h"
#include "unitfs.h"
#include "util.h"

#define CONFIG_MAX_BYTES (1024 * 1024)

static bool active;
static volatile sig_atomic_t hangup;

static void on_hangup(int sig) {
        (void) sig;
        hangup = 1;
}

bool remote_mode(void) {
        return active;
}

int remote_begin(unsigned protocol) {
        active = true;
        log_set_events(true);
        signal(SIGPIPE, SIG_IGN);
        signal(SIGHUP, on_hangup);
        printf("{\"event\":\"hello\",\"protocol\":%u,\"version\":\"%s\"}\n", REMOTE_PROTOCOL, CLUSTERCTL_VERSION);
        fflush(stdout);
        if (protocol != REMOTE_PROTOCOL) {
                log_error("this clusterctl (%s) speaks protocol %u, the controller %u; install the same version on "
                          "every host", CLUSTERCTL_VERSION, REMOTE_PROTOCOL, protocol);
                return EXIT_USAGE;
        }
        return 0;
}

void remote_end(int exit_code) {
        printf("{\"event\":\"result\",\"exit\":%d}\n", exit_code);
        fflush(stdout);
}

bool remote_controller_gone(void) {
        if (!active)
                return false;
        if (fflush(stdout) != 0 || ferror(stdout))
                hangup = 1;
        return hangup;
}

bool rollout_finished_here(Scope scope, const char *app, uint64_t units_hash) {
        _cleanup_free_ char *path = NULL;
        _cleanup_fclose_ FILE *f = NULL;
        unsigned long long hash;
        char id[80];

        if (!arg_rollout_id || app_runtime_file(scope, app, ".rollout-done", &path) < 0 || !(f = fopen(path, "re")))
                return false;
        return fscanf(f, "%79s %llx", id, &hash) == 2 && streq(id, arg_rollout_id) && hash == units_hash;
}

void record_rollout_finished(Scope scope, const char *app, uint64_t units_hash) {
        _cleanup_free_ char *path = NULL, *tmp = NULL;
        FILE *f;

        if (!arg_rollout_id || app_runtime_file(scope, app, ".rollout-done", &path) < 0 ||
            !(tmp = strjoin(path, ".tmp")) || !(f = fopen(tmp, "we")))
                return;
        fprintf(f, "%s %016llx\n", arg_rollout_id, (unsigned long long) units_hash);
        if (fclose(f) == 0)
                (void) rename(tmp, path);
}

static int read_stdin(char **ret) {
        _cleanup_buffer_ Buffer b = {};
        char chunk[16384];

        for (;;) {
                ssize_t k = read(STDIN_FILENO, chunk, sizeof(chunk));
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0)
                        return -errno;
                if (k == 0)
                        break;
                if (b.len + (size_t) k > CONFIG_MAX_BYTES)
                        return -EFBIG;
                if (memchr(chunk, 0, (size_t) k))
                        return -EBADMSG;
                if (buffer_append(&b, chunk, (size_t) k) < 0)
                        return -ENOMEM;
        }
        *ret = buffer_steal(&b);
        return 0;
}

int remote_install_config(Scope scope, const char *app, char **ret_path) {
        _cleanup_(app_list_done) AppList apps = {};
        _cleanup_free_ char *text = NULL, *path = NULL, *dir = NULL;
        ConfigError error = {};
        int r;

        if ((r = read_stdin(&text)) < 0) {
                log_error("cannot read the config from standard input: %s",
                          r == -EFBIG ? "larger than 1 MiB" : r == -EBADMSG ? "it contains a NUL byte" : strerror(-r));
                return EXIT_USAGE;
        }
        if (app_config_path(scope, app, &path) < 0) {
                log_error("no place for %s.conf: neither XDG_CONFIG_HOME nor HOME is set", app);
                return EXIT_FAILURE_;
        }
        /* Validated here, on the host where its paths and user must exist, as if it were in place. */
        r = config_load_string(text, path, &apps, &error);
        if (r < 0) {
                _cleanup_free_ char *msg = config_error_format(&error);
                log_error("%s", msg ? msg : strerror(-r));
                config_error_done(&error);
                return r == -ENOMEM ? EXIT_FAILURE_ : EXIT_USAGE;
        }
        if (apps.n_apps != 1 || !streq(apps.apps[0].name, app)) {
                log_error("the config sent defines %s, not the one app '%s'", apps.n_apps == 1 ? apps.apps[0].name : "several apps", app);
                return EXIT_USAGE;
        }
        char *slash = strrchr(path, '/');
        if (!(dir = strndup(path, (size_t) (slash - path))))
                return EXIT_FAILURE_;
        r = unitfs_write_atomic(dir, slash + 1, text);
        if (r < 0) {
                log_error("cannot write %s: %s", path, strerror(-r));
                return EXIT_FAILURE_;
        }
        *ret_path = TAKE_PTR(path);
        return 0;
}
