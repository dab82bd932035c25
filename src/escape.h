/* Escaping values for unit files. A config value must never add a line, a section or a
 * specifier to a rendered unit: every function here either returns text that systemd reads
 * back as exactly the input, or refuses. Pure functions, no I/O. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VALUE_LENGTH_MAX 32768
#define APP_NAME_MAX 64

bool app_name_is_valid(const char *name);
bool env_name_is_valid(const char *name);
bool user_name_is_valid(const char *name);
bool utf8_is_valid(const char *s);
/* The code point at the start of s and its length in bytes; 0 at the end of s and for a byte
 * that does not start a valid UTF-8 sequence. */
size_t utf8_decode_one(const char *s, uint32_t *ret_cp);

/* -EINVAL: contains a control character (newline, tab, escape, …);
 * -EILSEQ: not valid UTF-8, or a noncharacter; -E2BIG: longer than VALUE_LENGTH_MAX. */
int value_check(const char *s);
const char *value_check_error(int r);

/* "%" → "%%", for values systemd reads raw (paths, names). Refuses values systemd would
 * read differently: leading/trailing whitespace, a trailing backslash (line continuation). */
int escape_raw(const char *s, char **ret);

/* One ExecStart= argument: double-quoted, with \ " escaped, $ → $$ and % → %%. */
int quote_exec_arg(const char *s, char **ret);
/* The executable itself (argv[0]): the same, but $ stays single — systemd expands no variables
 * in the path it runs, so $$ would reach the file system as two dollars. */
int quote_exec_path(const char *s, char **ret);

/* One Environment= assignment "NAME=value", quoted so that spaces, quotes, backslashes
 * and $ survive exactly; % → %%. */
int quote_env_assignment(const char *name, const char *value, char **ret);

/* Split a command line the way a POSIX shell would for plain words and quotes
 * (no expansions): 'single', "double" with \" \\ \$, and backslash escapes. */
int split_command_line(const char *s, char ***ret);
