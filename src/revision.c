/* Revision text format, load records and change summaries. */
#include "revision.h"

#include <inttypes.h>

#include "marker.h"
#include "util.h"

#define REVISION_MAGIC "clusterctl-revision 1\n"

void revision_done(Revision *r) {
        free(r->origin);
        free(r->change);
        free(r->config_path);
        free(r->config_text);
        unit_set_done(&r->units);
        *r = (Revision) {};
}

uint64_t revision_units_hash(const UnitSet *s) {
        UnitSet fixed = {};
        size_t n = 0;

        /* A view of the files without drop-ins: the texts are borrowed, not copied. */
        UnitFile *files = calloc(s->n_files ? s->n_files : 1, sizeof(UnitFile));
        if (!files)
                return 0;
        for (size_t i = 0; i < s->n_files; i++)
                if (!strchr(s->files[i].path, '/'))
                        files[n++] = s->files[i];
        fixed = (UnitSet) { .files = files, .n_files = n };
        uint64_t h = unit_set_hash(&fixed);
        free(files);
        return h;
}

/* One word or one line: what the header may hold without breaking the format. */
static bool is_line(const char *s) {
        return s && !strchr(s, '\n');
}

int revision_format(const Revision *r, char **ret) {
        _cleanup_buffer_ Buffer b = {};

        if (!is_line(r->origin) || strchr(r->origin, ' ') || (r->change && !is_line(r->change)) ||
            (r->config_path && !is_line(r->config_path)))
                return -EINVAL;
        if (buffer_puts(&b, REVISION_MAGIC) < 0 ||
            buffer_printf(&b, "number %u\ntime %" PRIu64 "\nhash %016" PRIx64 "\norigin %s\n", r->number, r->time_usec,
                          r->units_hash, r->origin) < 0 ||
            (r->change && buffer_printf(&b, "change %s\n", r->change) < 0) ||
            (r->config_path && buffer_printf(&b, "config-path %s\n", r->config_path) < 0))
                return -ENOMEM;
        for (size_t i = 0; i < r->units.n_files; i++) {
                const UnitFile *f = &r->units.files[i];
                if (strchr(f->path, '/') || strchr(f->path, ' ') || !is_line(f->path))
                        return -EINVAL;
                if (buffer_printf(&b, "file %s %zu\n", f->path, strlen(f->text)) < 0 || buffer_puts(&b, f->text) < 0 ||
                    buffer_puts(&b, "\n") < 0)
                        return -ENOMEM;
        }
        if (r->config_text &&
            (buffer_printf(&b, "config %zu\n", strlen(r->config_text)) < 0 || buffer_puts(&b, r->config_text) < 0 ||
             buffer_puts(&b, "\n") < 0))
                return -ENOMEM;
        if (buffer_puts(&b, "end\n") < 0)
                return -ENOMEM;
        *ret = buffer_steal(&b);
        return 0;
}

/* Reads "KEY VALUE\n" at *p (VALUE up to the newline); advances past it. */
static bool read_line(const char **p, const char *end, const char *key, char **ret_value) {
        size_t kl = strlen(key);
        const char *nl = memchr(*p, '\n', (size_t) (end - *p));

        if (!nl || (size_t) (nl - *p) <= kl || strncmp(*p, key, kl) != 0 || (*p)[kl] != ' ')
                return false;
        if (!(*ret_value = strndup(*p + kl + 1, (size_t) (nl - *p) - kl - 1)))
                return false;
        *p = nl + 1;
        return true;
}

static bool parse_u64(const char *s, int base, uint64_t *ret) {
        char *e;
        if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
                return false;
        errno = 0;
        unsigned long long v = strtoull(s, &e, base);
        if (errno || *e)
                return false;
        *ret = v;
        return true;
}

/* "LENGTH\n" + LENGTH bytes + "\n" starting at *p. */
static int read_blob(const char **p, const char *end, const char *len_text, char **ret) {
        uint64_t len;
        if (!parse_u64(len_text, 10, &len) || len > (uint64_t) (end - *p) || (uint64_t) (end - *p) - len < 1 ||
            (*p)[len] != '\n' || memchr(*p, 0, len))
                return -EBADMSG;
        if (!(*ret = strndup(*p, len)))
                return -ENOMEM;
        *p += len + 1;
        return 0;
}

