/* Ecosystem file → json-c object. Node evaluates JavaScript in a child process whose result comes
 * back on a pipe of its own (fd 3), apart from anything the file prints; JSON and YAML are parsed
 * here, with limits on size and nesting so that a hostile file only gets an error. */
#include "ecosystem.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <yaml.h>

#include "util.h"

#define FILE_SIZE_MAX (16 * 1024 * 1024)
#define EVALUATE_TIMEOUT_USEC (30 * 1000000ULL)
#define DEPTH_MAX 64
#define YAML_NODES_MAX 100000 /* aliases can make a small file a huge tree */

typedef enum Kind { KIND_JS, KIND_JSON, KIND_YAML, KIND_UNKNOWN } Kind;

static Kind kind_of(const char *path) {
        if (endswith(path, ".js") || endswith(path, ".cjs") || endswith(path, ".mjs"))
                return KIND_JS;
        if (endswith(path, ".json"))
                return KIND_JSON;
        if (endswith(path, ".yml") || endswith(path, ".yaml"))
                return KIND_YAML;
        return KIND_UNKNOWN;
}

static int read_file(const char *path, char **ret, size_t *ret_len, char **ret_error) {
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        _cleanup_free_ char *data = NULL;
        struct stat st;

        if (!f || fstat(fileno(f), &st) < 0) {
                int r = -errno;
                (void) asprintf_safe(ret_error, "%s: cannot read: %s", path, strerror(-r));
                return r;
        }
        if (!S_ISREG(st.st_mode) || st.st_size > FILE_SIZE_MAX) {
                (void) asprintf_safe(ret_error, "%s: %s", path, S_ISREG(st.st_mode) ? "larger than 16 MiB" : "not a regular file");
                return -EINVAL;
        }
        if (!(data = malloc((size_t) st.st_size + 1)))
                return -ENOMEM;
        size_t n = fread(data, 1, (size_t) st.st_size, f);
        if (ferror(f)) {
                (void) asprintf_safe(ret_error, "%s: cannot read: %s", path, strerror(EIO));
                return -EIO;
        }
        data[n] = 0;
        *ret = TAKE_PTR(data);
        *ret_len = n;
        return 0;
}

static int parse_json(const char *path, const char *text, size_t len, json_object **ret, char **ret_error) {
        json_tokener *tok = json_tokener_new_ex(DEPTH_MAX);
        json_object *obj;

        if (!tok)
                return -ENOMEM;
        json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
        /* With its NUL: a number at the very end is only complete when json-c sees what follows. */
        obj = json_tokener_parse_ex(tok, text, (int) len + 1);
        enum json_tokener_error e = json_tokener_get_error(tok);
        size_t offset = json_tokener_get_parse_end(tok);
        json_tokener_free(tok);
        if (e != json_tokener_success || offset < len) {
                size_t line = 1;
                for (size_t i = 0; i < offset && i < len; i++)
                        line += text[i] == '\n';
                (void) asprintf_safe(ret_error, "%s:%zu: not valid JSON: %s", path, line,
                                     e == json_tokener_continue ? "unexpected end of file"
                                     : e == json_tokener_success ? "text after the end of the value"
                                                                 : json_tokener_error_desc(e));
                json_object_put(obj);
                return -EINVAL;
        }
        *ret = obj;
        return 0;
}

/* --- YAML ----------------------------------------------------------------------------------- */

static bool matches(const char *s, const char *const *words) {
        for (; *words; words++)
                if (streq(s, *words))
                        return true;
        return false;
}

/* A plain scalar as YAML 1.2's core schema reads it (js-yaml, which PM2 uses, does the same). */
static json_object *yaml_plain_scalar(const char *s) {
        static const char *const nulls[] = { "", "~", "null", "Null", "NULL", NULL };
        static const char *const trues[] = { "true", "True", "TRUE", NULL };
        static const char *const falses[] = { "false", "False", "FALSE", NULL };
        char *end;

        if (matches(s, nulls))
                return NULL;
        if (matches(s, trues) || matches(s, falses))
                return json_object_new_boolean(matches(s, trues));
        if (strspn(s + (s[0] == '-' || s[0] == '+'), "0123456789") == strlen(s + (s[0] == '-' || s[0] == '+')) &&
            s[s[0] == '-' || s[0] == '+']) {
                errno = 0;
                long long v = strtoll(s, &end, 10);
                if (!errno)
                        return json_object_new_int64(v);
        }
        if (strpbrk(s, "0123456789") && !strpbrk(s, "xXoO_:")) {
                errno = 0;
                double d = strtod(s, &end);
                if (!errno && !*end && end != s)
                        return json_object_new_double_s(d, s);
        }
        return json_object_new_string(s);
}

