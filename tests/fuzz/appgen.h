/* An App from fuzz input, built directly as config.c would leave it after validation (or, in raw
 * mode, with free-text values nobody validated), for fuzz-render and the systemd sample check.
 *
 * The input is text: records separated by '\n', each "key=value" where the value is raw bytes
 * (byte 0x1e stands for a newline). A key may carry "*LEN" (the value repeated to exactly LEN
 * bytes, at most 40000) and "xCOUNT" (the record repeated COUNT times, at most 64), e.g.
 * "argv*32768x40=%" is 40 arguments of 32768 '%' each. Keys: mode (valid|raw), scope
 * (system|user), name, config, argv (repeated; the first is the command), cwd, user, group,
 * env (NAME=VALUE, repeated), env_file, listen (repeated), instance_var, increment_var,
 * socket_mode, ready, kill_signal, restart, memory_max, cpu_weight, ready_timeout,
 * kill_timeout, restart_delay, dropin (an instance index whose drop-in is checked, repeated).
 * Unknown keys and values config.c would refuse are dropped, as if the config had left them out. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "render.h"

#define APPGEN_DROPINS_MAX 8

typedef struct GenInfo {
        bool raw;   /* free-text values unvalidated: only the text-level checks apply */
        Scope scope;
        unsigned dropins[APPGEN_DROPINS_MAX];
        size_t n_dropins;
} GenInfo;

/* Never fails on any input: missing pieces get config.c's defaults. */
void app_generate(const uint8_t *data, size_t size, App *ret, GenInfo *ret_info);

/* Values config.c now refuses or normalizes (each was a bug found here, and is fixed there), so
 * an App generated "as a config accepts it" must not carry them: this rewrites them and returns a
 * bit per kind it rewrote. With FUZZ_KNOWN_BUGS=1 it changes nothing, to replay the inputs that
 * found them against the renderer alone (which does not repeat config.c's checks). */
enum {
        KNOWN_BUG_NONCHARACTER = 1 << 0,   /* U+FDD0..U+FDEF, U+xFFFE/F: valid UTF-8, but systemd refuses the file */
        KNOWN_BUG_EXEC_PATH_CHARS = 1 << 1, /* a quote or backslash in the resolved argv[0]: systemd will not run it */
        KNOWN_BUG_LONG_COMPONENT = 1 << 2, /* a path of 4096 bytes or more, or a component over 255: systemd refuses it */
        KNOWN_BUG_NUMERIC_USER = 1 << 3,   /* "007", "65535", "4294967296": not a UID for systemd, unit fails */
        KNOWN_BUG_LONG_LINE = 1 << 4,      /* ExecStart= of 1 MiB or more: systemd refuses the whole file */
        KNOWN_BUG_EXEC_PATH_DOLLAR = 1 << 5, /* '$' in the resolved argv[0]: the process sees "$x"/"$$" substituted */
        KNOWN_BUG_EXEC_PATH_ROOT = 1 << 6, /* exec = "/": systemd: "Executable path specifies a directory" */
        KNOWN_BUG_MEMORY_MAX_RANGE = 1 << 7, /* memory_max "0", "0K", "16777216T": systemd ignores MemoryMax= */
        KNOWN_BUG_CONFIG_DIR_DOT_DOT = 1 << 8, /* default cwd was the config's dir as given: "/a/../b" is refused */
        KNOWN_BUG_CONFIG_DIR_TRAILING = 1 << 9, /* … and "/srv/a /web.conf" gave cwd "/srv/a ", which render refuses */
};
unsigned known_bugs_avoid(App *app);
bool known_bugs_reported(void); /* FUZZ_KNOWN_BUGS=1 */
