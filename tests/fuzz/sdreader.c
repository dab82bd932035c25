/* The systemd-like unit file reader; see sdreader.h. Each function names the systemd 252 code
 * whose behaviour it copies, so a difference can be checked against the original. */
#include "sdreader.h"

#include <stdarg.h>
#include <stdint.h>

#include "util.h"

#define WHITESPACE " \t\n\r"
#define COMMENTS "#;"
#define UTF8_BOM "\xef\xbb\xbf"

_printf_(1, 2) static char *message(const char *fmt, ...) {
        va_list ap;
        char *s = NULL;

        va_start(ap, fmt);
        if (vasprintf(&s, fmt, ap) < 0)
                abort();
        va_end(ap);
        return s;
}

static void *xrealloc(void *p, size_t n) {
        p = realloc(p, n ? n : 1);
        if (!p)
                abort();
        return p;
}

static char *xstrndup(const char *s, size_t n) {
        char *c = strndup(s, n);
        if (!c)
                abort();
        return c;
}

static void push(char ***l, char *s) {
        if (strv_push(l, s) < 0)
                abort();
}

static char **empty_strv(void) {
        char **l = calloc(1, sizeof(char *));
        if (!l)
                abort();
        return l;
}

/* ---- UTF-8 (utf8.c) ---- */

static bool unichar_is_valid(uint32_t ch) {
        if (ch >= 0x110000)
                return false;
        if ((ch & 0xFFFFF800) == 0xD800)
                return false;
        if (ch >= 0xFDD0 && ch <= 0xFDEF)
                return false;
        if ((ch & 0xFFFE) == 0xFFFE)
                return false;
        return true;
}

static size_t encoded_expected_len(unsigned char c) {
        if ((c & 0x80) == 0)
                return 1;
        if ((c & 0xe0) == 0xc0)
                return 2;
        if ((c & 0xf0) == 0xe0)
                return 3;
        if ((c & 0xf8) == 0xf0)
                return 4;
        if ((c & 0xfc) == 0xf8)
                return 5;
        if ((c & 0xfe) == 0xfc)
                return 6;
        return 0;
}

static size_t unichar_encoded_len(uint32_t u) {
        return u < 0x80 ? 1 : u < 0x800 ? 2 : u < 0x10000 ? 3 : u < 0x200000 ? 4 : u < 0x4000000 ? 5 : 6;
}

/* utf8_encoded_valid_unichar(): the length of the valid character at s, or 0. */
static size_t valid_unichar_len(const unsigned char *s) {
        size_t len = encoded_expected_len(s[0]);
        uint32_t u;

        if (len == 0)
                return 0;
        if (len == 1)
                return 1;
        for (size_t i = 0; i < len; i++)
                if ((s[i] & 0x80) != 0x80) /* also stops at the NUL of a cut-off sequence */
                        return 0;
        static const unsigned char first_mask[7] = { 0, 0x7f, 0x1f, 0x0f, 0x07, 0x03, 0x01 };
        u = s[0] & first_mask[len];
        for (size_t i = 1; i < len; i++) {
                if ((s[i] & 0xc0) != 0x80)
                        return 0;
                u = (u << 6) | (s[i] & 0x3f);
        }
        if (unichar_encoded_len(u) != len || !unichar_is_valid(u))
                return 0;
        return len;
}

bool sd_utf8_is_valid(const char *s) {
        for (const unsigned char *p = (const unsigned char *) s; *p;) {
                size_t len = valid_unichar_len(p);
                if (len == 0)
                        return false;
                p += len;
        }
        return true;
}

bool sd_string_is_safe(const char *s) {
        for (const unsigned char *p = (const unsigned char *) s; *p; p++)
                if (*p < ' ' || *p == 0x7f || strchr("\"'\\", *p))
                        return false;
        return true;
}

/* ---- lines, sections, assignments (conf-parser.c) ---- */

void sd_unit_done(SdUnit *u) {
        for (size_t i = 0; i < u->n_assignments; i++) {
                free(u->assignments[i].section);
                free(u->assignments[i].key);
                free(u->assignments[i].value);
        }
        free(u->assignments);
        strv_free(u->sections);
        *u = (SdUnit) {};
}

/* strstrip(): WHITESPACE off both ends, in place. */
static char *strip(char *s) {
        s += strspn(s, WHITESPACE);
        size_t n = strlen(s);
        while (n > 0 && strchr(WHITESPACE, s[n - 1]))
                s[--n] = 0;
        return s;
}

