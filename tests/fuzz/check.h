/* The property the fuzzers check: the units render writes mean exactly the App they came from,
 * read back the way systemd reads them (sdreader.h). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "render.h"

/* The instance %i stands for while reading the template back. */
#define CHECK_INSTANCE "7"

enum {
        /* The App is one config.c accepts: render must not refuse it (except user/group for the
         * user manager), and systemd must accept every value, not just read it back. */
        CHECK_CONFIG_ACCEPTED = 1 << 0,
};

/* Renders the app's units in `scope` and the drop-ins of the instances in `dropins`, then, for
 * every file:
 *   - it parses as systemd parses it (no line too long, no invalid UTF-8, no stray line);
 *   - its sections and keys are exactly those of the same app rendered with harmless values
 *     (the "twin"): a value added no line, section or key, and lost none;
 *   - ExecStart=, Environment=, WorkingDirectory=, User=, Group=, EnvironmentFile= and
 *     ListenStream= decode (quotes, C escapes, specifiers, "$$") to exactly the App's values;
 *     every other value decodes to what the twin's does;
 *   - no specifier but the template's own %i, in the twin's places;
 *   - the [X-Clusterctl] marker names the app, its hash matches, and app_from_marker() gives the
 *     name, config path and increment_var back.
 * Render may refuse an App, with a message (and must not refuse one a config accepts). Returns
 * NULL when all holds, else a report of what did not (owned), naming the file and line. */
char *check_app(const App *app, Scope scope, unsigned flags, const unsigned *dropins, size_t n_dropins);

/* The drop-in of instance k alone, as check_app() checks it: for an App that has only what
 * app_from_marker() gives (name, config_path, increment_var). */
char *check_instance_dropin(const App *app, unsigned k, unsigned flags);

/* The App as C string literals, for a report. Owned. */
char *app_describe(const App *app);
