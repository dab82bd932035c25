/* Watching instances after they became ready: the manager's PropertiesChanged signals tell when
 * one leaves "active" or is started again, without polling. The connection must be subscribed
 * (a JobWaiter subscribes it). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <systemd/sd-bus.h>

typedef struct UnitWatch UnitWatch;

int unit_watch_new(sd_bus *bus, UnitWatch **ret);
UnitWatch *unit_watch_free(UnitWatch *w);
static inline void unit_watch_freep(UnitWatch **w) {
        unit_watch_free(*w);
}

/* Watches `unit` from now on: it became ready as invocation `invocation` at `ready_usec`
 * (monotonic). Adding a unit again replaces what was known of it. */
int unit_watch_add(UnitWatch *w, const char *unit, const uint8_t invocation[16], uint64_t ready_usec);
/* Stops watching it (an instance the rollout stops on purpose). */
void unit_watch_remove(UnitWatch *w, const char *unit);

/* Marks a watched unit failed from what the caller saw of it (a property read, not a signal). */
void unit_watch_mark_failed(UnitWatch *w, const char *unit, const char *state);

/* True once any watched unit left "active" or changed its invocation since it was added. */
bool unit_watch_any_failed(const UnitWatch *w);
/* The failed units, in the order they failed; NULL-terminated, owned by the caller. */
char **unit_watch_failed_units(const UnitWatch *w);
/* The state it was last seen in ("failed", "activating", …), or NULL while it is fine. */
const char *unit_watch_state(const UnitWatch *w, const char *unit);

/* When the most recently added unit became ready (0 when none). */
uint64_t unit_watch_last_ready(const UnitWatch *w);

/* Processes the bus until the deadline (then 0) or until a watched unit fails (-ECANCELED). */
int unit_watch_run_until(UnitWatch *w, uint64_t deadline_usec);
