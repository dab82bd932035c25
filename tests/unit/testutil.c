/* Helpers shared by the unit tests; see testutil.h. */
#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

char *tmpdir_new(void) {
        const char *base = getenv("TMPDIR");
        char *template = NULL, *canonical;

        if (asprintf(&template, "%s/clusterctl-unit.XXXXXX", base && *base ? base : "/tmp") < 0)
                return NULL;
        if (!mkdtemp(template)) {
                free(template);
                return NULL;
        }
        /* Canonical, so tests can compare it with what realpath() gives the code under test. */
        canonical = realpath(template, NULL);
        free(template);
        return canonical;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
        (void) st, (void) ftw;
        if (flag == FTW_DP)
                rmdir(path);
        else {
                chmod(path, 0600); /* a test may have made it unreadable */
                unlink(path);
        }
        return 0;
}

void rm_rf(const char *path) {
        nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static int mkdir_parents(char *path) {
        for (char *p = strchr(path + 1, '/'); p; p = strchr(p + 1, '/')) {
                *p = 0;
                int r = mkdir(path, 0755);
                *p = '/';
                if (r < 0 && errno != EEXIST)
                        return -errno;
        }
        return 0;
}

int write_file(const char *dir, const char *name, const char *text) {
        _cleanup_free_ char *path = NULL;
        _cleanup_fclose_ FILE *f = NULL;
        int r;

        if (asprintf(&path, "%s/%s", dir, name) < 0)
                return -ENOMEM;
        r = mkdir_parents(path);
        if (r < 0)
                return r;
        f = fopen(path, "we");
        if (!f)
                return -errno;
        if (fputs(text, f) < 0 || fflush(f) != 0)
                return -EIO;
        return 0;
}

char *repeat_string(const char *pattern, size_t n) {
        size_t len = strlen(pattern);
        char *s = malloc(n + 1);

        if (!s)
                abort();
        for (size_t i = 0; i < n; i++)
                s[i] = pattern[i % len];
        s[n] = 0;
        return s;
}

char *concat(const char *first, ...) {
        Buffer b = {};
        va_list ap;

        va_start(ap, first);
        for (const char *s = first; s; s = va_arg(ap, const char *))
                if (buffer_puts(&b, s) < 0)
                        abort();
        va_end(ap);
        return buffer_steal(&b);
}

const char *systemd_analyze_path(void) {
        static char found[PATH_MAX];
        const char *env = getenv("SYSTEMD_ANALYZE");
        const char *path = getenv("PATH");

        if (env && *env)
                return access(env, X_OK) == 0 ? env : NULL;
#ifdef SYSTEMD_ANALYZE_DEFAULT
        if (*SYSTEMD_ANALYZE_DEFAULT && access(SYSTEMD_ANALYZE_DEFAULT, X_OK) == 0)
                return SYSTEMD_ANALYZE_DEFAULT;
#endif
        _cleanup_free_ char *copy = strdup(path && *path ? path : "/usr/bin:/bin");
        char *save = NULL;
        if (!copy)
                return NULL;
        for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
                snprintf(found, sizeof(found), "%s/systemd-analyze", dir);
                if (access(found, X_OK) == 0)
                        return found;
        }
        return NULL;
}

void analyze_result_done(AnalyzeResult *r) {
        free(r->out);
        free(r->err);
        *r = (AnalyzeResult) {};
}

char *read_whole_file(const char *path, size_t *ret_size) {
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        Buffer b = {};
        char buf[65536];
        size_t n;

        if (!f)
                return NULL;
        while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
                if (buffer_append(&b, buf, n) < 0)
                        abort();
        if (!b.data && buffer_puts(&b, "") < 0)
                abort();
        if (ret_size)
                *ret_size = b.len;
        return buffer_steal(&b);
}

