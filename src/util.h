/* Small helpers shared by every module: cleanup ownership, string lists, numbers. */
#pragma once

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _unused_ __attribute__((unused))
#define _printf_(a, b) __attribute__((format(printf, a, b)))

#define ELEMENTSOF(x) (sizeof(x) / sizeof((x)[0]))

/* Hand an owned pointer over, leaving NULL behind so the cleanup does nothing. */
#define TAKE_PTR(p)                        \
        ({                                 \
                __typeof__(p) _tp = (p);   \
                (p) = NULL;                \
                _tp;                       \
        })

static inline void freep(void *p) {
        free(*(void **) p);
}
#define _cleanup_free_ _cleanup_(freep)

static inline void fclosep(FILE **f) {
        if (*f)
                fclose(*f);
}
#define _cleanup_fclose_ _cleanup_(fclosep)

static inline void closep(int *fd) {
        if (*fd >= 0)
                close(*fd);
}
#define _cleanup_close_ _cleanup_(closep)

static inline void closedirp(DIR **d) {
        if (*d)
                closedir(*d);
}
#define _cleanup_closedir_ _cleanup_(closedirp)

static inline bool streq(const char *a, const char *b) {
        return strcmp(a, b) == 0;
}

static inline bool streq_ptr(const char *a, const char *b) {
        if (!a || !b)
                return a == b;
        return streq(a, b);
}

static inline const char *strempty(const char *s) {
        return s ? s : "";
}

static inline const char *strna(const char *s) {
        return s && *s ? s : "-";
}

bool startswith(const char *s, const char *prefix);
bool endswith(const char *s, const char *suffix);

/* NULL-terminated string vectors. */
typedef char **Strv;
size_t strv_length(char *const *l);
void strv_free(char **l);
static inline void strv_freep(char ***l) {
        strv_free(*l);
}
#define _cleanup_strv_free_ _cleanup_(strv_freep)
int strv_push(char ***l, char *value);        /* takes ownership of value */
int strv_extend(char ***l, const char *value); /* copies value */
char **strv_copy(char *const *l);
bool strv_contains(char *const *l, const char *s);

/* Appends k to a list of instance indices unless it is there already. */
int index_list_add(unsigned **list, size_t *n, unsigned k);
/* Sorts a list of instance indices in ascending order. */
void index_list_sort(unsigned *list, size_t n);

/* Growable string buffer, always NUL-terminated. */
typedef struct Buffer {
        char *data;
        size_t len;
        size_t size;
} Buffer;
int buffer_append(Buffer *b, const char *s, size_t n);
int buffer_puts(Buffer *b, const char *s);
int buffer_printf(Buffer *b, const char *fmt, ...) _printf_(2, 3);
static inline void buffer_done(Buffer *b) {
        free(b->data);
        *b = (Buffer) {};
}
#define _cleanup_buffer_ _cleanup_(buffer_done)
char *buffer_steal(Buffer *b);

int safe_atou(const char *s, unsigned *ret);
int safe_atoi(const char *s, int *ret);
int parse_seconds(const char *s, double *ret);

/* FNV-1a, enough to notice that rendered text changed. */
uint64_t hash64(const char *data, size_t len);

uint64_t now_usec(void); /* CLOCK_MONOTONIC */
uint64_t realtime_usec(void);

char *strjoin(const char *a, const char *b);
/* An absolute path with "//", "." and ".." resolved lexically (no symlinks): what systemd calls
 * normalized. -EINVAL for a relative path. */
int path_normalize(const char *path, char **ret);
int asprintf_safe(char **ret, const char *fmt, ...) _printf_(2, 3);

/* The whole of a regular file as a string: -EISDIR for a directory, -EBADF for another kind of
 * file, -EFBIG above max bytes, -EBADMSG when it holds a NUL byte (it would end the string). */
int read_full_file(const char *path, size_t max, char **ret);
