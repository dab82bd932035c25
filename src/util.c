/* Small helpers shared by every module. */
#include "util.h"

#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <fcntl.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <time.h>

bool startswith(const char *s, const char *prefix) {
        return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool endswith(const char *s, const char *suffix) {
        size_t ls = strlen(s), lx = strlen(suffix);
        return ls >= lx && memcmp(s + ls - lx, suffix, lx) == 0;
}

size_t strv_length(char *const *l) {
        size_t n = 0;
        while (l && l[n])
                n++;
        return n;
}

void strv_free(char **l) {
        for (size_t i = 0; l && l[i]; i++)
                free(l[i]);
        free(l);
}

int strv_push(char ***l, char *value) {
        size_t n = strv_length(*l);
        char **c = realloc(*l, sizeof(char *) * (n + 2));
        if (!c) {
                free(value);
                return -ENOMEM;
        }
        c[n] = value;
        c[n + 1] = NULL;
        *l = c;
        return 0;
}

int strv_extend(char ***l, const char *value) {
        char *v = strdup(value);
        if (!v)
                return -ENOMEM;
        return strv_push(l, v);
}

char **strv_copy(char *const *l) {
        char **c = calloc(strv_length(l) + 1, sizeof(char *));
        if (!c)
                return NULL;
        for (size_t i = 0; l && l[i]; i++)
                if (!(c[i] = strdup(l[i]))) {
                        strv_free(c);
                        return NULL;
                }
        return c;
}

bool strv_contains(char *const *l, const char *s) {
        for (size_t i = 0; l && l[i]; i++)
                if (streq(l[i], s))
                        return true;
        return false;
}

int index_list_add(unsigned **list, size_t *n, unsigned k) {
        for (size_t i = 0; i < *n; i++)
                if ((*list)[i] == k)
                        return 0;
        unsigned *l = realloc(*list, sizeof(unsigned) * (*n + 1));
        if (!l)
                return -ENOMEM;
        *list = l;
        l[(*n)++] = k;
        return 0;
}

static int compare_unsigned(const void *a, const void *b) {
        unsigned x = *(const unsigned *) a, y = *(const unsigned *) b;
        return x < y ? -1 : x > y;
}

void index_list_sort(unsigned *list, size_t n) {
        if (n > 1)
                qsort(list, n, sizeof(unsigned), compare_unsigned);
}

int buffer_append(Buffer *b, const char *s, size_t n) {
        if (b->len + n + 1 > b->size) {
                size_t size = b->size ? b->size : 256;
                while (size < b->len + n + 1)
                        size *= 2;
                char *d = realloc(b->data, size);
                if (!d)
                        return -ENOMEM;
                b->data = d;
                b->size = size;
        }
        memcpy(b->data + b->len, s, n);
        b->len += n;
        b->data[b->len] = 0;
        return 0;
}

int buffer_puts(Buffer *b, const char *s) {
        return buffer_append(b, s, strlen(s));
}

int buffer_printf(Buffer *b, const char *fmt, ...) {
        va_list ap;
        char *s;
        int r;

        va_start(ap, fmt);
        r = vasprintf(&s, fmt, ap);
        va_end(ap);
        if (r < 0)
                return -ENOMEM;
        r = buffer_append(b, s, (size_t) r);
        free(s);
        return r;
}

char *buffer_steal(Buffer *b) {
        char *d = b->data ? b->data : strdup("");
        *b = (Buffer) {};
        return d;
}

int safe_atou(const char *s, unsigned *ret) {
        char *end;
        unsigned long v;

        if (!s || !*s || *s == '-' || *s == '+' || isspace((unsigned char) *s))
                return -EINVAL;
        errno = 0;
        v = strtoul(s, &end, 10);
        if (errno || *end)
                return -EINVAL;
        if (v > UINT_MAX)
                return -ERANGE;
        *ret = (unsigned) v;
        return 0;
}

int safe_atoi(const char *s, int *ret) {
        char *end;
        long v;

        if (!s || !*s || isspace((unsigned char) *s))
                return -EINVAL;
        errno = 0;
        v = strtol(s, &end, 10);
        if (errno == ERANGE || v > INT_MAX || v < INT_MIN)
                return -ERANGE;
        if (errno || *end)
                return -EINVAL;
        *ret = (int) v;
        return 0;
}

/* Seconds as a plain decimal number ("1", "0.5"); no units, no exponent. */
int parse_seconds(const char *s, double *ret) {
        char *end;
        double v;

        if (!s || !*s || strpbrk(s, "eEnNxX"))
                return -EINVAL;
        errno = 0;
        v = strtod(s, &end);
        if (errno || *end || !isfinite(v) || v < 0)
                return -EINVAL;
        *ret = v;
        return 0;
}

uint64_t hash64(const char *data, size_t len) {
        uint64_t h = 14695981039346656037ULL;
        for (size_t i = 0; i < len; i++) {
                h ^= (unsigned char) data[i];
                h *= 1099511628211ULL;
        }
        return h;
}

static uint64_t clock_usec(clockid_t id) {
        struct timespec ts;
        clock_gettime(id, &ts);
        return (uint64_t) ts.tv_sec * 1000000ULL + (uint64_t) ts.tv_nsec / 1000ULL;
}

uint64_t now_usec(void) {
        return clock_usec(CLOCK_MONOTONIC);
}

uint64_t realtime_usec(void) {
        return clock_usec(CLOCK_REALTIME);
}

int path_normalize(const char *path, char **ret) {
        _cleanup_free_ char *copy = strdup(path), *out = NULL;
        char *save = NULL;
        size_t len = 0;

        if (!copy)
                return -ENOMEM;
        if (path[0] != '/')
                return -EINVAL;
        if (!(out = calloc(strlen(path) + 2, 1)))
                return -ENOMEM;
        for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
                if (streq(c, "."))
                        continue;
                if (streq(c, "..")) {
                        while (len > 0 && out[len - 1] != '/')
                                len--;
                        if (len > 0)
                                len--; /* the slash before the dropped component */
                        out[len] = 0;
                        continue;
                }
                out[len++] = '/';
                strcpy(out + len, c);
                len += strlen(c);
        }
        if (len == 0)
                strcpy(out, "/");
        *ret = TAKE_PTR(out);
        return 0;
}

char *strjoin(const char *a, const char *b) {
        char *s;
        if (asprintf(&s, "%s%s", a, b) < 0)
                return NULL;
        return s;
}

int asprintf_safe(char **ret, const char *fmt, ...) {
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = vasprintf(ret, fmt, ap);
        va_end(ap);
        if (r < 0) {
                *ret = NULL;
                return -ENOMEM;
        }
        return 0;
}

int read_full_file(const char *path, size_t max, char **ret) {
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK); /* a FIFO must not block */
        _cleanup_buffer_ Buffer b = {};
        struct stat st;
        char chunk[16384];

        if (fd < 0)
                return -errno;
        if (fstat(fd, &st) < 0)
                return -errno;
        if (S_ISDIR(st.st_mode))
                return -EISDIR;
        if (!S_ISREG(st.st_mode))
                return -EBADF;
        for (;;) {
                ssize_t n = read(fd, chunk, sizeof(chunk));
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                if (n == 0)
                        break;
                if (b.len + (size_t) n > max)
                        return -EFBIG;
                if (memchr(chunk, 0, (size_t) n))
                        return -EBADMSG;
                if (buffer_append(&b, chunk, (size_t) n) < 0)
                        return -ENOMEM;
        }
        *ret = buffer_steal(&b);
        return 0;
}
