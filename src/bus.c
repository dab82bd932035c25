/* Connecting to the service manager and reading unit properties. */
#include "bus.h"

#include <assert.h>
#include <poll.h>
#include <stddef.h>
#include <sys/stat.h>

#include "dirs.h"
#include "util.h"

static int connect_private(const char *socket_path, sd_bus **ret) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_free_ char *address = NULL;
        struct stat st;
        int r;

        if (stat(socket_path, &st) < 0)
                return -errno;
        if (asprintf_safe(&address, "unix:path=%s", socket_path) < 0)
                return -ENOMEM;
        r = sd_bus_new(&bus);
        if (r < 0)
                return r;
        r = sd_bus_set_address(bus, address);
        if (r < 0)
                return r;
        r = sd_bus_start(bus);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(bus);
        return 0;
}

#define CONNECT_TIMEOUT_USEC (10ULL * 1000000ULL)

/* sd-bus gives a peer that never completes authentication 90 s; a manager answers at once, so
 * anything slower is not one we can work with. */
static bool is_ready(void *bus) {
        return sd_bus_is_ready(bus) != 0; /* an error ends the wait too; the next call reports it */
}

static int wait_until_ready(sd_bus *bus) {
        int r = bus_run_until(bus, now_usec() + CONNECT_TIMEOUT_USEC, is_ready, bus);
        if (r == -ETIME)
                return -ETIMEDOUT;
        if (r < 0)
                return r;
        r = sd_bus_is_ready(bus);
        return r < 0 ? r : 0;
}

static int finish_connect(sd_bus *bus, const char *what, sd_bus **ret, char **ret_error) {
        int r = wait_until_ready(bus);
        if (r < 0) {
                asprintf_safe(ret_error, "cannot talk to the %s manager: %s", what, strerror(-r));
                sd_bus_close_unref(bus); /* no flush: that would wait for the authentication again */
                return r;
        }
        *ret = bus;
        return 0;
}

int bus_connect(Scope scope, sd_bus **ret, char **ret_error) {
        _cleanup_free_ char *private_path = NULL;
        sd_bus *bus = NULL;
        int r;

        *ret_error = NULL;
        if (scope == SCOPE_SYSTEM) {
                if (geteuid() == 0 && connect_private("/run/systemd/private", &bus) >= 0)
                        return finish_connect(bus, "system", ret, ret_error);
                r = sd_bus_open_system(&bus);
                if (r < 0) {
                        asprintf_safe(ret_error,
                                      "cannot connect to the system manager: %s (is systemd running? for your "
                                      "own user manager use --user)",
                                      strerror(-r));
                        return r;
                }
        } else {
                if (scope_path(scope, SCOPE_DIR_RUNTIME, "systemd/private", &private_path) >= 0 &&
                    connect_private(private_path, &bus) >= 0)
                        return finish_connect(bus, "user", ret, ret_error);
                r = sd_bus_open_user(&bus);
                if (r < 0) {
                        asprintf_safe(ret_error,
                                      "cannot connect to the user manager: %s (is XDG_RUNTIME_DIR set and "
                                      "'systemd --user' running?)",
                                      strerror(-r));
                        return r;
                }
        }
        return finish_connect(bus, scope == SCOPE_SYSTEM ? "system" : "user", ret, ret_error);
}

/* A reload re-runs the generators, which the manager allows 90 s; as systemctl daemon-reload
 * does, give it twice that, so the generators get their time and the rest as much again. */
#define RELOAD_TIMEOUT_USEC (180ULL * 1000000ULL)

int bus_daemon_reload(sd_bus *bus, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
        int r;

        r = sd_bus_message_new_method_call(bus, &m, SD_DEST, SD_PATH, SD_MANAGER, "Reload");
        if (r < 0)
                return r;
        return sd_bus_call(bus, m, RELOAD_TIMEOUT_USEC, error, &reply);
}

#define IFACE_UNIT "org.freedesktop.systemd1.Unit"
#define IFACE_SERVICE "org.freedesktop.systemd1.Service"

/* Where each property comes from and goes: its interface, its D-Bus type ('y' stands for the
 * 16-byte "ay" of an ID) and its field, with the field that says it is known, if any. */
