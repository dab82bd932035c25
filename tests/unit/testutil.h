/* Helpers shared by the unit tests: temporary directories and files, and systemd-analyze as the
 * judge of what systemd reads back from a rendered unit. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* REQUIRE_SYSTEMD_ANALYZE uses test.h's FAIL/SKIP: include test.h (which defines main) first,
 * in the test file only. */

/* A fresh directory under $TMPDIR (or /tmp), as a canonical absolute path; NULL on error. */
char *tmpdir_new(void);
void rm_rf(const char *path);
static inline void rm_rf_freep(char **p) {
        if (*p) {
                rm_rf(*p);
                free(*p);
        }
}
/* Owns a temporary directory: removed with its contents at scope exit. */
#define _cleanup_tmpdir_ __attribute__((cleanup(rm_rf_freep)))

/* Writes dir/name (creating parent directories); -errno on error. */
int write_file(const char *dir, const char *name, const char *text);
/* A string of exactly n bytes: `pattern` repeated, the last copy cut short if need be. */
char *repeat_string(const char *pattern, size_t n);
/* "a" + "b" + … (NULL-terminated); never NULL (aborts on OOM). */
char *concat(const char *first, ...) __attribute__((sentinel));

/* systemd-analyze, or NULL when it is not installed. $SYSTEMD_ANALYZE overrides. */
const char *systemd_analyze_path(void);

/* Gets systemd-analyze into `var`; when it is missing the test is skipped, or fails under
 * CI=true: there the round trip through systemd's parser is the check that must not vanish. */
#define REQUIRE_SYSTEMD_ANALYZE(var)                                                        \
        do {                                                                                \
                (var) = systemd_analyze_path();                                             \
                if (!(var)) {                                                               \
                        const char *ci_ = getenv("CI");                                     \
                        if (ci_ && strcmp(ci_, "true") == 0)                                \
                                FAIL("systemd-analyze not found ($SYSTEMD_ANALYZE, configure-time path, " \
                                     "PATH) and CI=true: the round trip through systemd's parser " \
                                     "cannot be skipped in CI");                            \
                        SKIP("systemd-analyze is not installed; install systemd to run this test"); \
                }                                                                           \
        } while (0)

typedef struct AnalyzeResult {
        int exit_status; /* -1: killed */
        char *out;
        char *err;
} AnalyzeResult;
void analyze_result_done(AnalyzeResult *r);

/* Runs `systemd-analyze verify --man=no [--user] DIR/UNIT…` with a private runtime and config
 * home under `scratch`. debug: SYSTEMD_LOG_LEVEL=debug, which makes verify dump every loaded unit
 * to stdout, i.e. the values systemd actually parsed. */
int analyze_verify(const char *analyze, const char *scratch, const char *unit_dir, char *const *units, bool user,
                   bool debug, AnalyzeResult *ret);

/* Lines of stderr that speak about our files or units: "DIR/…:LINE: …" warnings, or
 * "UNIT: …" messages. Anything there means systemd read something other than we meant. */
char *analyze_complaints(const AnalyzeResult *r, const char *unit_dir, char *const *units);

/* The values of dump lines "PREFIX: value" (prefix includes the leading tabs), in order. */
char **dump_values(const char *out, const char *prefix);
/* Splits a dumped "Command Line:" (systemd quotes words with "…" and \-escapes) into argv. */
int dump_split_command_line(const char *line, char ***ret);
/* What an ExecStart argument becomes at exec time: "$$" → "$". -EINVAL when a lone '$' would
 * make systemd substitute a variable. */
int exec_time_dollars(const char *arg, char **ret);

/* The whole of a file ("" when empty) and, unless ret_size is NULL, its size (it may hold NULs),
 * or NULL when it cannot be opened. */
char *read_whole_file(const char *path, size_t *ret_size);