/* A file of `app` directly in the unit directory: APP@.service, APP.target, APP.socket, APP@.socket. */
static bool is_app_file(const char *path, const char *app) {
        size_t al = strlen(app);
        return strncmp(path, app, al) == 0 && (path[al] == '@' || path[al] == '.') && !strchr(path, '/') &&
               !strchr(path, ' ') && !streq(path + al, ".") && !startswith(path + al, "..");
}

int revision_parse(const char *text, size_t size, const char *app, Revision *ret) {
        _cleanup_(revision_done) Revision r = {};
        const char *p = text, *end = text + size;
        _cleanup_free_ char *number = NULL, *time = NULL, *hash = NULL;
        uint64_t v;
        int e;

        if (size < strlen(REVISION_MAGIC) || strncmp(p, REVISION_MAGIC, strlen(REVISION_MAGIC)) != 0)
                return -EBADMSG;
        p += strlen(REVISION_MAGIC);
        if (!read_line(&p, end, "number", &number) || !parse_u64(number, 10, &v) || v == 0 || v > UINT32_MAX)
                return -EBADMSG;
        r.number = (unsigned) v;
        if (!read_line(&p, end, "time", &time) || !parse_u64(time, 10, &r.time_usec))
                return -EBADMSG;
        if (!read_line(&p, end, "hash", &hash) || strlen(hash) != 16 || !parse_u64(hash, 16, &r.units_hash))
                return -EBADMSG;
        if (!read_line(&p, end, "origin", &r.origin) || !*r.origin || strchr(r.origin, ' '))
                return -EBADMSG;
        (void) read_line(&p, end, "change", &r.change);
        (void) read_line(&p, end, "config-path", &r.config_path);
        for (;;) {
                _cleanup_free_ char *spec = NULL, *len = NULL;
                char *space, *body = NULL;
                if (read_line(&p, end, "file", &spec)) {
                        if (!(space = strrchr(spec, ' ')))
                                return -EBADMSG;
                        *space = 0;
                        if (!is_app_file(spec, app) || unit_set_find(&r.units, spec))
                                return -EBADMSG;
                        if ((e = read_blob(&p, end, space + 1, &body)) < 0 || (e = unit_set_add(&r.units, spec, body)) < 0)
                                return e;
                } else if (!r.config_text && read_line(&p, end, "config", &len)) {
                        if ((e = read_blob(&p, end, len, &r.config_text)) < 0)
                                return e;
                } else
                        break;
        }
        if ((size_t) (end - p) != strlen("end\n") || strncmp(p, "end\n", 4) != 0)
                return -EBADMSG;
        if (r.units.n_files == 0 || revision_units_hash(&r.units) != r.units_hash)
                return -EBADMSG;
        *ret = r;
        r = (Revision) {};
        return 0;
}

/* --- what changed ------------------------------------------------------------------------ */

/* "Key=value" lines of a unit file's own sections: no comments, no marker section. */
static char **setting_lines(const char *text) {
        char **l = NULL;
        for (const char *p = text; p && *p;) {
                const char *nl = strchr(p, '\n');
                size_t len = nl ? (size_t) (nl - p) : strlen(p);
                if (len == strlen(MARKER_SECTION) && strncmp(p, MARKER_SECTION, len) == 0)
                        break;
                if (len > 0 && p[0] != '#' && p[0] != ';' && p[0] != '[' && memchr(p, '=', len)) {
                        char *line = strndup(p, len);
                        if (!line || strv_push(&l, line) < 0) {
                                strv_free(l);
                                return NULL;
                        }
                }
                p = nl ? nl + 1 : NULL;
        }
        return l ? l : calloc(1, sizeof(char *));
}

/* What a setting line is about: its key, and for Environment= the variable it sets. */
static char *setting_name(const char *line) {
        size_t kl = strcspn(line, "=");
        if (kl == strlen("Environment") && strncmp(line, "Environment", kl) == 0) {
                const char *v = line + kl + 1;
                v += *v == '"';
                return strndup(v, strcspn(v, "=\""));
        }
        return strndup(line, kl);
}

static bool is_environment(const char *line) {
        return startswith(line, "Environment=");
}

