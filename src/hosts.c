/* What every verb run on many hosts shares: the ssh command per host, the host's messages shown
 * with its name in front, and each host's outcome. */
#include "hosts.h"

#include <libconfig.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "dirs.h"
#include "output.h"
#include "printable.h"
#include "verb-common.h"

const char *json_str(json_object *o, const char *key) {
        json_object *v;
        if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
                return NULL;
        return json_object_get_string(v);
}

int64_t json_int(json_object *o, const char *key, int64_t fallback) {
        json_object *v;
        if (!o || !json_object_object_get_ex(o, key, &v) ||
            !(json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double)))
                return fallback;
        return json_object_get_int64(v);
}

bool json_flag(json_object *o, const char *key) {
        json_object *v;
        return o && json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_boolean) &&
               json_object_get_boolean(v);
}

double json_double(json_object *o, const char *key, double fallback) {
        json_object *v;
        if (!o || !json_object_object_get_ex(o, key, &v) ||
            !(json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double)))
                return fallback;
        return json_object_get_double(v);
}

void hosts_run_done(HostsRun *h) {
        for (size_t i = 0; i < h->n; i++) {
                host_run_done(&h->runs[i]);
                free(h->outcomes[i].failure);
        }
        free(h->runs);
        free(h->outcomes);
        *h = (HostsRun) {};
}

/* Where ssh keeps its shared connections: a directory only we can use, in our runtime
 * directory. NULL (no sharing) when there is none, or with CLUSTERCTL_SSH_SHARE=no. */
static char *ssh_control_dir(void) {
        const char *share = getenv("CLUSTERCTL_SSH_SHARE");
        _cleanup_free_ char *runtime = NULL;
        char *dir = NULL;
        struct stat st;

        if (streq_ptr(share, "no") || runtime_dir_for_scope(geteuid() == 0 ? SCOPE_SYSTEM : SCOPE_USER, &runtime) < 0)
                return NULL;
        (void) mkdir(runtime, 0755);
        if (asprintf_safe(&dir, "%s/ssh", runtime) < 0)
                return NULL;
        (void) mkdir(dir, 0700);
        if (lstat(dir, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 077)) {
                free(dir);
                return NULL;
        }
        return dir;
}

int hosts_run_new(char *const *remote_args, const char *input, HostsRun *ret) {
        _cleanup_strv_free_ char **ssh = NULL, **remote = NULL;
        _cleanup_free_ char *control_dir = NULL;
        char protocol[32];
        HostsRun h = {};
        int r;

        if ((r = fanout_commands(&ssh, &remote)) < 0) {
                log_error("CLUSTERCTL_SSH or CLUSTERCTL_REMOTE: %s",
                          r == -EINVAL ? "empty, or a quote is not closed" : strerror(-r));
                return EXIT_USAGE;
        }
        control_dir = ssh_control_dir();
        snprintf(protocol, sizeof(protocol), "--remote-protocol=%u", REMOTE_PROTOCOL);
        if (strv_extend(&remote, arg_scope == SCOPE_USER ? "--user" : "--system") < 0 ||
            strv_extend(&remote, protocol) < 0)
                return EXIT_FAILURE_;
        for (size_t i = 0; remote_args[i]; i++)
                if (strv_extend(&remote, remote_args[i]) < 0)
                        return EXIT_FAILURE_;

        h.n = arg_hosts.n;
        h.runs = calloc(h.n, sizeof(HostRun));
        h.outcomes = calloc(h.n, sizeof(HostOutcome));
        if (!h.runs || !h.outcomes) {
                hosts_run_done(&h);
                return EXIT_FAILURE_;
        }
        for (size_t i = 0; i < h.n; i++) {
                h.runs[i] = (HostRun) { .host = &arg_hosts.hosts[i], .input = input, .out_fd = -1, .err_fd = -1, .in_fd = -1 };
                h.outcomes[i].exit_code = -1;
                if (ssh_argv(ssh, &arg_hosts.hosts[i], remote, control_dir, &h.runs[i].argv) < 0) {
                        hosts_run_done(&h);
                        return EXIT_FAILURE_;
                }
                int w = (int) strlen(arg_hosts.hosts[i].display);
                if (w > h.name_width)
                        h.name_width = w;
        }
        *ret = h;
        return 0;
}

size_t host_index(const HostsRun *h, const HostRun *run) {
        return (size_t) (run - h->runs);
}

void hosts_on_object(HostRun *run, json_object *o, void *userdata) {
        HostsRun *h = userdata;
        HostOutcome *out = &h->outcomes[host_index(h, run)];
        const char *event = json_str(o, "event");

        if (streq_ptr(event, "result"))
                out->exit_code = (int) json_int(o, "exit", EXIT_FAILURE_);
        else if (streq_ptr(event, "message")) {
                /* A host's messages quote its apps (the last lines of a failed instance). */
                const char *level = json_str(o, "level");
                _cleanup_free_ char *text = printable_text(json_str(o, "text"));
                if (streq_ptr(level, "error"))
                        log_error("%s: %s", run->host->display, strempty(text));
                else if (streq_ptr(level, "warning"))
                        log_warning("%s: %s", run->host->display, strempty(text));
                else if (!arg_quiet)
                        log_info("%-*s  %s", h->name_width, run->host->display, strempty(text));
        }
}

