/* A tiny test harness for the unit tests: one header, no framework.
 *
 * TEST(name) { … } registers a test. main() runs every test (or only those named on the command
 * line) in its own child process, so a crash, an abort or a sanitizer report fails that one test
 * and the others still run; set TEST_NO_FORK=1 to run them in-process (for a debugger). The last
 * line printed is "N passed, N failed"; the exit status is 1 when any test failed.
 *
 * ASSERT_* print file:line and the values, then return from the enclosing function, which must
 * return void. A helper that asserts leaves the test marked failed: call it through CHECK() so a
 * failure also names the caller's line and the test stops there. */
#pragma once

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct TestCase {
        const char *name;
        void (*func)(void);
        int line;
} TestCase;

static TestCase test_cases_[1024];
static size_t test_n_cases_;
static bool test_failed_, test_skipped_;
static const char *test_caller_file_;
static int test_caller_line_;

static inline void test_register_(const char *name, void (*func)(void), int line) {
        if (test_n_cases_ >= sizeof(test_cases_) / sizeof(test_cases_[0])) {
                fprintf(stderr, "test.h: too many tests\n");
                abort();
        }
        test_cases_[test_n_cases_++] = (TestCase) { name, func, line };
}

#define TEST(name)                                                                  \
        static void test_##name(void);                                              \
        __attribute__((constructor)) static void test_register_##name(void) {       \
                test_register_(#name, test_##name, __LINE__);                       \
        }                                                                           \
        static void test_##name(void)

/* Prints s quoted, control characters escaped, long strings cut (the length is given). */
static inline void test_print_str_(const char *s) {
        const size_t max = 1500;
        size_t n;

        if (!s) {
                fputs("NULL", stdout);
                return;
        }
        n = strlen(s);
        putchar('"');
        for (size_t i = 0; i < n && i < max; i++) {
                unsigned char c = (unsigned char) s[i];
                if (c == '\n')
                        fputs("\\n", stdout);
                else if (c == '\t')
                        fputs("\\t", stdout);
                else if (c == '"' || c == '\\')
                        printf("\\%c", c);
                else if (c < 0x20 || c == 0x7f)
                        printf("\\x%02x", c);
                else
                        putchar(c);
        }
        putchar('"');
        if (n > max)
                printf("… (%zu bytes)", n);
}

static inline void test_fail_(const char *file, int line, const char *fmt, ...) {
        va_list ap;

        printf("%s:%d: ", file, line);
        va_start(ap, fmt);
        vprintf(fmt, ap);
        va_end(ap);
        if (test_caller_file_)
                printf(" (called from %s:%d)", test_caller_file_, test_caller_line_);
        putchar('\n');
        test_failed_ = true;
}

static inline void test_print_int_(long long v) {
        printf("%lld", v);
        if (v < 0 && v > -4096 && strerrorname_np((int) -v))
                printf(" (-%s)", strerrorname_np((int) -v));
}

/* Runs a helper that asserts, remembering the caller's line; stops the test if it failed. */
#define CHECK(call)                                                                 \
        do {                                                                        \
                test_caller_file_ = __FILE__;                                       \
                test_caller_line_ = __LINE__;                                       \
                call;                                                               \
                test_caller_file_ = NULL;                                           \
                if (test_failed_ || test_skipped_)                                  \
                        return;                                                     \
        } while (0)

#define RETURN_IF_FAILED()                                                          \
        do {                                                                        \
                if (test_failed_ || test_skipped_)                                  \
                        return;                                                     \
        } while (0)

#define FAIL(...)                                                                   \
        do {                                                                        \
                test_fail_(__FILE__, __LINE__, __VA_ARGS__);                        \
                return;                                                             \
        } while (0)

#define SKIP(...)                                                                   \
        do {                                                                        \
                printf("SKIP: ");                                                   \
                printf(__VA_ARGS__);                                                \
                putchar('\n');                                                      \
                test_skipped_ = true;                                               \
                return;                                                             \
        } while (0)