static const struct {
        const char *name;
        const char *interface;
        char type;
        size_t offset;
        ssize_t known_offset; /* -1: none */
} unit_properties[_UNIT_PROPERTY_MAX] = {
        [UNIT_LOAD_STATE] = { "LoadState", IFACE_UNIT, 's', offsetof(UnitInfo, load_state), -1 },
        [UNIT_ACTIVE_STATE] = { "ActiveState", IFACE_UNIT, 's', offsetof(UnitInfo, active_state), -1 },
        [UNIT_SUB_STATE] = { "SubState", IFACE_UNIT, 's', offsetof(UnitInfo, sub_state), -1 },
        [UNIT_INVOCATION_ID] = { "InvocationID", IFACE_UNIT, 'y', offsetof(UnitInfo, invocation_id),
                                 offsetof(UnitInfo, has_invocation_id) },
        [UNIT_ACTIVE_ENTER_MONOTONIC] = { "ActiveEnterTimestampMonotonic", IFACE_UNIT, 't',
                                          offsetof(UnitInfo, active_enter_monotonic), -1 },
        [SERVICE_RESULT] = { "Result", IFACE_SERVICE, 's', offsetof(UnitInfo, result), -1 },
        [SERVICE_STATUS_TEXT] = { "StatusText", IFACE_SERVICE, 's', offsetof(UnitInfo, status_text), -1 },
        [SERVICE_MAIN_PID] = { "MainPID", IFACE_SERVICE, 'u', offsetof(UnitInfo, main_pid), -1 },
        [SERVICE_EXEC_MAIN_PID] = { "ExecMainPID", IFACE_SERVICE, 'u', offsetof(UnitInfo, exec_main_pid), -1 },
        [SERVICE_USER] = { "User", IFACE_SERVICE, 's', offsetof(UnitInfo, user), -1 },
        [SERVICE_N_RESTARTS] = { "NRestarts", IFACE_SERVICE, 'u', offsetof(UnitInfo, n_restarts),
                                 offsetof(UnitInfo, has_n_restarts) },
        [SERVICE_EXEC_MAIN_START_MONOTONIC] = { "ExecMainStartTimestampMonotonic", IFACE_SERVICE, 't',
                                                offsetof(UnitInfo, exec_main_start_monotonic), -1 },
        [SERVICE_MEMORY_CURRENT] = { "MemoryCurrent", IFACE_SERVICE, 't', offsetof(UnitInfo, memory_current), -1 },
        [SERVICE_CPU_USAGE] = { "CPUUsageNSec", IFACE_SERVICE, 't', offsetof(UnitInfo, cpu_usage_nsec), -1 },
        [SERVICE_EXEC_MAIN_CODE] = { "ExecMainCode", IFACE_SERVICE, 'i', offsetof(UnitInfo, exec_main_code), -1 },
        [SERVICE_EXEC_MAIN_STATUS] = { "ExecMainStatus", IFACE_SERVICE, 'i', offsetof(UnitInfo, exec_main_status), -1 },
        [SERVICE_TIMEOUT_START] = { "TimeoutStartUSec", IFACE_SERVICE, 't', offsetof(UnitInfo, timeout_start_usec), -1 },
        [SERVICE_TIMEOUT_STOP] = { "TimeoutStopUSec", IFACE_SERVICE, 't', offsetof(UnitInfo, timeout_stop_usec), -1 },
};

void unit_info_init(UnitInfo *u) {
        *u = (UnitInfo) { .memory_current = UINT64_MAX, .cpu_usage_nsec = UINT64_MAX };
}

int bus_units_load_timestamp(sd_bus *bus, uint64_t *ret_monotonic, uint64_t *ret_realtime) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        uint64_t mono = 0, real = 0;
        int r;

        r = sd_bus_get_property_trivial(bus, SD_DEST, SD_PATH, SD_MANAGER, "UnitsLoadTimestampMonotonic", &error, 't',
                                        &mono);
        if (r >= 0)
                r = sd_bus_get_property_trivial(bus, SD_DEST, SD_PATH, SD_MANAGER, "UnitsLoadTimestamp", &error, 't',
                                                &real);
        if (r < 0)
                return r;
        if (mono == 0)
                return -ENODATA;
        *ret_monotonic = mono;
        *ret_realtime = real;
        return 0;
}

void unit_info_done(UnitInfo *u) {
        free(u->name);
        free(u->load_state);
        free(u->active_state);
        free(u->sub_state);
        free(u->result);
        free(u->status_text);
        free(u->user);
        unit_info_init(u);
}

void unit_infos_free(UnitInfo *infos, size_t n) {
        for (size_t i = 0; infos && i < n; i++)
                unit_info_done(&infos[i]);
        free(infos);
}