typedef struct ParseState {
        SdUnit unit;
        char *section;
        char *error;
} ParseState;

/* parse_line(): one logical line. */
static int parse_line(ParseState *st, unsigned line, char *l) {
        l = strip(l);
        if (!*l)
                return 0;
        if (!sd_utf8_is_valid(l)) {
                st->error = message("line %u: not UTF-8 clean (systemd refuses the whole file): %s", line, l);
                return -EBADMSG;
        }
        if (startswith(l, ".include ")) {
                st->error = message("line %u: .include directive: %s", line, l);
                return -EBADMSG;
        }
        if (l[0] == '[') {
                size_t k = strlen(l);
                if (l[k - 1] != ']') {
                        st->error = message("line %u: invalid section header: %s", line, l);
                        return -EBADMSG;
                }
                char *n = xstrndup(l + 1, k - 2);
                if (!sd_string_is_safe(n)) {
                        st->error = message("line %u: bad characters in section header: %s", line, l);
                        free(n);
                        return -EBADMSG;
                }
                free(st->section);
                st->section = n;
                push(&st->unit.sections, xstrndup(n, strlen(n)));
                return 0;
        }
        if (!st->section) {
                st->error = message("line %u: assignment outside of a section: %s", line, l);
                return -EBADMSG;
        }
        char *e = strchr(l, '=');
        if (!e) {
                st->error = message("line %u: missing '=': %s", line, l);
                return -EBADMSG;
        }
        if (e == l) {
                st->error = message("line %u: missing key name before '=': %s", line, l);
                return -EBADMSG;
        }
        *e = 0;
        char *key = strip(l), *value = strip(e + 1);
        SdUnit *u = &st->unit;
        u->assignments = xrealloc(u->assignments, sizeof(SdAssignment) * (u->n_assignments + 1));
        u->assignments[u->n_assignments++] = (SdAssignment) {
                .section = xstrndup(st->section, strlen(st->section)),
                .key = xstrndup(key, strlen(key)),
                .value = xstrndup(value, strlen(value)),
                .line = line,
        };
        return 0;
}

int sd_unit_parse(const char *text, SdUnit *ret, char **ret_error) {
        ParseState st = {};
        _cleanup_free_ char *continuation = NULL;
        unsigned line = 0;
        bool bom_seen = false;
        int r = 0;

        st.unit.sections = empty_strv();
        for (const char *p = text; *p;) {
                /* read_line(): a line ends at \n, \r, \r\n or \n\r. */
                size_t len = strcspn(p, "\n\r");
                if (len >= SD_LONG_LINE_MAX) {
                        st.error = message("line %u: line too long (%zu bytes; systemd reads at most %u and then "
                                           "refuses the whole file)",
                                           line + 1, len, SD_LONG_LINE_MAX - 1);
                        r = -EBADMSG;
                        break;
                }
                _cleanup_free_ char *buf = xstrndup(p, len);
                p += len;
                if (*p == '\n' || *p == '\r') {
                        char first = *p++;
                        if ((*p == '\n' || *p == '\r') && *p != first)
                                p++;
                }
                line++;

                const char *first_char = buf + strspn(buf, WHITESPACE);
                if (*first_char && strchr(COMMENTS, *first_char))
                        continue;

                char *l = buf;
                if (!bom_seen && startswith(buf, UTF8_BOM)) {
                        l = buf + strlen(UTF8_BOM);
                        bom_seen = true;
                }

                char *cur;
                if (continuation) {
                        if (strlen(continuation) + strlen(l) > SD_LONG_LINE_MAX) {
                                st.error = message("line %u: continuation line too long", line);
                                r = -EBADMSG;
                                break;
                        }
                        char *joined = strjoin(continuation, l);
                        if (!joined)
                                abort();
                        free(continuation);
                        continuation = cur = joined;
                } else
                        cur = l;

                bool escaped = false;
                char *e;
                for (e = cur; *e; e++) {
                        if (escaped)
                                escaped = false;
                        else if (*e == '\\')
                                escaped = true;
                }
                if (escaped) {
                        *(e - 1) = ' ';
                        if (!continuation)
                                continuation = xstrndup(l, strlen(l));
                        continue;
                }

                r = parse_line(&st, line, cur);
                if (r < 0)
                        break;
                free(continuation);
                continuation = NULL;
        }
        if (r >= 0 && continuation)
                r = parse_line(&st, ++line, continuation);

        free(st.section);
        if (r < 0) {
                sd_unit_done(&st.unit);
                *ret_error = st.error;
                return r;
        }
        *ret = st.unit;
        return 0;
}