int analyze_verify(const char *analyze, const char *scratch, const char *unit_dir, char *const *units, bool user,
                   bool debug, AnalyzeResult *ret) {
        _cleanup_free_ char *runtime = NULL, *config = NULL, *data = NULL, *out = NULL, *err = NULL;
        _cleanup_strv_free_ char **argv = NULL;
        static unsigned counter;
        int status;
        pid_t pid;

        counter++;
        if (asprintf(&runtime, "%s/runtime", scratch) < 0 || asprintf(&config, "%s/config", scratch) < 0 ||
            asprintf(&data, "%s/data", scratch) < 0 || asprintf(&out, "%s/analyze-%u.out", scratch, counter) < 0 ||
            asprintf(&err, "%s/analyze-%u.err", scratch, counter) < 0)
                return -ENOMEM;
        (void) mkdir(runtime, 0700);
        (void) mkdir(config, 0700);
        (void) mkdir(data, 0700);

        if (strv_extend(&argv, analyze) < 0 || strv_extend(&argv, "verify") < 0 || strv_extend(&argv, "--man=no") < 0 ||
            (user && strv_extend(&argv, "--user") < 0))
                return -ENOMEM;
        for (size_t i = 0; units[i]; i++) {
                char *p;
                if (asprintf(&p, "%s/%s", unit_dir, units[i]) < 0 || strv_push(&argv, p) < 0)
                        return -ENOMEM;
        }

        fflush(stdout);
        fflush(stderr);
        pid = fork();
        if (pid < 0)
                return -errno;
        if (pid == 0) {
                int o = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
                int e = open(err, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
                if (o < 0 || e < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0)
                        _exit(127);
                /* A private user manager environment: nothing from the caller's own units. */
                setenv("XDG_RUNTIME_DIR", runtime, 1);
                setenv("XDG_CONFIG_HOME", config, 1);
                setenv("XDG_DATA_HOME", data, 1);
                setenv("SYSTEMD_LOG_TARGET", "console", 1);
                setenv("SYSTEMD_LOG_COLOR", "0", 1);
                if (debug)
                        setenv("SYSTEMD_LOG_LEVEL", "debug", 1);
                else
                        unsetenv("SYSTEMD_LOG_LEVEL");
                execv(analyze, argv);
                _exit(127);
        }
        if (waitpid(pid, &status, 0) < 0)
                return -errno;

        ret->exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        ret->out = read_whole_file(out, NULL);
        ret->err = read_whole_file(err, NULL);
        if (!ret->out || !ret->err) {
                analyze_result_done(ret);
                return -EIO;
        }
        return 0;
}

/* "DIR/name:123:" — the prefix of systemd's per-line config warnings. */
static bool mentions_file_line(const char *line, size_t len, const char *dir) {
        size_t dl = strlen(dir);
        for (const char *p = line; (p = memmem(p, len - (size_t) (p - line), dir, dl)); p += dl) {
                const char *q = p + dl;
                while (q < line + len && *q != ':' && *q != ' ')
                        q++;
                if (q + 1 < line + len && *q == ':' && q[1] >= '0' && q[1] <= '9')
                        return true;
        }
        return false;
}

char *analyze_complaints(const AnalyzeResult *r, const char *unit_dir, char *const *units) {
        Buffer b = {};

        for (const char *line = r->err; line && *line;) {
                const char *nl = strchr(line, '\n');
                size_t len = nl ? (size_t) (nl - line) : strlen(line);
                bool ours = mentions_file_line(line, len, unit_dir);

                for (size_t i = 0; !ours && units[i]; i++)
                        ours = memmem(line, len, units[i], strlen(units[i])) != NULL;
                if (ours && (buffer_append(&b, line, len) < 0 || buffer_puts(&b, "\n") < 0))
                        abort();
                line += len + (nl ? 1 : 0);
        }
        return buffer_steal(&b);
}

char **dump_values(const char *out, const char *prefix) {
        char **values = NULL;
        size_t pl = strlen(prefix);

        for (const char *line = out; line && *line;) {
                const char *nl = strchr(line, '\n');
                size_t len = nl ? (size_t) (nl - line) : strlen(line);
                if (len >= pl && strncmp(line, prefix, pl) == 0) {
                        char *v = strndup(line + pl, len - pl);
                        if (!v || strv_push(&values, v) < 0)
                                abort();
                }
                line += len + (nl ? 1 : 0);
        }
        if (!values && !(values = calloc(1, sizeof(char *))))
                abort();
        return values;
}

int dump_split_command_line(const char *line, char ***ret) {
        _cleanup_strv_free_ char **words = NULL;

        for (const char *p = line; *p;) {
                Buffer w = {};
                if (*p == ' ') {
                        p++;
                        continue;
                }
                if (*p == '"') {
                        for (p++; *p != '"'; p++) {
                                if (!*p) {
                                        buffer_done(&w);
                                        return -EBADMSG;
                                }
                                if (*p == '\\') {
                                        p++;
                                        char c = *p == 'n' ? '\n' : *p == 't' ? '\t' : *p;
                                        if (!c) {
                                                buffer_done(&w);
                                                return -EBADMSG;
                                        }
                                        if (buffer_append(&w, &c, 1) < 0)
                                                abort();
                                } else if (buffer_append(&w, p, 1) < 0)
                                        abort();
                        }
                        p++;
                } else {
                        size_t n = strcspn(p, " ");
                        if (buffer_append(&w, p, n) < 0)
                                abort();
                        p += n;
                }
                if (strv_push(&words, buffer_steal(&w)) < 0)
                        abort();
        }
        *ret = TAKE_PTR(words);
        return 0;
}

int exec_time_dollars(const char *arg, char **ret) {
        Buffer b = {};

        for (const char *p = arg; *p; p++) {
                if (*p == '$') {
                        if (p[1] != '$') {
                                buffer_done(&b);
                                return -EINVAL;
                        }
                        p++;
                }
                if (buffer_append(&b, p, 1) < 0)
                        abort();
        }
        *ret = buffer_steal(&b);
        return 0;
}
