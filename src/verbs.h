/* The command line's vocabulary: every option, and the table of verbs with what each needs and
 * which options it takes (verbs.c). main.c parses against it; help is printed from it. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "clusterctl.h"

/* Every option, in the order --help lists them. The common ones come first: every verb takes them. */
typedef enum OptionIndex {
        O_SYSTEM,
        O_USER,
        O_QUIET,
        O_HELP,
        O_VERSION,
        O_REMOTE_PROTOCOL,
        _O_COMMON_END,
        O_CONFIG = _O_COMMON_END,
        O_FORCE,
        O_WAIT,
        O_JSON,
        O_OUTPUT,
        O_BATCH,
        O_ON_FAILURE,
        O_DRY_RUN,
        O_CANARY,
        O_OVERRIDE_PAUSE,
        O_TO,
        O_SHOW,
        O_LINES,
        O_FOLLOW,
        O_INSTANCE,
        O_SINCE,
        O_UNTIL,
        O_PRIORITY,
        O_RAW,
        O_WATCH,
        O_CPU_SAMPLE,
        O_HOST,
        O_HOSTS,
        O_HOST_BATCH,
        O_PARALLEL,
        O_CONFIG_STDIN,
        O_ROLLOUT_ID,
        O_ENV,
        O_LISTEN,
        _O_MAX,
} OptionIndex;

#define OPTION(o) (UINT64_C(1) << (o))
_Static_assert(_O_MAX <= 64, "a verb's options are a 64-bit mask");

typedef struct Option {
        char short_name; /* 0: none */
        const char *name;
        const char *value; /* the value's name in the help; NULL: takes none */
        const char *help;
} Option;

extern const Option options[_O_MAX];

const Verb *verb_find(const char *name);
bool verb_takes(const Verb *v, OptionIndex o);
void print_usage(FILE *f);
void print_verb_help(const Verb *v);