/* Reads the variant of a Get reply into the property's field. */
static int read_property(sd_bus_message *m, UnitProperty p, UnitInfo *u) {
        void *field = (char *) u + unit_properties[p].offset;
        const void *id;
        const char *s;
        size_t n;
        int r;

        switch (unit_properties[p].type) {
        case 's':
                r = sd_bus_message_read(m, "v", "s", &s);
                if (r < 0)
                        return r;
                free(*(char **) field);
                return (*(char **) field = strdup(s)) ? 0 : -ENOMEM;
        case 'u':
                r = sd_bus_message_read(m, "v", "u", (uint32_t *) field);
                break;
        case 't':
                r = sd_bus_message_read(m, "v", "t", (uint64_t *) field);
                break;
        case 'i':
                r = sd_bus_message_read(m, "v", "i", (int32_t *) field);
                break;
        case 'y':
                r = sd_bus_message_enter_container(m, 'v', "ay");
                if (r >= 0)
                        r = sd_bus_message_read_array(m, 'y', &id, &n);
                if (r < 0)
                        return r;
                if (n != 16)
                        return 0; /* no invocation yet: an empty array */
                memcpy(field, id, 16);
                break;
        default:
                assert(!"unknown property type");
                return -EINVAL;
        }
        if (r < 0)
                return r;
        if (unit_properties[p].known_offset >= 0)
                *(bool *) ((char *) u + unit_properties[p].known_offset) = true;
        return 0;
}

typedef struct PendingGet {
        UnitInfo *info;
        UnitProperty property;
        size_t *remaining;
        sd_bus_slot *slot;
} PendingGet;

static int on_property(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        PendingGet *g = userdata;
        (void) ret_error;

        (*g->remaining)--;
        /* A property the unit does not have (a socket's MainPID) or a unit gone: unknown. */
        if (!sd_bus_message_is_method_error(m, NULL))
                (void) read_property(m, g->property, g->info);
        return 0;
}

int bus_wait_until(sd_bus *bus, uint64_t deadline_usec) {
        uint64_t now = now_usec();
        int r;

        if (now >= deadline_usec)
                return -ETIME;
        r = sd_bus_wait(bus, deadline_usec - now);
        if (r < 0 && r != -EINTR)
                return r;
        return 0;
}

int bus_run_until(sd_bus *bus, uint64_t deadline_usec, BusDoneFn done, void *userdata) {
        int r;

        while (!done || !done(userdata)) {
                r = sd_bus_process(bus, NULL);
                if (r < 0)
                        return r;
                if (r > 0)
                        continue;
                r = bus_wait_until(bus, deadline_usec);
                if (r == -ETIME && !done)
                        return 0;
                if (r < 0)
                        return r;
        }
        return 0;
}

static bool none_remaining(void *userdata) {
        return *(size_t *) userdata == 0;
}

int bus_get_unit_properties(sd_bus *bus, UnitInfo *const *infos, const uint32_t *masks, size_t n,
                            uint64_t deadline_usec) {
        size_t n_gets = 0, remaining = 0;
        _cleanup_free_ PendingGet *gets = NULL;
        int r = 0;

        for (size_t i = 0; i < n; i++)
                for (UnitProperty p = 0; p < _UNIT_PROPERTY_MAX; p++)
                        n_gets += !!(masks[i] & UNIT_PROPERTY_BIT(p));
        if (n_gets == 0)
                return 0;
        gets = calloc(n_gets, sizeof(PendingGet));
        if (!gets)
                return -ENOMEM;
        n_gets = 0;
        for (size_t i = 0; i < n && r >= 0; i++) {
                _cleanup_free_ char *path = NULL;
                r = sd_bus_path_encode("/org/freedesktop/systemd1/unit", infos[i]->name, &path);
                for (UnitProperty p = 0; p < _UNIT_PROPERTY_MAX && r >= 0; p++) {
                        if (!(masks[i] & UNIT_PROPERTY_BIT(p)))
                                continue;
                        PendingGet *g = &gets[n_gets];
                        *g = (PendingGet) { .info = infos[i], .property = p, .remaining = &remaining };
                        r = sd_bus_call_method_async(bus, &g->slot, SD_DEST, path, "org.freedesktop.DBus.Properties",
                                                     "Get", on_property, g, "ss", unit_properties[p].interface,
                                                     unit_properties[p].name);
                        if (r >= 0) {
                                n_gets++;
                                remaining++;
                        }
                }
        }
        if (r >= 0)
                r = bus_run_until(bus, deadline_usec, none_remaining, &remaining);
        /* Unanswered calls are cancelled here, before their userdata goes. */
        for (size_t i = 0; i < n_gets; i++)
                sd_bus_slot_unref(gets[i].slot);
        return r;
}

