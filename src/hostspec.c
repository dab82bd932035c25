/* Host specs, hosts files and the ssh command line, as pure functions. */
#include "hostspec.h"

#include <ctype.h>
#include <string.h>
#include <sys/wait.h>

#include "util.h"

void host_spec_done(HostSpec *h) {
        free(h->user);
        free(h->host);
        free(h->display);
        *h = (HostSpec) {};
}

void host_list_done(HostList *l) {
        for (size_t i = 0; i < l->n; i++)
                host_spec_done(&l->hosts[i]);
        free(l->hosts);
        *l = (HostList) {};
}

/* What ssh takes as a user or host: no shell or ssh option syntax can hide in it. */
static bool valid_user(const char *s, size_t n) {
        if (n == 0 || n > 64 || s[0] == '-')
                return false;
        for (size_t i = 0; i < n; i++)
                if (!isalnum((unsigned char) s[i]) && !strchr("._-", s[i]))
                        return false;
        return true;
}

static bool valid_hostname(const char *s, size_t n) {
        if (n == 0 || n > 253 || s[0] == '-' || s[0] == '.')
                return false;
        for (size_t i = 0; i < n; i++)
                if (!isalnum((unsigned char) s[i]) && !strchr(".-_", s[i]))
                        return false;
        return true;
}

static bool valid_ipv6(const char *s, size_t n) {
        if (n < 2 || n > 45)
                return false;
        for (size_t i = 0; i < n; i++)
                if (!isxdigit((unsigned char) s[i]) && s[i] != ':' && s[i] != '.')
                        return false;
        return memchr(s, ':', n) != NULL;
}

static int parse_port(const char *s, unsigned *ret) {
        unsigned p;
        if (!*s || safe_atou(s, &p) < 0 || p == 0 || p > 65535)
                return -EINVAL;
        *ret = p;
        return 0;
}

int host_spec_parse(const char *spec, HostSpec *ret, const char **ret_why) {
        _cleanup_(host_spec_done) HostSpec h = {};
        const char *at, *rest, *host;
        size_t host_len;

        if (!spec || !*spec) {
                *ret_why = "empty host";
                return -EINVAL;
        }
        if (strlen(spec) > HOST_SPEC_MAX) {
                *ret_why = "too long";
                return -EINVAL;
        }
        at = strrchr(spec, '@');
        rest = spec;
        if (at) {
                if (!valid_user(spec, (size_t) (at - spec))) {
                        *ret_why = "not a user name before '@' (letters, digits, . _ -)";
                        return -EINVAL;
                }
                if (!(h.user = strndup(spec, (size_t) (at - spec))))
                        return -ENOMEM;
                rest = at + 1;
        }
        if (rest[0] == '[') {
                const char *close = strchr(rest, ']');
                if (!close) {
                        *ret_why = "'[' without ']' (an IPv6 address is written [::1] or [::1]:22)";
                        return -EINVAL;
                }
                host = rest + 1;
                host_len = (size_t) (close - host);
                if (!valid_ipv6(host, host_len)) {
                        *ret_why = "not an IPv6 address between [ ]";
                        return -EINVAL;
                }
                if (close[1] == ':') {
                        if (parse_port(close + 2, &h.port) < 0) {
                                *ret_why = "not a port after ':' (1-65535)";
                                return -EINVAL;
                        }
                } else if (close[1]) {
                        *ret_why = "unexpected text after ']' (a port is written [::1]:22)";
                        return -EINVAL;
                }
        } else if (strchr(rest, ':') && strchr(rest, ':') != strrchr(rest, ':')) {
                /* Two colons or more: a bare IPv6 address, which cannot carry a port. */
                host = rest;
                host_len = strlen(rest);
                if (!valid_ipv6(host, host_len)) {
                        *ret_why = "not a host name or address (IPv6 with a port is written [::1]:22)";
                        return -EINVAL;
                }
        } else {
                const char *colon = strchr(rest, ':');
                host = rest;
                host_len = colon ? (size_t) (colon - rest) : strlen(rest);
                if (colon && parse_port(colon + 1, &h.port) < 0) {
                        *ret_why = "not a port after ':' (1-65535)";
                        return -EINVAL;
                }
                if (!valid_hostname(host, host_len)) {
                        *ret_why = host_len == 0 ? "no host name" : "not a host name (letters, digits, . - _)";
                        return -EINVAL;
                }
        }
        if (!(h.host = strndup(host, host_len)) || !(h.display = strdup(spec)))
                return -ENOMEM;
        *ret = h;
        h = (HostSpec) {};
        return 0;
}