typedef struct YamlWalk {
        yaml_document_t *doc;
        size_t visited;
        char *error;
} YamlWalk;

static int yaml_convert(YamlWalk *w, yaml_node_t *node, unsigned depth, json_object **ret) {
        json_object *obj = NULL;
        int r;

        if (++w->visited > YAML_NODES_MAX || depth > DEPTH_MAX) {
                (void) asprintf_safe(&w->error, "line %zu: nested too deep, or too many nodes (aliases?)",
                                     node->start_mark.line + 1);
                return -E2BIG;
        }
        switch (node->type) {
        case YAML_SCALAR_NODE: {
                const char *s = (const char *) node->data.scalar.value;
                if (strlen(s) != node->data.scalar.length) {
                        (void) asprintf_safe(&w->error, "line %zu: a string contains a NUL byte", node->start_mark.line + 1);
                        return -EINVAL;
                }
                *ret = node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE ? yaml_plain_scalar(s) : json_object_new_string(s);
                return 0;
        }
        case YAML_SEQUENCE_NODE:
                obj = json_object_new_array();
                for (yaml_node_item_t *i = node->data.sequence.items.start; obj && i < node->data.sequence.items.top; i++) {
                        json_object *e = NULL;
                        if ((r = yaml_convert(w, yaml_document_get_node(w->doc, *i), depth + 1, &e)) < 0) {
                                json_object_put(obj);
                                return r;
                        }
                        json_object_array_add(obj, e);
                }
                break;
        case YAML_MAPPING_NODE:
                obj = json_object_new_object();
                for (yaml_node_pair_t *p = node->data.mapping.pairs.start; obj && p < node->data.mapping.pairs.top; p++) {
                        yaml_node_t *key = yaml_document_get_node(w->doc, p->key);
                        json_object *value = NULL;
                        if (!key || key->type != YAML_SCALAR_NODE) {
                                (void) asprintf_safe(&w->error, "line %zu: a key that is not a string",
                                                     node->start_mark.line + 1);
                                json_object_put(obj);
                                return -EINVAL;
                        }
                        if ((r = yaml_convert(w, yaml_document_get_node(w->doc, p->value), depth + 1, &value)) < 0) {
                                json_object_put(obj);
                                return r;
                        }
                        json_object_object_add(obj, (const char *) key->data.scalar.value, value);
                }
                break;
        default:
                obj = NULL;
        }
        if (!obj && node->type != YAML_NO_NODE)
                return -ENOMEM;
        *ret = obj;
        return 0;
}

static int parse_yaml(const char *path, const char *text, size_t len, json_object **ret, char **ret_error) {
        yaml_parser_t parser;
        yaml_document_t doc;
        YamlWalk w = { .doc = &doc };
        int r;

        if (!yaml_parser_initialize(&parser))
                return -ENOMEM;
        yaml_parser_set_input_string(&parser, (const unsigned char *) text, len);
        if (!yaml_parser_load(&parser, &doc)) {
                (void) asprintf_safe(ret_error, "%s:%zu: not valid YAML: %s", path, parser.problem_mark.line + 1,
                                     strempty(parser.problem));
                yaml_parser_delete(&parser);
                return -EINVAL;
        }
        yaml_node_t *root = yaml_document_get_root_node(&doc);
        if (!root) {
                (void) asprintf_safe(ret_error, "%s: empty YAML document", path);
                r = -EINVAL;
        } else if ((r = yaml_convert(&w, root, 0, ret)) < 0 && w.error)
                (void) asprintf_safe(ret_error, "%s:%s", path, w.error);
        free(w.error);
        yaml_document_delete(&doc);
        yaml_parser_delete(&parser);
        return r;
}

/* --- JavaScript: node evaluates it ------------------------------------------------------------ */

