/* Talking to the service manager over sd-bus: connecting, reloading, reading unit properties. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-bus.h>

#include "render.h"

#define SD_DEST "org.freedesktop.systemd1"
#define SD_PATH "/org/freedesktop/systemd1"
#define SD_MANAGER "org.freedesktop.systemd1.Manager"

/* Connects to the manager of the scope: its private socket first (what systemctl does as the
 * owner), then the bus. On failure *ret_error (owned) explains, with a hint. */
int bus_connect(Scope scope, sd_bus **ret, char **ret_error);

/* Manager.Reload(): re-reads unit files. Returns after the manager finished. */
int bus_daemon_reload(sd_bus *bus, sd_bus_error *error);

/* When the manager last (re)loaded its unit files (UnitsLoadTimestamp), monotonic and realtime µs:
 * every process it starts from then on runs what it loaded then. */
int bus_units_load_timestamp(sd_bus *bus, uint64_t *ret_monotonic, uint64_t *ret_realtime);

/* The properties clusterctl shows and checks. Strings owned. */
typedef struct UnitInfo {
        char *name;
        char *load_state;
        char *active_state;
        char *sub_state;
        char *result;
        char *status_text;
        uint8_t invocation_id[16];
        bool has_invocation_id;
        uint32_t main_pid;
        uint32_t n_restarts;
        bool has_n_restarts;
        uint64_t active_enter_usec; /* realtime */
        uint64_t active_enter_monotonic;
        uint64_t exec_main_start_usec;
        uint64_t exec_main_start_monotonic;
        uint64_t memory_current;  /* UINT64_MAX: unknown */
        uint64_t cpu_usage_nsec;  /* UINT64_MAX: unknown */
        int32_t exec_main_code;   /* CLD_EXITED, CLD_KILLED, CLD_DUMPED */
        int32_t exec_main_status; /* exit status or signal */
        uint64_t timeout_start_usec;
        uint64_t timeout_stop_usec;
        bool found; /* false when the call failed */
} UnitInfo;

void unit_info_done(UnitInfo *u);

/* Fetches properties for many units with asynchronous calls and one wait, not n round trips. */
int bus_get_unit_infos(sd_bus *bus, char *const *units, UnitInfo **ret, uint64_t deadline_usec);

/* Unit names loaded in the manager matching shell patterns (ListUnitsByPatterns). */
int bus_list_units(sd_bus *bus, char *const *patterns, char ***ret, sd_bus_error *error);

/* A readable message for a bus error, with a hint for permission problems. */
char *bus_error_message(const sd_bus_error *error, int r);

/* Waits for the next message or the deadline. -ETIME at the deadline. */
int bus_wait_until(sd_bus *bus, uint64_t deadline_usec);

/* Dispatches the bus (replies, signals) until done(userdata) says so — 0 — or the deadline
 * (monotonic µs) passes: -ETIME. With done NULL, until the deadline, then 0: how clusterctl
 * waits without sleeping blind. */
typedef bool (*BusDoneFn)(void *userdata);
int bus_run_until(sd_bus *bus, uint64_t deadline_usec, BusDoneFn done, void *userdata);
