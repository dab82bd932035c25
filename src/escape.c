/* Escaping values for unit files; see escape.h for the contract. */
#include "escape.h"

#include "util.h"

static bool char_in(char c, const char *set) {
        return c && strchr(set, c);
}

bool app_name_is_valid(const char *name) {
        size_t n = name ? strlen(name) : 0;

        /* A leading '-' would read as an option on every command line that names the app. */
        if (n == 0 || n > APP_NAME_MAX || name[0] == '-')
                return false;
        for (size_t i = 0; i < n; i++) {
                char c = name[i];
                if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '_' || c == '-'))
                        return false;
        }
        return true;
}

bool env_name_is_valid(const char *name) {
        if (!name || !*name || strlen(name) > 256)
                return false;
        if (name[0] >= '0' && name[0] <= '9')
                return false;
        for (const char *p = name; *p; p++)
                if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
                      *p == '_'))
                        return false;
        return true;
}

/* What useradd accepts, plus numeric ids; never anything systemd would reinterpret. */
bool user_name_is_valid(const char *name) {
        size_t n = name ? strlen(name) : 0;

        if (n == 0 || n > 32 || name[0] == '-' || strspn(name, ".") == n)
                return false;
        /* All digits: a numeric ID, which systemd takes only without leading zeros and below
         * 2^32-1, and never 65535 (the 16-bit "nobody" sentinel). */
        if (strspn(name, "0123456789") == n) {
                unsigned long long id = strtoull(name, NULL, 10);
                return (n == 1 || name[0] != '0') && n <= 10 && id < 4294967295ULL && id != 65535;
        }
        for (size_t i = 0; i < n; i++) {
                char c = name[i];
                if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '_' || c == '-' || c == '.' || (c == '$' && i == n - 1)))
                        return false;
        }
        return true;
}