static bool same_host(const HostSpec *a, const HostSpec *b) {
        return streq(a->host, b->host) && a->port == b->port && streq_ptr(a->user, b->user);
}

int host_list_add(HostList *l, HostSpec *h) {
        for (size_t i = 0; i < l->n; i++)
                if (same_host(&l->hosts[i], h))
                        return -EEXIST;
        HostSpec *n = realloc(l->hosts, sizeof(HostSpec) * (l->n + 1));
        if (!n)
                return -ENOMEM;
        l->hosts = n;
        n[l->n++] = *h;
        *h = (HostSpec) {};
        return 0;
}

int host_list_parse_text(HostList *l, const char *text, unsigned *ret_line, const char **ret_why) {
        unsigned line = 0;

        for (const char *p = text; *p;) {
                const char *eol = strchrnul(p, '\n');
                _cleanup_free_ char *s = strndup(p, (size_t) (eol - p));
                HostSpec h = {};
                int r;

                line++;
                p = *eol ? eol + 1 : eol;
                if (!s)
                        return -ENOMEM;
                char *hash = strchr(s, '#');
                if (hash)
                        *hash = 0;
                char *start = s + strspn(s, " \t\r");
                char *end = start + strlen(start);
                while (end > start && strchr(" \t\r", end[-1]))
                        *--end = 0;
                if (!*start)
                        continue;
                if (strpbrk(start, " \t")) {
                        *ret_line = line;
                        *ret_why = "one host a line ([USER@]HOST[:PORT])";
                        return -EINVAL;
                }
                r = host_spec_parse(start, &h, ret_why);
                if (r >= 0 && (r = host_list_add(l, &h)) == -EEXIST)
                        *ret_why = "this host is listed twice";
                host_spec_done(&h);
                if (r < 0) {
                        if (r == -EINVAL || r == -EEXIST)
                                *ret_line = line;
                        return r == -EEXIST ? -EINVAL : r;
                }
        }
        return 0;
}

int split_command_words(const char *s, char ***ret) {
        _cleanup_strv_free_ char **words = NULL;
        _cleanup_buffer_ Buffer w = {};
        bool in_word = false;
        char quote = 0;

        for (const char *p = strempty(s);; p++) {
                if (!*p) {
                        if (quote)
                                return -EINVAL;
                        break;
                }
                if (quote) {
                        if (*p == quote)
                                quote = 0;
                        else if (*p == '\\' && quote == '"' && (p[1] == '"' || p[1] == '\\')) {
                                if (buffer_append(&w, ++p, 1) < 0)
                                        return -ENOMEM;
                        } else if (buffer_append(&w, p, 1) < 0)
                                return -ENOMEM;
                        continue;
                }
                if (*p == ' ' || *p == '\t' || *p == '\n') {
                        if (in_word) {
                                if (strv_push(&words, buffer_steal(&w) ?: strdup("")) < 0)
                                        return -ENOMEM;
                                in_word = false;
                        }
                        continue;
                }
                in_word = true;
                if (*p == '\'' || *p == '"')
                        quote = *p;
                else if (*p == '\\' && p[1]) {
                        if (buffer_append(&w, ++p, 1) < 0)
                                return -ENOMEM;
                } else if (buffer_append(&w, p, 1) < 0)
                        return -ENOMEM;
        }
        if (in_word && strv_push(&words, buffer_steal(&w) ?: strdup("")) < 0)
                return -ENOMEM;
        if (!words)
                return -EINVAL;
        *ret = TAKE_PTR(words);
        return 0;
}

char *shell_quote(const char *word) {
        _cleanup_buffer_ Buffer b = {};

        if (buffer_puts(&b, "'") < 0)
                return NULL;
        for (const char *p = word; *p; p++)
                if ((*p == '\'' ? buffer_puts(&b, "'\\''") : buffer_append(&b, p, 1)) < 0)
                        return NULL;
        if (buffer_puts(&b, "'") < 0)
                return NULL;
        return buffer_steal(&b);
}