/* ---- specifiers (specifier.c, unit-printf.c) ---- */

/* The letters unit_full_printf() knows in systemd 252. */
#define UNIT_SPECIFIERS "iIjJnNpPfyYcrRCdELStaAbBHlmMovwWgGuUTV"

int sd_specifier_printf(const char *s, const char *instance, char **ret, char **ret_used) {
        _cleanup_buffer_ Buffer out = {}, used = {};
        bool percent = false;

        for (const char *f = s; *f; f++) {
                if (percent) {
                        percent = false;
                        if (*f == '%') {
                                buffer_puts(&out, "%");
                                continue;
                        }
                        if (!strchr(UNIT_SPECIFIERS, *f))
                                return -EBADMSG;
                        buffer_append(&used, f, 1);
                        if (*f == 'i')
                                buffer_puts(&out, instance);
                        else {
                                buffer_puts(&out, "\x01");
                                buffer_append(&out, f, 1);
                        }
                } else if (*f == '%')
                        percent = true;
                else
                        buffer_append(&out, f, 1);
        }
        if (percent) { /* a stray '%' at the end stays */
                buffer_puts(&out, "%");
                buffer_puts(&used, "%");
        }
        *ret = out.data ? buffer_steal(&out) : xstrndup("", 0);
        *ret_used = used.data ? buffer_steal(&used) : xstrndup("", 0);
        return 0;
}

/* ---- words (extract-word.c, escape.c) ---- */

static int unhex(char c) {
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}

static void append_utf8(Buffer *b, uint32_t u) {
        char s[4];
        size_t n;
        if (u < 0x80) {
                s[0] = (char) u;
                n = 1;
        } else if (u < 0x800) {
                s[0] = (char) (0xc0 | (u >> 6));
                s[1] = (char) (0x80 | (u & 0x3f));
                n = 2;
        } else if (u < 0x10000) {
                s[0] = (char) (0xe0 | (u >> 12));
                s[1] = (char) (0x80 | ((u >> 6) & 0x3f));
                s[2] = (char) (0x80 | (u & 0x3f));
                n = 3;
        } else {
                s[0] = (char) (0xf0 | (u >> 18));
                s[1] = (char) (0x80 | ((u >> 12) & 0x3f));
                s[2] = (char) (0x80 | ((u >> 6) & 0x3f));
                s[3] = (char) (0x80 | (u & 0x3f));
                n = 4;
        }
        buffer_append(b, s, n);
}

/* cunescape_one(accept_nul = false): p points after the backslash. Appends the character and
 * returns how many bytes it used, or -EINVAL. */
static int cunescape_one(const char *p, Buffer *out) {
        static const char simple_from[] = "abfnrtv\\\"'s", simple_to[] = "\a\b\f\n\r\t\v\\\"' ";
        const char *k = *p ? strchr(simple_from, *p) : NULL;

        if (k) {
                buffer_append(out, &simple_to[k - simple_from], 1);
                return 1;
        }
        if (*p == 'x') {
                int a = unhex(p[1]), b = a >= 0 ? unhex(p[2]) : -1;
                if (a < 0 || b < 0 || (a == 0 && b == 0))
                        return -EINVAL;
                char c = (char) ((a << 4) | b);
                buffer_append(out, &c, 1);
                return 3;
        }
        if (*p == 'u' || *p == 'U') {
                size_t n = *p == 'u' ? 4 : 8;
                uint32_t u = 0;
                for (size_t i = 1; i <= n; i++) {
                        int h = unhex(p[i]);
                        if (h < 0)
                                return -EINVAL;
                        u = (u << 4) | (uint32_t) h;
                }
                if (u == 0 || !unichar_is_valid(u))
                        return -EINVAL;
                append_utf8(out, u);
                return (int) n + 1;
        }
        if (*p >= '0' && *p <= '7') {
                if (!(p[1] >= '0' && p[1] <= '7') || !(p[2] >= '0' && p[2] <= '7'))
                        return -EINVAL;
                unsigned m = ((unsigned) (p[0] - '0') << 6) | ((unsigned) (p[1] - '0') << 3) | (unsigned) (p[2] - '0');
                if (m == 0 || m > 255)
                        return -EINVAL;
                char c = (char) m;
                buffer_append(out, &c, 1);
                return 3;
        }
        return -EINVAL;
}