/* Adds the names of lines in `a` that `b` lacks (by count: a repeated line counts each time). */
static int add_differences(char **a, char **b, char ***keys, char ***env) {
        size_t nb = strv_length(b);
        _cleanup_free_ bool *used = calloc(nb ? nb : 1, sizeof(bool));
        if (!used)
                return -ENOMEM;
        for (size_t i = 0; a && a[i]; i++) {
                bool found = false;
                for (size_t j = 0; j < nb && !found; j++)
                        if (!used[j] && streq(a[i], b[j]))
                                used[j] = found = true;
                if (found)
                        continue;
                _cleanup_free_ char *name = setting_name(a[i]);
                char ***into = is_environment(a[i]) ? env : keys;
                if (!name)
                        return -ENOMEM;
                if (!strv_contains(*into, name) && strv_extend(into, name) < 0)
                        return -ENOMEM;
        }
        return 0;
}

static int append_list(Buffer *b, const char *label, char **items) {
        if (!items || !items[0])
                return 0;
        if (buffer_printf(b, "%s%s", b->len ? "; " : "", label) < 0)
                return -ENOMEM;
        for (size_t i = 0; items[i]; i++)
                if (buffer_printf(b, "%s%s", i ? ", " : "", items[i]) < 0)
                        return -ENOMEM;
        return 0;
}

static int cut_to(char *s, size_t max_width, char **ret) {
        size_t chars = 0, i = 0;
        for (; s[i]; i++)
                if (((unsigned char) s[i] & 0xC0) != 0x80 && ++chars > max_width)
                        break;
        if (max_width > 0 && s[i]) {
                /* Back to the start of the last character that fits with the ellipsis. */
                size_t keep = 0;
                chars = 0;
                for (size_t k = 0; s[k]; k++)
                        if (((unsigned char) s[k] & 0xC0) != 0x80 && chars++ == max_width - 1) {
                                keep = k;
                                break;
                        }
                s[keep] = 0;
                if (asprintf_safe(ret, "%s…", s) < 0)
                        return -ENOMEM;
                free(s);
                return 0;
        }
        *ret = s;
        return 0;
}

int revision_change_summary(const UnitSet *old, const UnitSet *new, size_t max_width, char **ret) {
        _cleanup_strv_free_ char **keys = NULL, **env = NULL, **added = NULL, **removed = NULL;
        _cleanup_buffer_ Buffer b = {};
        int e;

        if (!old)
                return (*ret = strdup("first revision")) ? 0 : -ENOMEM;
        for (size_t i = 0; i < new->n_files; i++) {
                const UnitFile *f = &new->files[i], *o = unit_set_find(old, f->path);
                if (strchr(f->path, '/'))
                        continue;
                if (!o) {
                        if (strv_extend(&added, f->path) < 0)
                                return -ENOMEM;
                        continue;
                }
                _cleanup_strv_free_ char **a = setting_lines(f->text), **z = setting_lines(o->text);
                if (!a || !z)
                        return -ENOMEM;
                if ((e = add_differences(a, z, &keys, &env)) < 0 || (e = add_differences(z, a, &keys, &env)) < 0)
                        return e;
        }
        for (size_t i = 0; i < old->n_files; i++)
                if (!strchr(old->files[i].path, '/') && !unit_set_find(new, old->files[i].path) &&
                    strv_extend(&removed, old->files[i].path) < 0)
                        return -ENOMEM;
        if (env) {
                _cleanup_buffer_ Buffer e_list = {};
                for (size_t i = 0; env[i]; i++)
                        if (buffer_printf(&e_list, "%s%s", i ? ", " : "", env[i]) < 0)
                                return -ENOMEM;
                /* Environment first: the change people make most. */
                if (buffer_printf(&b, "Environment (%s)", e_list.data) < 0)
                        return -ENOMEM;
                /* keys may hold "Environment" for a line without a name: drop it, it is covered. */
        }
        for (size_t i = 0; keys && keys[i]; i++)
                if (!(env && streq(keys[i], "Environment")) &&
                    buffer_printf(&b, "%s%s", b.len ? ", " : "", keys[i]) < 0)
                        return -ENOMEM;
        if ((e = append_list(&b, "added ", added)) < 0 || (e = append_list(&b, "removed ", removed)) < 0)
                return e;
        if (b.len == 0 && buffer_puts(&b, "no change in the units") < 0)
                return -ENOMEM;
        return cut_to(buffer_steal(&b), max_width, ret);
}