int ssh_argv(char *const *ssh_words, const HostSpec *h, char *const *remote_argv, const char *control_dir,
             char ***ret) {
        _cleanup_strv_free_ char **argv = strv_copy(ssh_words);
        _cleanup_buffer_ Buffer cmd = {};
        char port[16];

        /* After the user's words: for -o, ssh keeps the first value it sees. A host that does not
         * answer is given up after 10 s, a connection that dies is noticed within 15 s. */
        char *const fixed[] = { "-T", "-x", "-o", "ConnectTimeout=10", "-o", "ServerAliveInterval=5",
                                "-o", "ServerAliveCountMax=3", NULL };
        for (size_t i = 0; argv && fixed[i]; i++)
                if (strv_extend(&argv, fixed[i]) < 0)
                        return -ENOMEM;
        if (!argv)
                return -ENOMEM;
        if (control_dir) {
                _cleanup_free_ char *path = NULL;
                if (asprintf_safe(&path, "ControlPath=%s/ssh-%%C", control_dir) < 0 ||
                    strv_extend(&argv, "-o") < 0 || strv_extend(&argv, "ControlMaster=auto") < 0 ||
                    strv_extend(&argv, "-o") < 0 || strv_extend(&argv, path) < 0 ||
                    strv_extend(&argv, "-o") < 0 || strv_extend(&argv, "ControlPersist=60") < 0)
                        return -ENOMEM;
        }
        if (h->port > 0) {
                snprintf(port, sizeof(port), "%u", h->port);
                if (strv_extend(&argv, "-p") < 0 || strv_extend(&argv, port) < 0)
                        return -ENOMEM;
        }
        if (h->user && (strv_extend(&argv, "-l") < 0 || strv_extend(&argv, h->user) < 0))
                return -ENOMEM;
        if (strv_extend(&argv, "--") < 0 || strv_extend(&argv, h->host) < 0)
                return -ENOMEM;
        for (size_t i = 0; remote_argv[i]; i++) {
                _cleanup_free_ char *q = shell_quote(remote_argv[i]);
                if (!q || (i > 0 && buffer_puts(&cmd, " ") < 0) || buffer_puts(&cmd, q) < 0)
                        return -ENOMEM;
        }
        if (strv_push(&argv, buffer_steal(&cmd)) < 0)
                return -ENOMEM;
        *ret = TAKE_PTR(argv);
        return 0;
}

char *host_failure_reason(int wait_status, bool greeted, unsigned protocol, const char *version,
                          const char *last_stderr) {
        const char *said = last_stderr && *last_stderr ? last_stderr : NULL;
        char *s = NULL;
        int r;

        if (greeted && protocol != REMOTE_PROTOCOL)
                r = asprintf(&s, "incompatible clusterctl %s there: it speaks protocol %u, this one %u; install the "
                             "same version on every host", strna(version), protocol, REMOTE_PROTOCOL);
        else if (greeted)
                return NULL;
        else if (WIFSIGNALED(wait_status))
                r = asprintf(&s, "ssh was killed by signal %s", strsignal(WTERMSIG(wait_status)));
        else if (WEXITSTATUS(wait_status) == 255)
                r = asprintf(&s, "unreachable: %s", said ? said : "ssh failed (exit status 255)");
        else if (WEXITSTATUS(wait_status) == 127)
                r = asprintf(&s, "clusterctl is not installed there%s%s%s", said ? " (" : "", strempty(said),
                             said ? ")" : "");
        else if (WEXITSTATUS(wait_status) == 126)
                r = asprintf(&s, "clusterctl cannot be run there%s%s%s", said ? " (" : "", strempty(said),
                             said ? ")" : "");
        else if (said && strstr(said, "remote-protocol"))
                r = asprintf(&s, "incompatible clusterctl there: it does not speak the remote protocol (%s); install "
                             "the same version on every host", said);
        else
                r = asprintf(&s, "clusterctl did not answer there (exit status %d%s%s)", WEXITSTATUS(wait_status),
                             said ? ": " : "", strempty(said));
        return r < 0 ? NULL : s;
}