/* extract_first_word(separators = WHITESPACE, EXTRACT_UNQUOTE|EXTRACT_CUNESCAPE). Returns 1 with a
 * word, 0 at the end, -EINVAL. */
static int extract_first_word(const char **p, char **ret) {
        Buffer w = {};
        char quote = 0;
        const char *s = *p;

        s += strspn(s, WHITESPACE);
        if (!*s) {
                *p = s;
                return 0;
        }
        buffer_puts(&w, ""); /* a word, even if it ends up empty ("") */
        for (;;) {
                char c = *s;
                if (c == '\\') {
                        int r = cunescape_one(s + 1, &w);
                        if (r < 0) { /* also a trailing backslash */
                                buffer_done(&w);
                                return -EINVAL;
                        }
                        s += 1 + r;
                } else if (quote) {
                        if (!c) {
                                buffer_done(&w);
                                return -EINVAL;
                        }
                        if (c == quote)
                                quote = 0;
                        else
                                buffer_append(&w, &c, 1);
                        s++;
                } else {
                        if (!c)
                                break;
                        if (c == '\'' || c == '"')
                                quote = c;
                        else if (strchr(WHITESPACE, c)) {
                                s += strspn(s, WHITESPACE);
                                break;
                        } else
                                buffer_append(&w, &c, 1);
                        s++;
                }
        }
        *p = s;
        *ret = buffer_steal(&w);
        return 1;
}

int sd_split_words(const char *s, char ***ret) {
        char **words = empty_strv();
        int r;

        for (const char *p = s;;) {
                char *w = NULL;
                r = extract_first_word(&p, &w);
                if (r < 0) {
                        strv_free(words);
                        return r;
                }
                if (r == 0)
                        break;
                push(&words, w);
        }
        *ret = words;
        return 0;
}

/* ---- ExecStart= (load-fragment.c: config_parse_exec) ---- */

int sd_parse_exec(const char *value, const char *instance, char ***ret_argv, char **ret_prefixes, char **ret_used,
                  char **ret_error) {
        _cleanup_strv_free_ char **argv = empty_strv();
        _cleanup_buffer_ Buffer prefixes = {}, used = {};
        _cleanup_free_ char *first = NULL;
        const char *p = value;
        int r;

        r = extract_first_word(&p, &first);
        if (r <= 0) {
                *ret_error = message(r < 0 ? "ExecStart=%s: bad quoting or escape" : "ExecStart=%s: no command", value);
                return -EBADMSG;
        }
        if (streq(first, ";")) {
                *ret_error = message("ExecStart=%s: starts with a ';' separator", value);
                return -EBADMSG;
        }
        const char *f = first;
        while (*f && strchr("-@:+!", *f))
                buffer_append(&prefixes, f++, 1);
        char *path = NULL, *u = NULL;
        if (sd_specifier_printf(f, instance, &path, &u) < 0) {
                *ret_error = message("ExecStart=%s: unknown specifier in the path", value);
                return -EBADMSG;
        }
        buffer_puts(&used, u);
        free(u);
        if (!*path) {
                free(path);
                *ret_error = message("ExecStart=%s: empty path", value);
                return -EBADMSG;
        }
        push(&argv, path);

        while (*p) {
                _cleanup_free_ char *word = NULL;
                if (p[0] == ';' && (!p[1] || strchr(WHITESPACE, p[1]))) {
                        *ret_error = message("ExecStart=%s: a second command after an unquoted ';'", value);
                        return -EBADMSG;
                }
                if (p[0] == '\\' && p[1] == ';' && (!p[2] || strchr(WHITESPACE, p[2]))) {
                        p += 2;
                        p += strspn(p, WHITESPACE);
                        push(&argv, xstrndup(";", 1));
                        continue;
                }
                r = extract_first_word(&p, &word);
                if (r == 0)
                        break;
                if (r < 0) {
                        *ret_error = message("ExecStart=%s: bad quoting or escape", value);
                        return -EBADMSG;
                }
                char *resolved = NULL;
                if (sd_specifier_printf(word, instance, &resolved, &u) < 0) {
                        *ret_error = message("ExecStart=%s: unknown specifier in '%s'", value, word);
                        return -EBADMSG;
                }
                buffer_puts(&used, u);
                free(u);
                push(&argv, resolved);
        }
        *ret_argv = TAKE_PTR(argv);
        *ret_prefixes = prefixes.data ? buffer_steal(&prefixes) : xstrndup("", 0);
        *ret_used = used.data ? buffer_steal(&used) : xstrndup("", 0);
        return 0;
}