/* --- loads --------------------------------------------------------------------------------- */

int revision_loads_format(const RevisionLoad *loads, size_t n, char **ret) {
        _cleanup_buffer_ Buffer b = {};
        for (size_t i = 0; i < n; i++) {
                for (size_t k = 0; k < 16; k++)
                        if (buffer_printf(&b, "%02x", loads[i].boot_id[k]) < 0)
                                return -ENOMEM;
                if (buffer_printf(&b, " %" PRIu64 " %" PRIu64 " %u %016" PRIx64 "\n", loads[i].monotonic_usec,
                                  loads[i].realtime_usec, loads[i].number, loads[i].units_hash) < 0)
                        return -ENOMEM;
        }
        *ret = buffer_steal(&b);
        return 0;
}

static bool parse_load(const char *line, RevisionLoad *ret) {
        char boot[33], mono[24], real[24], num[12], hash[17], extra;
        RevisionLoad l = {};
        uint64_t v;

        if (sscanf(line, "%32s %23s %23s %11s %16s %c", boot, mono, real, num, hash, &extra) != 5 ||
            strlen(boot) != 32 || strspn(boot, "0123456789abcdef") != 32 || strlen(hash) != 16 ||
            !parse_u64(mono, 10, &l.monotonic_usec) || !parse_u64(real, 10, &l.realtime_usec) ||
            !parse_u64(num, 10, &v) || v == 0 || v > UINT32_MAX || !parse_u64(hash, 16, &l.units_hash))
                return false;
        for (size_t k = 0; k < 16; k++) {
                char byte[3] = { boot[2 * k], boot[2 * k + 1], 0 };
                l.boot_id[k] = (uint8_t) strtoul(byte, NULL, 16);
        }
        l.number = (unsigned) v;
        *ret = l;
        return true;
}

int revision_loads_parse(const char *text, RevisionLoad **ret, size_t *ret_n) {
        RevisionLoad *l = NULL;
        size_t n = 0;

        for (const char *p = text; p && *p;) {
                const char *nl = strchr(p, '\n');
                _cleanup_free_ char *line = NULL;
                RevisionLoad one;
                if (!nl)
                        break; /* a line without its newline was cut short */
                if (!(line = strndup(p, (size_t) (nl - p)))) {
                        free(l);
                        return -ENOMEM;
                }
                if (parse_load(line, &one)) {
                        RevisionLoad *m = realloc(l, sizeof(RevisionLoad) * (n + 1));
                        if (!m) {
                                free(l);
                                return -ENOMEM;
                        }
                        l = m;
                        l[n++] = one;
                }
                p = nl + 1;
        }
        *ret = l;
        *ret_n = n;
        return 0;
}

/* The newest number the manager loaded with these units. */
static unsigned newest_with_hash(const RevisionLoad *loads, size_t n, uint64_t hash) {
        unsigned best = 0;
        for (size_t i = 0; i < n; i++)
                if (loads[i].units_hash == hash)
                        best = loads[i].number;
        return best;
}

unsigned revision_of_process(const RevisionLoad *loads, size_t n, const uint8_t boot_id[16], uint64_t start_monotonic) {
        size_t first_this_boot = n;
        ssize_t found = -1;

        if (start_monotonic == 0)
                return 0;
        for (size_t i = 0; i < n; i++) {
                if (memcmp(loads[i].boot_id, boot_id, 16) != 0)
                        continue;
                if (first_this_boot == n)
                        first_this_boot = i;
                if (loads[i].monotonic_usec <= start_monotonic)
                        found = (ssize_t) i;
        }
        /* Started before any load of this boot: what the manager read from disk at its start. */
        if (found < 0 && first_this_boot > 0)
                found = (ssize_t) first_this_boot - 1;
        if (found < 0)
                return 0;
        return newest_with_hash(loads, n, loads[found].units_hash);
}

unsigned revision_loaded(const RevisionLoad *loads, size_t n) {
        return n > 0 ? newest_with_hash(loads, n, loads[n - 1].units_hash) : 0;
}