size_t utf8_decode_one(const char *s, uint32_t *ret_cp) {
        const unsigned char *p = (const unsigned char *) s;
        unsigned len;
        uint32_t cp;

        if (*p < 0x80) {
                *ret_cp = *p;
                return *p ? 1 : 0;
        } else if ((*p & 0xE0) == 0xC0) {
                len = 2;
                cp = *p & 0x1F;
        } else if ((*p & 0xF0) == 0xE0) {
                len = 3;
                cp = *p & 0x0F;
        } else if ((*p & 0xF8) == 0xF0) {
                len = 4;
                cp = *p & 0x07;
        } else
                return 0;
        for (unsigned i = 1; i < len; i++) {
                if ((p[i] & 0xC0) != 0x80)
                        return 0; /* also at the terminating NUL */
                cp = (cp << 6) | (p[i] & 0x3F);
        }
        /* Overlong forms, surrogates and values past Unicode are not UTF-8. */
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
            (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
                return 0;
        *ret_cp = cp;
        return len;
}

bool utf8_is_valid(const char *s) {
        while (*s) {
                uint32_t cp;
                size_t len = utf8_decode_one(s, &cp);
                if (len == 0)
                        return false;
                /* Noncharacters: valid UTF-8, but systemd refuses a unit file holding one. */
                if ((cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE)
                        return false;
                s += len;
        }
        return true;
}

int value_check(const char *s) {
        size_t n = 0;

        for (const unsigned char *p = (const unsigned char *) s; *p; p++, n++)
                if (*p < 0x20 || *p == 0x7F)
                        return -EINVAL;
        if (n > VALUE_LENGTH_MAX)
                return -E2BIG;
        if (!utf8_is_valid(s))
                return -EILSEQ;
        return 0;
}

const char *value_check_error(int r) {
        switch (r) {
        case -EINVAL:
                return "contains a control character (newline, tab, …)";
        case -EILSEQ:
                return "is not valid UTF-8, or holds a Unicode noncharacter (U+FDD0..U+FDEF, U+xFFFE, U+xFFFF)";
        case -E2BIG:
                return "is too long (at most 32768 bytes)";
        default:
                return "is not acceptable";
        }
}

/* Appends s with '%' doubled and, when quoted, \ and " escaped and $ doubled if asked. */
static int append_escaped(Buffer *b, const char *s, bool quoted, bool dollar) {
        for (const char *p = s; *p; p++) {
                const char *out = NULL;
                char c[2] = { *p, 0 };

                if (*p == '%')
                        out = "%%";
                else if (quoted && *p == '\\')
                        out = "\\\\";
                else if (quoted && *p == '"')
                        out = "\\\"";
                else if (dollar && *p == '$')
                        out = "$$";
                if (buffer_puts(b, out ? out : c) < 0)
                        return -ENOMEM;
        }
        return 0;
}

int escape_raw(const char *s, char **ret) {
        _cleanup_buffer_ Buffer b = {};
        size_t n = strlen(s);
        int r;

        r = value_check(s);
        if (r < 0)
                return r;
        if (n > 0 && (char_in(s[0], " ") || char_in(s[n - 1], " \\")))
                return -EBADMSG;
        r = append_escaped(&b, s, false, false);
        if (r < 0)
                return r;
        *ret = buffer_steal(&b);
        return 0;
}

static int quote_exec(const char *s, bool dollar, char **ret) {
        _cleanup_buffer_ Buffer b = {};
        int r;

        r = value_check(s);
        if (r < 0)
                return r;
        if (buffer_puts(&b, "\"") < 0 || append_escaped(&b, s, true, dollar) < 0 || buffer_puts(&b, "\"") < 0)
                return -ENOMEM;
        *ret = buffer_steal(&b);
        return 0;
}

int quote_exec_arg(const char *s, char **ret) {
        return quote_exec(s, true, ret);
}

int quote_exec_path(const char *s, char **ret) {
        return quote_exec(s, false, ret);
}

int quote_env_assignment(const char *name, const char *value, char **ret) {
        _cleanup_buffer_ Buffer b = {};
        int r;

        if (!env_name_is_valid(name))
                return -EINVAL;
        r = value_check(value);
        if (r < 0)
                return r;
        if (buffer_printf(&b, "\"%s=", name) < 0 || append_escaped(&b, value, true, false) < 0 ||
            buffer_puts(&b, "\"") < 0)
                return -ENOMEM;
        *ret = buffer_steal(&b);
        return 0;
}

int split_command_line(const char *s, char ***ret) {
        _cleanup_strv_free_ char **words = NULL;
        _cleanup_buffer_ Buffer word = {};
        bool in_word = false;
        int r;

        for (const char *p = s;; p++) {
                if (!*p || *p == ' ' || *p == '\t') {
                        if (in_word) {
                                r = strv_push(&words, buffer_steal(&word));
                                if (r < 0)
                                        return r;
                                in_word = false;
                        }
                        if (!*p)
                                break;
                        continue;
                }
                in_word = true;
                if (*p == '\'') {
                        const char *end = strchr(p + 1, '\'');
                        if (!end)
                                return -EBADMSG;
                        if (buffer_append(&word, p + 1, (size_t) (end - p - 1)) < 0)
                                return -ENOMEM;
                        p = end;
                } else if (*p == '"') {
                        for (p++;; p++) {
                                if (!*p)
                                        return -EBADMSG;
                                if (*p == '"')
                                        break;
                                if (*p == '\\' && char_in(p[1], "\"\\$`"))
                                        p++;
                                if (buffer_append(&word, p, 1) < 0)
                                        return -ENOMEM;
                        }
                } else if (*p == '\\') {
                        if (!p[1])
                                return -EBADMSG;
                        p++;
                        if (buffer_append(&word, p, 1) < 0)
                                return -ENOMEM;
                } else if (buffer_append(&word, p, 1) < 0)
                        return -ENOMEM;
        }
        if (!words)
                return -ENODATA;
        *ret = TAKE_PTR(words);
        return 0;
}
