/* Escaping text from apps and the journal for terminals and JSON; see printable.h. */
#include "printable.h"

#include "escape.h"
#include "util.h"

static bool is_c1(uint32_t cp) {
        return cp >= 0x80 && cp <= 0x9F;
}

/* Appends the character at *p, escaped if it must be, and moves *p past it. */
static int append_printable(Buffer *b, const char **p) {
        static const char *const named[0x20] = {
                ['\a'] = "\\a", ['\b'] = "\\b", ['\n'] = "\\n", ['\v'] = "\\v",
                ['\f'] = "\\f", ['\r'] = "\\r", ['\033'] = "\\e",
        };
        uint32_t cp;
        size_t len = utf8_decode_one(*p, &cp);

        if (len == 0) {
                unsigned char c = (unsigned char) **p;
                (*p)++;
                return buffer_printf(b, "\\x%02x", c);
        }
        *p += len;
        if ((cp < 0x20 && cp != '\t') || cp == 0x7F)
                return cp < 0x20 && named[cp] ? buffer_puts(b, named[cp]) : buffer_printf(b, "\\x%02x", (unsigned) cp);
        if (is_c1(cp))
                return buffer_printf(b, "\\u%04x", (unsigned) cp);
        return buffer_append(b, *p - len, len);
}

char *printable_text(const char *s) {
        return printable_text_cut(s, SIZE_MAX);
}

char *printable_text_cut(const char *s, size_t max) {
        _cleanup_buffer_ Buffer b = {};
        size_t fits = 0; /* the longest run of whole characters that leaves room for "..." */
        int r = 0;

        for (const char *p = strempty(s); *p && r >= 0 && b.len <= max;) {
                if (b.len + 3 <= max)
                        fits = b.len;
                r = append_printable(&b, &p);
        }
        if (r >= 0 && b.len > max) {
                /* Cut between two characters, never inside an escape or a UTF-8 sequence. */
                b.len = fits;
                b.data[fits] = 0;
                r = buffer_puts(&b, "...");
        }
        return r < 0 ? NULL : buffer_steal(&b);
}

char *json_string(const char *s) {
        _cleanup_buffer_ Buffer b = {};
        int r = buffer_puts(&b, "\"");

        for (const char *p = strempty(s); *p && r >= 0;) {
                uint32_t cp;
                size_t len = utf8_decode_one(p, &cp);

                if (len == 0) {
                        r = buffer_puts(&b, "\\ufffd");
                        p++;
                        continue;
                }
                switch (cp) {
                case '"':
                        r = buffer_puts(&b, "\\\"");
                        break;
                case '\\':
                        r = buffer_puts(&b, "\\\\");
                        break;
                case '\n':
                        r = buffer_puts(&b, "\\n");
                        break;
                case '\r':
                        r = buffer_puts(&b, "\\r");
                        break;
                case '\t':
                        r = buffer_puts(&b, "\\t");
                        break;
                case '\b':
                        r = buffer_puts(&b, "\\b");
                        break;
                case '\f':
                        r = buffer_puts(&b, "\\f");
                        break;
                default:
                        if (cp < 0x20 || cp == 0x7F || is_c1(cp))
                                r = buffer_printf(&b, "\\u%04x", (unsigned) cp);
                        else
                                r = buffer_append(&b, p, len);
                }
                p += len;
        }
        if (r < 0 || buffer_puts(&b, "\"") < 0)
                return NULL;
        return buffer_steal(&b);
}