/* replace_env_argv() and replace_env(REPLACE_ENV_ALLOW_BRACELESS), with no variable set: any
 * substitution at all is reported. */
int sd_exec_time_argv(char *const *argv, char ***ret, char **ret_error) {
        char **out = empty_strv();

        for (size_t i = 0; argv[i]; i++) {
                const char *a = argv[i];
                if (a[0] == '$' && a[1] != '{' && a[1] != '$') {
                        *ret_error = message("argv[%zu] '%s' is a variable reference: replaced by the words of $%s, "
                                             "or dropped when it is unset",
                                             i, a, a + 1);
                        strv_free(out);
                        return -EBADMSG;
                }
                Buffer b = {};
                buffer_puts(&b, "");
                for (const char *p = a; *p; p++) {
                        if (p[0] == '$' && p[1] == '$') {
                                buffer_puts(&b, "$");
                                p++;
                        } else if (p[0] == '$' && p[1] &&
                                   (p[1] == '{' || strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_", p[1]))) {
                                *ret_error = message("argv[%zu] '%s': '%.2s…' would be replaced by a variable", i, a, p);
                                buffer_done(&b);
                                strv_free(out);
                                return -EBADMSG;
                        } else
                                buffer_append(&b, p, 1);
                }
                push(&out, buffer_steal(&b));
        }
        *ret = out;
        return 0;
}

/* ---- Environment= (load-fragment.c: config_parse_environ) ---- */

int sd_parse_environment(const char *value, const char *instance, char ***ret_assignments, char **ret_used,
                         char **ret_error) {
        _cleanup_strv_free_ char **words = NULL, **out = empty_strv();
        _cleanup_buffer_ Buffer used = {};

        if (sd_split_words(value, &words) < 0) {
                *ret_error = message("Environment=%s: bad quoting or escape", value);
                return -EBADMSG;
        }
        for (size_t i = 0; words[i]; i++) {
                char *resolved = NULL, *u = NULL;
                if (sd_specifier_printf(words[i], instance, &resolved, &u) < 0) {
                        *ret_error = message("Environment=%s: unknown specifier in '%s'", value, words[i]);
                        return -EBADMSG;
                }
                buffer_puts(&used, u);
                free(u);
                const char *why = sd_check_env_assignment(resolved);
                if (why) {
                        *ret_error = message("Environment=%s: '%s' %s (systemd ignores it)", value, resolved, why);
                        free(resolved);
                        return -EBADMSG;
                }
                push(&out, resolved);
        }
        *ret_assignments = TAKE_PTR(out);
        *ret_used = used.data ? buffer_steal(&used) : xstrndup("", 0);
        return 0;
}

/* ---- checks after reading ---- */

/* path_is_valid(): not empty, shorter than PATH_MAX, no component longer than NAME_MAX. */
static bool path_is_valid(const char *p) {
        if (!*p || strlen(p) >= SD_PATH_MAX)
                return false;
        for (const char *c = p; *c;) {
                c += strspn(c, "/");
                size_t n = strcspn(c, "/");
                if (n > SD_NAME_MAX)
                        return false;
                c += n;
        }
        return true;
}

/* path_simplify(): slashes collapsed, "." components and a trailing slash dropped. */
static char *path_simplify(const char *p) {
        Buffer b = {};

        if (p[0] == '/')
                buffer_puts(&b, "/");
        for (const char *c = p; *c;) {
                c += strspn(c, "/");
                size_t n = strcspn(c, "/");
                if (n == 0)
                        break;
                if (!(n == 1 && c[0] == '.')) {
                        if (b.len > 0 && b.data[b.len - 1] != '/')
                                buffer_puts(&b, "/");
                        buffer_append(&b, c, n);
                }
                c += n;
        }
        if (!b.data)
                buffer_puts(&b, "");
        return buffer_steal(&b);
}

/* path_is_normalized() after path_simplify(): no ".." components. */
static bool path_has_dot_dot(const char *p) {
        for (const char *c = p; *c;) {
                c += strspn(c, "/");
                size_t n = strcspn(c, "/");
                if (n == 2 && c[0] == '.' && c[1] == '.')
                        return true;
                c += n;
        }
        return false;
}

const char *sd_check_exec_path(const char *path) {
        if (!*path)
                return "is empty";
        if (!sd_string_is_safe(path))
                return "contains special characters (quotes, backslash or control characters): "
                       "\"Executable name contains special characters\", the unit will not start";
        if (endswith(path, "/"))
                return "names a directory (ends in '/'): the unit will not start";
        if (path[0] != '/')
                return "is not absolute";
        if (!path_is_valid(path))
                return "is not a valid path (too long, or a component over 255 bytes): the unit will not start";
        return NULL;
}

const char *sd_check_absolute_path(const char *path) {
        if (!sd_utf8_is_valid(path))
                return "is not UTF-8";
        if (path[0] != '/')
                return "is not absolute";
        _cleanup_free_ char *simplified = path_simplify(path);
        if (!path_is_valid(simplified))
                return "has an invalid length (too long, or a component over 255 bytes)";
        if (path_has_dot_dot(simplified))
                return "is not normalized (a \"..\" component): systemd refuses it";
        return NULL;
}

/* parse_uid(): decimal, no sign, no leading zero, fits 32 bits, not (uid_t) -1 or 65535. */
static bool parse_uid_ok(const char *s) {
        if (!*s || strspn(s, "0123456789") != strlen(s) || (s[0] == '0' && s[1]))
                return false;
        if (strlen(s) > 10)
                return false;
        unsigned long long v = strtoull(s, NULL, 10);
        return v <= 0xFFFFFFFFULL && v != 0xFFFFFFFFULL && v != 0xFFFFULL;
}

const char *sd_check_user_group(const char *name) {
        if (!*name)
                return "is empty";
        if (parse_uid_ok(name))
                return NULL;
        if (name[0] == ' ' || endswith(name, " "))
                return "has leading or trailing spaces";
        if (!sd_utf8_is_valid(name))
                return "is not UTF-8";
        for (const unsigned char *p = (const unsigned char *) name; *p; p++)
                if (*p < ' ' || *p == 0x7f)
                        return "contains control characters";
        if (strpbrk(name, ":/"))
                return "contains ':' or '/'";
        if (strspn(name, "0123456789") == strlen(name))
                return "is numeric but not a valid UID/GID (leading zero, 65535, 4294967295 or more): "
                       "\"Invalid user/group name or numeric ID\", the unit will not start";
        if (name[0] == '-' && strspn(name + 1, "0123456789") == strlen(name + 1))
                return "is a negative number";
        if (streq(name, ".") || streq(name, ".."))
                return "is '.' or '..'";
        return NULL;
}

const char *sd_check_env_assignment(const char *a) {
        const char *eq = strchr(a, '=');
        if (!eq || eq == a)
                return "is not NAME=value";
        if (a[0] >= '0' && a[0] <= '9')
                return "has a name starting with a digit";
        for (const char *p = a; p < eq; p++)
                if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_", *p))
                        return "has a name that is not [A-Za-z0-9_]";
        if (!sd_utf8_is_valid(eq + 1))
                return "has a value that is not UTF-8";
        return NULL;
}

/* parse_size(base 1024) for the forms a config can give: digits with an optional K M G T P E
 * (or B); then MemoryMax= takes 1 … 2^64-2. */
const char *sd_check_memory_max(const char *value) {
        if (streq(value, "infinity"))
                return NULL;
        size_t digits = strspn(value, "0123456789");
        if (digits == 0)
                return "is not a size";
        const char *suffix = value + digits;
        static const char units[] = "BKMGTPE";
        const char *u = *suffix ? strchr(units, *suffix) : units;
        if (!u || (*suffix && suffix[1]))
                return "is not a size";
        unsigned __int128 v = 0;
        for (size_t i = 0; i < digits; i++) {
                v = v * 10 + (unsigned) (value[i] - '0');
                if (v > UINT64_MAX)
                        return "is out of range: \"Invalid memory limit\", systemd ignores MemoryMax=";
        }
        for (long k = u - units; k > 0; k--) {
                v *= 1024;
                if (v > UINT64_MAX)
                        return "is out of range: \"Invalid memory limit\", systemd ignores MemoryMax=";
        }
        if (v == 0 || v >= UINT64_MAX)
                return "is out of range (0, or 2^64-1 and above): \"Memory limit out of range\", systemd ignores MemoryMax=";
        return NULL;
}
