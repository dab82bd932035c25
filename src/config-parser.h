/* What the parts of the config parser share: the state of one parse, file:line errors, and
 * readers of libconfig settings that check types and values. Internal to config*.c. */
#pragma once

#include <libconfig.h>

#include "config.h"
#include "util.h"

#define TIMEOUT_MAX 86400.0

/* State of one parse: where we are, and where errors go. */
typedef struct Parser {
        const char *path;
        char *dir; /* directory of the config, for relative paths */
        ConfigError *error;
} Parser;

/* The file a setting was read from (an included file's path is relative to the config's
 * directory), or the config itself; NULL when out of memory. */
char *setting_file(const Parser *p, const config_setting_t *s);
/* Records "file:line: message" for setting s (the whole file when NULL); returns -EINVAL. */
_printf_(3, 4) int fail_at(Parser *p, const config_setting_t *s, const char *fmt, ...);
const char *type_name(int type);
bool is_integer(const config_setting_t *s);
/* The key a setting belongs to: list elements have no name, their list does. */
const char *setting_label(const config_setting_t *s);
int get_string(Parser *p, const config_setting_t *s, const char **ret);
int dup_string(Parser *p, const config_setting_t *s, char **ret);
int get_seconds(Parser *p, const config_setting_t *s, double min, double *ret);
/* What systemd would refuse in a path for its length ("a path component is longer than 255
 * bytes"), or NULL when it fits. */
const char *path_length_problem(const char *path);
/* Makes path absolute against the config's directory (or base when given). */
int absolute_path(Parser *p, const config_setting_t *s, const char *path, const char *base, char **ret);
/* A string list from a string (split like a shell) or an array/list of strings. */
int get_argv(Parser *p, const config_setting_t *s, char ***ret);
int table_lookup(const char *const *table, size_t n, const char *s);
int parse_enum(Parser *p, const config_setting_t *s, const char *const *table, size_t n, int *ret);

/* config-keys.c: the keys of an app group, each with its parser. */
typedef int (*KeyParser)(Parser *p, const config_setting_t *s, App *app);
KeyParser config_key_parser(const char *key);

/* config-command.c: exec, or script with interpreter and args, become argv (argv[0] absolute).
 * They are collected first and turned into argv once the group is read. */
typedef struct ScriptKeys {
        const config_setting_t *script, *interpreter, *args, *exec;
} ScriptKeys;
int build_argv(Parser *p, const config_setting_t *group, const ScriptKeys *k, App *app);

/* config-pm2.c: the keys of apps written for PM2, and their checks once the app is read. */
int parse_node_compat(Parser *p, const config_setting_t *s, App *app);
int parse_shutdown_with_message(Parser *p, const config_setting_t *s, App *app);
int parse_cron_restart(Parser *p, const config_setting_t *s, App *app);
int validate_pm2_keys(Parser *p, const config_setting_t *group, App *app);