int bus_get_unit_infos(sd_bus *bus, char *const *units, uint32_t mask, UnitInfo **ret, uint64_t deadline_usec) {
        size_t n = strv_length(units);
        UnitInfo *infos = calloc(n ? n : 1, sizeof(UnitInfo));
        _cleanup_free_ UnitInfo **pointers = calloc(n ? n : 1, sizeof(UnitInfo *));
        _cleanup_free_ uint32_t *masks = calloc(n ? n : 1, sizeof(uint32_t));
        int r;

        if (!infos || !pointers || !masks) {
                free(infos);
                return -ENOMEM;
        }
        for (size_t i = 0; i < n; i++) {
                unit_info_init(&infos[i]);
                pointers[i] = &infos[i];
                masks[i] = mask;
                if (!(infos[i].name = strdup(units[i]))) {
                        unit_infos_free(infos, n);
                        return -ENOMEM;
                }
        }
        r = bus_get_unit_properties(bus, pointers, masks, n, deadline_usec);
        if (r < 0) {
                unit_infos_free(infos, n);
                return r;
        }
        *ret = infos;
        return 0;
}

int bus_list_unit_infos(sd_bus *bus, char *const *patterns, UnitInfo **ret, size_t *ret_n, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
        const char *name, *load, *active, *sub;
        UnitInfo *infos = NULL;
        size_t n = 0;
        int r;

        r = sd_bus_message_new_method_call(bus, &m, SD_DEST, SD_PATH, SD_MANAGER, "ListUnitsByPatterns");
        if (r < 0)
                return r;
        r = sd_bus_message_append_strv(m, NULL); /* every state */
        if (r < 0)
                return r;
        r = sd_bus_message_append_strv(m, (char **) patterns);
        if (r < 0)
                return r;
        r = sd_bus_call(bus, m, 0, error, &reply);
        if (r < 0)
                return r;
        r = sd_bus_message_enter_container(reply, 'a', "(ssssssouso)");
        if (r < 0)
                return r;
        while ((r = sd_bus_message_read(reply, "(ssssssouso)", &name, NULL, &load, &active, &sub, NULL, NULL, NULL,
                                        NULL, NULL)) > 0) {
                UnitInfo *grown = realloc(infos, sizeof(UnitInfo) * (n + 1));
                if (!grown) {
                        r = -ENOMEM;
                        break;
                }
                infos = grown;
                UnitInfo *u = &infos[n++];
                unit_info_init(u);
                if (!(u->name = strdup(name)) || !(u->load_state = strdup(load)) ||
                    !(u->active_state = strdup(active)) || !(u->sub_state = strdup(sub))) {
                        r = -ENOMEM;
                        break;
                }
        }
        if (r < 0) {
                unit_infos_free(infos, n);
                return r;
        }
        *ret = infos;
        *ret_n = n;
        return 0;
}

int bus_list_units(sd_bus *bus, char *const *patterns, char ***ret, sd_bus_error *error) {
        _cleanup_strv_free_ char **names = NULL;
        UnitInfo *infos = NULL;
        size_t n = 0;
        int r;

        r = bus_list_unit_infos(bus, patterns, &infos, &n, error);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n && r >= 0; i++)
                r = strv_push(&names, TAKE_PTR(infos[i].name));
        unit_infos_free(infos, n);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(names);
        return 0;
}

char *bus_error_message(const sd_bus_error *error, int r) {
        char *s = NULL;
        const char *msg = error && sd_bus_error_is_set(error) && error->message ? error->message : strerror(r < 0 ? -r : r);
        bool denied = r == -EACCES || r == -EPERM ||
                      (error && sd_bus_error_has_name(error, SD_BUS_ERROR_ACCESS_DENIED)) ||
                      (error && sd_bus_error_has_name(error, "org.freedesktop.systemd1.InteractiveAuthorizationRequired"));

        if (asprintf(&s, "%s%s", msg, denied ? " (run as root, or use --user for your own user manager)" : "") < 0)
                return NULL;
        return s;
}
