/* The state of mapping one PM2 app, and the tools the key mappings in pm2-map.c share. Pure. */
#pragma once

#include "pm2-map.h"
#include "util.h"

typedef struct Mapper {
        const Pm2MapOptions *opts;
        json_object *app;
        size_t index;
        char *name;
        Buffer out;     /* the config keys written so far */
        Buffer skipped; /* comments for what is not carried over */
        char **warnings;
        char **handled; /* PM2 keys dealt with, by their name in the file */
        char **env_names, **env_values;
        char *error;
        bool node;    /* run by node: node_compat applies */
        bool cluster; /* PM2's cluster mode */
        bool listen;  /* a listen key was written */
} Mapper;

void mapper_done(Mapper *m);

/* Sets the error ("app N ('name'): …") and returns -EINVAL. */
int mapper_fail(Mapper *m, const char *fmt, ...) _printf_(2, 3);
int mapper_warn(Mapper *m, const char *fmt, ...) _printf_(2, 3);

/* The value of a PM2 key, under its name or any alias, marked as dealt with; NULL if absent. */
json_object *mapper_get(Mapper *m, const char *key);
/* A value as compact, printable JSON, cut short, for comments and warnings. Owned. */
char *mapper_show(json_object *v);
/* A key not carried over: a comment saying why, and a warning. */
int mapper_skip(Mapper *m, const char *key, json_object *v, const char *why);
/* A string for a config value: must be one a unit can hold, else the error names the key. */
int mapper_text(Mapper *m, const char *key, json_object *v, const char **ret);
/* Milliseconds (PM2) as seconds (clusterctl) under `key`, when pm2_key is set and ≥ min. */
int mapper_put_seconds(Mapper *m, const char *pm2_key, const char *key, double min);

int mapper_env_set(Mapper *m, const char *name, const char *value);
const char *mapper_env_get(const Mapper *m, const char *name);

/* A string, number or boolean as the text a process would see; NULL for anything else. */
const char *json_scalar_text(json_object *v, char *buf, size_t size);
/* `key = "value";` quoted for libconfig (\ and " escaped), then "  # comment" when given. */
int put_config_string(Buffer *b, const char *key, const char *value, const char *comment);
/* Just the quoted string. */
int put_config_quoted(Buffer *b, const char *value);
/* Element i of an array as text for a config value: a scalar, one a unit can hold. */
int mapper_element_text(Mapper *m, const char *key, json_object *array, size_t i, char *buf, size_t size,
                        const char **ret);

/* Why PM2's key (or an alias of it) has no equivalent, or NULL when it is not one of those. */
const char *pm2_not_mapped_reason(const char *key);