/* ssh's own messages are kept for the failure reason; once the host answered, its stderr is
 * the remote program's and shown as it is. */
void hosts_on_text(HostRun *run, const char *line, void *userdata) {
        HostsRun *h = userdata;
        if (run->greeted) {
                _cleanup_free_ char *text = printable_text(line);
                log_info("%-*s  %s", h->name_width, run->host->display, strempty(text));
        }
}

static bool record_exit(HostsRun *h, HostRun *run) {
        HostOutcome *out = &h->outcomes[host_index(h, run)];

        out->failure = host_failure_reason(run->wait_status, run->greeted, run->protocol, run->version, run->last_stderr);
        if (out->failure) {
                log_error("%s: %s", run->host->display, out->failure);
                return false;
        }
        if (out->exit_code < 0) {
                /* Answered, then went away before its result: the connection dropped, or we ended it
                 * (Ctrl-C, logs -f), which needs no message per host. */
                out->failure = strdup("the connection ended before the command finished there");
                if (!fanout_stopping())
                        log_error("%s: %s", run->host->display, out->failure);
                return false;
        }
        /* ssh passes on the remote command's exit status: one that differs from what it reported
         * went wrong after it (a crash, a leak report under a sanitizer). */
        if (WIFEXITED(run->wait_status) && WEXITSTATUS(run->wait_status) != out->exit_code) {
                if (asprintf(&out->failure, "clusterctl there exited with status %d after reporting %d%s%s",
                             WEXITSTATUS(run->wait_status), out->exit_code, run->last_stderr ? ": " : "",
                             strempty(run->last_stderr)) < 0)
                        out->failure = NULL;
                log_error("%s: %s", run->host->display, strna(out->failure));
                return false;
        }
        return out->exit_code == EXIT_OK || out->exit_code == EXIT_NOT_ACTIVE;
}

bool hosts_on_exit_continue(HostRun *run, void *userdata) {
        (void) record_exit(userdata, run);
        return true;
}

bool hosts_on_exit_stop_on_failure(HostRun *run, void *userdata) {
        return record_exit(userdata, run);
}

int host_exit_code(const HostsRun *h, size_t i) {
        if (h->outcomes[i].failure || h->outcomes[i].exit_code < 0)
                return EXIT_FAILURE_;
        return h->outcomes[i].exit_code;
}

/* The one app a config for many hosts defines, read without checking its paths and user here:
 * they must exist on the hosts, which check them. Includes would not travel with the text. */
int read_config_for_hosts(const char *path, char **ret_text, char **ret_app) {
        _cleanup_free_ char *text = NULL;
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        config_t cfg;
        int r = EXIT_USAGE;

        if (!f) {
                log_error("%s: %s", path, strerror(errno));
                return EXIT_USAGE;
        }
        _cleanup_buffer_ Buffer b = {};
        char chunk[8192];
        size_t k;
        while ((k = fread(chunk, 1, sizeof(chunk), f)) > 0)
                if (buffer_append(&b, chunk, k) < 0)
                        return EXIT_FAILURE_;
        text = buffer_steal(&b);
        config_init(&cfg);
        if (config_read_string(&cfg, text) != CONFIG_TRUE) {
                log_error("%s:%d: %s", path, config_error_line(&cfg), strempty(config_error_text(&cfg)));
                goto out;
        }
        if (strstr(text, "@include")) {
                log_error("%s: with -H the config is sent as it is, and the files it @includes would not be; "
                          "put them in it", path);
                goto out;
        }
        const config_setting_t *root = config_root_setting(&cfg), *apps = config_setting_get_member(root, "apps");
        const char *name = NULL;
        if (apps && config_setting_length(apps) == 1)
                (void) config_setting_lookup_string(config_setting_get_elem(apps, 0), "name", &name);
        else if (apps) {
                log_error("%s:%d: with -H a config defines one app (it is written to /etc/clusterctl/APP.conf "
                          "on each host); this one defines %d", path, config_setting_source_line(apps),
                          config_setting_length(apps));
                goto out;
        } else
                (void) config_setting_lookup_string(root, "name", &name);
        if (!name) {
                log_error("%s: no app name (name = \"…\";)", path);
                goto out;
        }
        if (check_app_name(name) < 0) {
                r = EXIT_USAGE;
                goto out;
        }
        if (!(*ret_app = strdup(name))) {
                r = EXIT_FAILURE_;
                goto out;
        }
        *ret_text = TAKE_PTR(text);
        r = 0;
out:
        config_destroy(&cfg);
        return r;
}