#define ASSERT_TRUE(expr)                                                           \
        do {                                                                        \
                if (!(expr))                                                        \
                        FAIL("ASSERT_TRUE(%s) failed", #expr);                      \
        } while (0)

#define ASSERT_FALSE(expr)                                                          \
        do {                                                                        \
                if (expr)                                                           \
                        FAIL("ASSERT_FALSE(%s) failed", #expr);                     \
        } while (0)

#define ASSERT_EQ_INT(a, b)                                                         \
        do {                                                                        \
                long long a_ = (long long) (a), b_ = (long long) (b);               \
                if (a_ != b_) {                                                     \
                        test_fail_(__FILE__, __LINE__, "ASSERT_EQ_INT(%s, %s) failed", #a, #b); \
                        printf("    %s = ", #a);                                    \
                        test_print_int_(a_);                                        \
                        printf("\n    %s = ", #b);                                  \
                        test_print_int_(b_);                                        \
                        putchar('\n');                                              \
                        return;                                                     \
                }                                                                   \
        } while (0)

/* r ≥ 0, as every function returning -errno promises on success. */
#define ASSERT_OK(expr)                                                             \
        do {                                                                        \
                long long r_ = (long long) (expr);                                  \
                if (r_ < 0) {                                                       \
                        test_fail_(__FILE__, __LINE__, "ASSERT_OK(%s) failed: ", #expr); \
                        printf("    got ");                                         \
                        test_print_int_(r_);                                        \
                        putchar('\n');                                              \
                        return;                                                     \
                }                                                                   \
        } while (0)

#define ASSERT_EQ_DOUBLE(a, b)                                                      \
        do {                                                                        \
                double a_ = (a), b_ = (b);                                          \
                if (!(fabs(a_ - b_) <= 1e-9 * fmax(1.0, fabs(b_))))                 \
                        FAIL("ASSERT_EQ_DOUBLE(%s, %s) failed: %.17g != %.17g", #a, #b, a_, b_); \
        } while (0)

#define ASSERT_STREQ(a, b)                                                          \
        do {                                                                        \
                const char *a_ = (a), *b_ = (b);                                    \
                if (!a_ || !b_ ? a_ != b_ : strcmp(a_, b_) != 0) {                  \
                        test_fail_(__FILE__, __LINE__, "ASSERT_STREQ(%s, %s) failed", #a, #b); \
                        printf("    %s = ", #a);                                    \
                        test_print_str_(a_);                                        \
                        printf("\n    %s = ", #b);                                  \
                        test_print_str_(b_);                                        \
                        putchar('\n');                                              \
                        return;                                                     \
                }                                                                   \
        } while (0)

#define ASSERT_CONTAINS_(h, n, want)                                                \
        do {                                                                        \
                const char *h_ = (h), *n_ = (n);                                    \
                if (!h_ || !n_ || (strstr(h_, n_) != NULL) != (want)) {             \
                        test_fail_(__FILE__, __LINE__, "%s(%s, %s) failed",         \
                                   (want) ? "ASSERT_CONTAINS" : "ASSERT_NOT_CONTAINS", #h, #n); \
                        printf("    needle   = ");                                  \
                        test_print_str_(n_);                                        \
                        printf("\n    haystack = ");                                \
                        test_print_str_(h_);                                        \
                        putchar('\n');                                              \
                        return;                                                     \
                }                                                                   \
        } while (0)
#define ASSERT_CONTAINS(haystack, needle) ASSERT_CONTAINS_(haystack, needle, true)
#define ASSERT_NOT_CONTAINS(haystack, needle) ASSERT_CONTAINS_(haystack, needle, false)

/* True when text has `line` as a whole line. */
static inline bool test_has_line_(const char *text, const char *line) {
        size_t n = strlen(line);
        for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
                if (strncmp(p, line, n) == 0 && (p[n] == '\n' || p[n] == 0))
                        return true;
        return false;
}

#define ASSERT_HAS_LINE_(text, line, want)                                          \
        do {                                                                        \
                const char *t_ = (text), *l_ = (line);                              \
                if (!t_ || test_has_line_(t_, l_) != (want)) {                      \
                        test_fail_(__FILE__, __LINE__, "%s(%s, %s) failed",         \
                                   (want) ? "ASSERT_HAS_LINE" : "ASSERT_NO_LINE", #text, #line); \
                        printf("    line = ");                                      \
                        test_print_str_(l_);                                        \
                        printf("\n    text:\n%s\n", t_ ? t_ : "NULL");              \
                        return;                                                     \
                }                                                                   \
        } while (0)
#define ASSERT_HAS_LINE(text, line) ASSERT_HAS_LINE_(text, line, true)
#define ASSERT_NO_LINE(text, line) ASSERT_HAS_LINE_(text, line, false)

static inline int test_run_one_(const TestCase *t) {
        test_failed_ = test_skipped_ = false;
        t->func();
        fflush(stdout);
        return test_failed_ ? 1 : test_skipped_ ? 77 : 0;
}

static inline int test_compare_(const void *a, const void *b) {
        return ((const TestCase *) a)->line - ((const TestCase *) b)->line;
}

int main(int argc, char **argv) {
        bool in_process = getenv("TEST_NO_FORK") != NULL;
        size_t passed = 0, failed = 0, skipped = 0, ran = 0;

        /* Source order, whatever order the constructors ran in. */
        qsort(test_cases_, test_n_cases_, sizeof(TestCase), test_compare_);
        setvbuf(stdout, NULL, _IOLBF, 0);

        for (size_t i = 0; i < test_n_cases_; i++) {
                const TestCase *t = &test_cases_[i];
                bool selected = argc < 2;
                int status, result;

                for (int a = 1; a < argc; a++)
                        selected = selected || strcmp(argv[a], t->name) == 0;
                if (!selected)
                        continue;
                ran++;
                printf("---- %s\n", t->name);
                fflush(stdout);
                fflush(stderr);
                if (in_process)
                        result = test_run_one_(t);
                else {
                        pid_t pid = fork();
                        if (pid < 0) {
                                perror("fork");
                                return 1;
                        }
                        if (pid == 0)
                                exit(test_run_one_(t)); /* exit(), not _exit(): LeakSanitizer checks at exit */
                        if (waitpid(pid, &status, 0) < 0) {
                                perror("waitpid");
                                return 1;
                        }
                        if (WIFEXITED(status))
                                result = WEXITSTATUS(status);
                        else {
                                printf("%s: killed by signal %d (%s)\n", t->name, WTERMSIG(status),
                                       strsignal(WTERMSIG(status)));
                                result = 1;
                        }
                }
                if (result == 0) {
                        passed++;
                        printf("PASS %s\n", t->name);
                } else if (result == 77) {
                        skipped++;
                        printf("SKIP %s\n", t->name);
                } else {
                        failed++;
                        printf("FAIL %s%s\n", t->name,
                               result == 1 ? "" : " (unexpected exit status: a sanitizer report above?)");
                }
        }
        if (argc > 1 && ran == 0) {
                fprintf(stderr, "no test matches the given names\n");
                return 2;
        }
        if (skipped > 0)
                printf("%zu skipped\n", skipped);
        printf("%zu passed, %zu failed\n", passed, failed);
        return failed > 0 ? 1 : 0;
}
