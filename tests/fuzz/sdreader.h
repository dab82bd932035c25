/* A reader of unit files that follows systemd 252's own rules, for tests: how a file splits into
 * lines, sections and Key=value assignments (conf-parser.c), how ExecStart= and Environment= split
 * into words with quotes and C escapes (extract-word.c, escape.c), how %-specifiers expand
 * (specifier.c) and what happens to "$" when the command runs (env-util.c). Where systemd would
 * refuse or drop something, the reader says so instead of guessing. Pure, no I/O. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define SD_LONG_LINE_MAX (1024U * 1024U)
#define SD_PATH_MAX 4096
#define SD_NAME_MAX 255

typedef struct SdAssignment {
        char *section; /* never NULL: assignments outside a section are an error */
        char *key;
        char *value; /* stripped, as the key's parser receives it */
        unsigned line;
} SdAssignment;

typedef struct SdUnit {
        SdAssignment *assignments;
        size_t n_assignments;
        char **sections; /* every [Section] header, in order */
} SdUnit;

void sd_unit_done(SdUnit *u);

/* Splits text into assignments as config_parse() does: comment lines (# or ; after blanks) are
 * skipped even inside a continuation, a line ending in an unescaped backslash continues on the
 * next (the backslash becomes a space), lines end at \n, \r or \r\n. Anything systemd would warn
 * about or refuse — a line of SD_LONG_LINE_MAX bytes or more, a line that is not UTF-8 by
 * systemd's definition, a bad section header, an assignment outside a section, a line without
 * '=' — is an error: -EBADMSG with *ret_error saying which line and why. */
int sd_unit_parse(const char *text, SdUnit *ret, char **ret_error);

/* systemd's utf8_is_valid(): well-formed UTF-8 without surrogates, code points past U+10FFFF,
 * or the noncharacters U+FDD0..U+FDEF and U+xFFFE/U+xFFFF. */
bool sd_utf8_is_valid(const char *s);

/* systemd's string_is_safe(): no control characters, quotes or backslashes. */
bool sd_string_is_safe(const char *s);

/* Expands %-specifiers as unit_full_printf() does: "%%" → "%", "%i" → instance; any other
 * specifier expands to "\x01" + its letter, so it cannot pass for input text. *ret_used gets the
 * letters of every specifier used, in order ("" when none; a lone trailing '%' counts as '%').
 * -EBADMSG for a letter systemd does not know (it fails the assignment). */
int sd_specifier_printf(const char *s, const char *instance, char **ret, char **ret_used);

/* extract_first_word(EXTRACT_UNQUOTE|EXTRACT_CUNESCAPE) over the whole string: the words, with
 * quotes removed and C escapes decoded. -EINVAL where systemd would fail (unbalanced quotes, an
 * unknown escape: systemd then retries relaxed and warns "Ignoring unknown escape sequences"). */
int sd_split_words(const char *s, char ***ret);

/* One ExecStart= value as config_parse_exec() reads it: exactly one command, its prefix
 * characters (-@:+!) in *ret_prefixes, argv with words unquoted, unescaped and specifiers
 * expanded (argv[0] is the path). *ret_used: specifier letters used. -EBADMSG with *ret_error
 * for what systemd would refuse (no command, two commands separated by ';', an empty path). */
int sd_parse_exec(const char *value, const char *instance, char ***ret_argv, char **ret_prefixes, char **ret_used,
                  char **ret_error);

/* What the process gets as argv when the manager runs it (replace_env_argv()): "$$" becomes "$";
 * -EBADMSG with *ret_error when a "$NAME" or "${NAME}" would be substituted, or a word "$…" would
 * be replaced by a variable's words (or dropped). */
int sd_exec_time_argv(char *const *argv, char ***ret, char **ret_error);

/* One Environment= value as config_parse_environ() reads it: its words, unquoted, unescaped and
 * with specifiers expanded. Each must be NAME=value; -EBADMSG with *ret_error otherwise. */
int sd_parse_environment(const char *value, const char *instance, char ***ret_assignments, char **ret_used,
                         char **ret_error);

/* Checks systemd applies after reading a value; each returns NULL when it passes, else why not. */
const char *sd_check_exec_path(const char *path);        /* config_parse_exec() on argv[0] */
const char *sd_check_absolute_path(const char *path);    /* path_simplify_and_warn(PATH_CHECK_ABSOLUTE) */
const char *sd_check_user_group(const char *name);       /* valid_user_group_name(RELAX|ALLOW_NUMERIC) */
const char *sd_check_env_assignment(const char *a);      /* env_assignment_is_valid() */
const char *sd_check_memory_max(const char *value);      /* config_parse_memory_limit() for MemoryMax= */
