/* The host side of `-H`: a clusterctl run over ssh by another one (--remote-protocol N). It
 * prints one JSON object a line on stdout (a hello first, its messages as events, a result
 * last), keeps going when the controller's connection drops and stops cleanly between two
 * batches, and takes a config on stdin (--config-stdin). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "render.h"

/* Greets; 0, or the exit code when the controller speaks another protocol. */
int remote_begin(unsigned protocol);
void remote_end(int exit_code);
bool remote_mode(void);

/* The controller is gone (its ssh hung up, or our output goes nowhere): finish the step under
 * way, then stop where a second run can pick up. */
bool remote_controller_gone(void);

/* A rollout across hosts (--rollout-id) remembers that it finished here with these units, so
 * that running it again after an interruption elsewhere restarts nothing on this host. */
bool rollout_finished_here(Scope scope, const char *app, uint64_t units_hash);
void record_rollout_finished(Scope scope, const char *app, uint64_t units_hash);

/* Reads a config from stdin, checks that it is valid here and defines `app`, and writes it
 * atomically where this host's clusterctl looks for APP.conf. Prints its errors; 0 or an exit code. */
int remote_install_config(Scope scope, const char *app, char **ret_path);