static void child_evaluate(const char *evaluator, const char *path, int result_fd) {
        /* fd 3 is the result pipe; stdout joins stderr so that what the file prints stays apart. */
        if (result_fd == 3 ? fcntl(3, F_SETFD, 0) < 0 : dup2(result_fd, 3) < 0)
                _exit(127);
        if (dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
                _exit(127);
        (void) setpgid(0, 0);
        execlp("node", "node", evaluator, path, (char *) NULL);
        fprintf(stderr, "clusterctl: cannot run node: %s\n", strerror(errno));
        _exit(errno == ENOENT ? 126 : 127);
}

static int evaluate_js(const char *path, const char *evaluator, json_object **ret, char **ret_error) {
        _cleanup_buffer_ Buffer out = {};
        int fds[2], status = 0, r = 0;

        if (access(evaluator, R_OK) < 0) {
                (void) asprintf_safe(ret_error, "%s: cannot evaluate it: the evaluator %s is missing (%s)", path,
                                     evaluator, strerror(errno));
                return -ENOENT;
        }
        if (pipe2(fds, O_CLOEXEC) < 0)
                return -errno;
        fflush(NULL);
        pid_t pid = fork();
        if (pid < 0) {
                r = -errno;
                close(fds[0]);
                close(fds[1]);
                return r;
        }
        if (pid == 0)
                child_evaluate(evaluator, path, fds[1]);
        close(fds[1]);

        uint64_t deadline = now_usec() + EVALUATE_TIMEOUT_USEC;
        for (;;) {
                char buf[65536];
                uint64_t now = now_usec();
                struct pollfd p = { .fd = fds[0], .events = POLLIN };
                if (now >= deadline) {
                        r = -ETIME;
                        break;
                }
                int n = poll(&p, 1, (int) ((deadline - now + 999) / 1000));
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0) {
                        r = n < 0 ? -errno : -ETIME;
                        break;
                }
                ssize_t got = read(fds[0], buf, sizeof(buf));
                if (got < 0 && errno == EINTR)
                        continue;
                if (got <= 0) {
                        r = got < 0 ? -errno : 0;
                        break;
                }
                if (out.len + (size_t) got > FILE_SIZE_MAX) {
                        r = -E2BIG;
                        break;
                }
                if (buffer_append(&out, buf, (size_t) got) < 0) {
                        r = -ENOMEM;
                        break;
                }
        }
        close(fds[0]);
        if (r < 0)
                (void) kill(-pid, SIGKILL);
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                ;
        if (r == -ETIME || r == -E2BIG) {
                (void) asprintf_safe(ret_error, "%s: node %s", path, r == -ETIME ? "took longer than 30 s to evaluate it"
                                                                              : "returned more than 16 MiB");
                return r;
        }
        if (r < 0)
                return r;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
                bool no_node = WIFEXITED(status) && WEXITSTATUS(status) == 126;
                (void) asprintf_safe(ret_error, no_node ? "%s: reading it needs node, which is not installed (Debian: "
                                                          "apt-get install nodejs)"
                                                        : "%s: node cannot evaluate it (its error is above)", path);
                return -EINVAL;
        }
        return parse_json(path, strempty(out.data), out.len, ret, ret_error);
}

int ecosystem_read(const char *path, const char *evaluator, json_object **ret, char **ret_error) {
        _cleanup_free_ char *text = NULL;
        size_t len = 0;
        int r;

        *ret_error = NULL;
        Kind kind = kind_of(path);
        if (kind == KIND_UNKNOWN) {
                (void) asprintf_safe(ret_error, "%s: not an ecosystem file (PM2's are named *.config.js, .cjs, .mjs, "
                                                ".json, .yml or .yaml)", path);
                return -EINVAL;
        }
        r = read_file(path, &text, &len, ret_error); /* for JS too: a clear error when it is unreadable */
        if (r < 0)
                return r;
        if (kind == KIND_JS)
                return evaluate_js(path, evaluator, ret, ret_error);
        if (memchr(text, 0, len)) {
                (void) asprintf_safe(ret_error, "%s: not a text file (it contains NUL bytes)", path);
                return -EINVAL;
        }
        return kind == KIND_JSON ? parse_json(path, text, len, ret, ret_error) : parse_yaml(path, text, len, ret, ret_error);
}
