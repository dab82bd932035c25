/* Talking to the service manager over sd-bus: connecting, reloading, reading unit properties. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-bus.h>

#include "render.h"

#define SD_DEST "org.freedesktop.systemd1"
#define SD_PATH "/org/freedesktop/systemd1"
#define SD_MANAGER "org.freedesktop.systemd1.Manager"

/* How long a query of the manager (unit properties, a method call) may take before clusterctl
 * gives up on it: sd-bus's own default method call timeout, 25 s. */
#define BUS_QUERY_TIMEOUT_USEC (25ULL * 1000000ULL)

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
        uint32_t exec_main_pid; /* the last main process, also after it exited */
        char *user;             /* User=; empty: root (system manager) or the manager's user */
        uint32_t n_restarts;
        bool has_n_restarts;
        uint64_t active_enter_monotonic;
        uint64_t exec_main_start_monotonic;
        uint64_t memory_current;  /* UINT64_MAX: unknown */
        uint64_t cpu_usage_nsec;  /* UINT64_MAX: unknown */
        int32_t exec_main_code;   /* CLD_EXITED, CLD_KILLED, CLD_DUMPED */
        int32_t exec_main_status; /* exit status or signal */
        uint64_t timeout_start_usec;
        uint64_t timeout_stop_usec;
} UnitInfo;

/* One bit per property: a caller asks for what it shows, nothing more (a unit has hundreds). */
typedef enum UnitProperty {
        UNIT_LOAD_STATE,
        UNIT_ACTIVE_STATE,
        UNIT_SUB_STATE,
        UNIT_INVOCATION_ID,
        UNIT_ACTIVE_ENTER_MONOTONIC,
        SERVICE_RESULT,
        SERVICE_STATUS_TEXT,
        SERVICE_MAIN_PID,
        SERVICE_EXEC_MAIN_PID,
        SERVICE_USER,
        SERVICE_N_RESTARTS,
        SERVICE_EXEC_MAIN_START_MONOTONIC,
        SERVICE_MEMORY_CURRENT,
        SERVICE_CPU_USAGE,
        SERVICE_EXEC_MAIN_CODE,
        SERVICE_EXEC_MAIN_STATUS,
        SERVICE_TIMEOUT_START,
        SERVICE_TIMEOUT_STOP,
        _UNIT_PROPERTY_MAX,
} UnitProperty;

#define UNIT_PROPERTY_BIT(p) (UINT32_C(1) << (p))
#define UNIT_PROPERTIES_STATE                                                                   \
        (UNIT_PROPERTY_BIT(UNIT_LOAD_STATE) | UNIT_PROPERTY_BIT(UNIT_ACTIVE_STATE) |            \
         UNIT_PROPERTY_BIT(UNIT_SUB_STATE))
#define UNIT_PROPERTIES_ALL ((UINT32_C(1) << _UNIT_PROPERTY_MAX) - 1)

/* A UnitInfo with nothing known yet: no strings, the "unknown" values set. */
void unit_info_init(UnitInfo *u);
void unit_info_done(UnitInfo *u);

/* Fills the properties in masks[i] of each infos[i] (named by its name) with one Properties.Get
 * per unit and property, all sent at once and answered in one wait: one round trip, and the
 * manager computes only what is asked (GetAll of a service is hundreds of properties, memory and
 * IO accounting read from the cgroup included). A property the unit lacks stays unknown. */
int bus_get_unit_properties(sd_bus *bus, UnitInfo *const *infos, const uint32_t *masks, size_t n,
                            uint64_t deadline_usec);

/* The same for unit names, into a new array of strv_length(units) infos. */
int bus_get_unit_infos(sd_bus *bus, char *const *units, uint32_t mask, UnitInfo **ret, uint64_t deadline_usec);
void unit_infos_free(UnitInfo *infos, size_t n);

/* Units loaded in the manager matching shell patterns (ListUnitsByPatterns), with their load,
 * active and sub states, which come with the list at no extra cost. */
int bus_list_unit_infos(sd_bus *bus, char *const *patterns, UnitInfo **ret, size_t *ret_n, sd_bus_error *error);
/* Their names only. */
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
