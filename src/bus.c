/* Connecting to the service manager and reading unit properties. */
#include "bus.h"

#include <poll.h>
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

int bus_daemon_reload(sd_bus *bus, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;

        /* Reload can take long on a busy manager; allow more than the default 25 s. */
        return sd_bus_call_method(bus, SD_DEST, SD_PATH, SD_MANAGER, "Reload", error, &reply, "");
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
        *u = (UnitInfo) {};
}

static int read_string_variant(sd_bus_message *m, char **field) {
        const char *s;
        int r = sd_bus_message_read(m, "v", "s", &s);
        if (r < 0)
                return r;
        free(*field);
        return (*field = strdup(s)) ? 0 : -ENOMEM;
}

/* Reads the a{sv} of Properties.GetAll, keeping what UnitInfo holds. */
static int parse_properties(sd_bus_message *m, UnitInfo *u) {
        int r;

        r = sd_bus_message_enter_container(m, 'a', "{sv}");
        if (r < 0)
                return r;
        while ((r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
                const char *name;
                r = sd_bus_message_read(m, "s", &name);
                if (r < 0)
                        return r;
                if (streq(name, "LoadState"))
                        r = read_string_variant(m, &u->load_state);
                else if (streq(name, "ActiveState"))
                        r = read_string_variant(m, &u->active_state);
                else if (streq(name, "SubState"))
                        r = read_string_variant(m, &u->sub_state);
                else if (streq(name, "Result"))
                        r = read_string_variant(m, &u->result);
                else if (streq(name, "StatusText"))
                        r = read_string_variant(m, &u->status_text);
                else if (streq(name, "MainPID"))
                        r = sd_bus_message_read(m, "v", "u", &u->main_pid);
                else if (streq(name, "NRestarts")) {
                        r = sd_bus_message_read(m, "v", "u", &u->n_restarts);
                        u->has_n_restarts = r >= 0;
                } else if (streq(name, "ActiveEnterTimestamp"))
                        r = sd_bus_message_read(m, "v", "t", &u->active_enter_usec);
                else if (streq(name, "ActiveEnterTimestampMonotonic"))
                        r = sd_bus_message_read(m, "v", "t", &u->active_enter_monotonic);
                else if (streq(name, "ExecMainStartTimestamp"))
                        r = sd_bus_message_read(m, "v", "t", &u->exec_main_start_usec);
                else if (streq(name, "ExecMainStartTimestampMonotonic"))
                        r = sd_bus_message_read(m, "v", "t", &u->exec_main_start_monotonic);
                else if (streq(name, "MemoryCurrent"))
                        r = sd_bus_message_read(m, "v", "t", &u->memory_current);
                else if (streq(name, "CPUUsageNSec"))
                        r = sd_bus_message_read(m, "v", "t", &u->cpu_usage_nsec);
                else if (streq(name, "ExecMainCode"))
                        r = sd_bus_message_read(m, "v", "i", &u->exec_main_code);
                else if (streq(name, "ExecMainStatus"))
                        r = sd_bus_message_read(m, "v", "i", &u->exec_main_status);
                else if (streq(name, "TimeoutStartUSec"))
                        r = sd_bus_message_read(m, "v", "t", &u->timeout_start_usec);
                else if (streq(name, "TimeoutStopUSec"))
                        r = sd_bus_message_read(m, "v", "t", &u->timeout_stop_usec);
                else if (streq(name, "InvocationID")) {
                        const void *id;
                        size_t n;
                        r = sd_bus_message_enter_container(m, 'v', "ay");
                        if (r >= 0)
                                r = sd_bus_message_read_array(m, 'y', &id, &n);
                        if (r >= 0) {
                                if (n == 16) {
                                        memcpy(u->invocation_id, id, 16);
                                        u->has_invocation_id = true;
                                }
                                r = sd_bus_message_exit_container(m);
                        }
                } else
                        r = sd_bus_message_skip(m, "v");
                if (r < 0)
                        return r;
                r = sd_bus_message_exit_container(m);
                if (r < 0)
                        return r;
        }
        if (r < 0)
                return r;
        return sd_bus_message_exit_container(m);
}

typedef struct PendingInfo {
        UnitInfo *info;
        size_t *remaining;
} PendingInfo;

static int on_properties(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        PendingInfo *p = userdata;
        (void) ret_error;

        (*p->remaining)--;
        if (sd_bus_message_is_method_error(m, NULL))
                return 0;
        if (parse_properties(m, p->info) >= 0)
                p->info->found = true;
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

int bus_get_unit_infos(sd_bus *bus, char *const *units, UnitInfo **ret, uint64_t deadline_usec) {
        size_t n = strv_length(units), remaining = 0;
        UnitInfo *infos = calloc(n ? n : 1, sizeof(UnitInfo));
        PendingInfo *pending = calloc(n ? n : 1, sizeof(PendingInfo));
        sd_bus_slot **slots = calloc(n ? n : 1, sizeof(sd_bus_slot *));
        int r = 0;

        if (!infos || !pending || !slots) {
                r = -ENOMEM;
                goto finish;
        }
        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *path = NULL;
                infos[i].memory_current = UINT64_MAX;
                infos[i].cpu_usage_nsec = UINT64_MAX;
                if (!(infos[i].name = strdup(units[i]))) {
                        r = -ENOMEM;
                        goto finish;
                }
                r = sd_bus_path_encode("/org/freedesktop/systemd1/unit", units[i], &path);
                if (r < 0)
                        goto finish;
                pending[i] = (PendingInfo) { .info = &infos[i], .remaining = &remaining };
                /* An empty interface asks for the properties of every interface at once. */
                r = sd_bus_call_method_async(bus, &slots[i], SD_DEST, path, "org.freedesktop.DBus.Properties",
                                             "GetAll", on_properties, &pending[i], "s", "");
                if (r < 0)
                        goto finish;
                remaining++;
        }
        r = bus_run_until(bus, deadline_usec, none_remaining, &remaining);
finish:
        for (size_t i = 0; slots && i < n; i++)
                sd_bus_slot_unref(slots[i]);
        free(slots);
        free(pending);
        if (r < 0) {
                for (size_t i = 0; infos && i < n; i++)
                        unit_info_done(&infos[i]);
                free(infos);
                return r;
        }
        *ret = infos;
        return 0;
}

int bus_list_units(sd_bus *bus, char *const *patterns, char ***ret, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
        _cleanup_strv_free_ char **names = NULL;
        const char *name;
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
        while ((r = sd_bus_message_read(reply, "(ssssssouso)", &name, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                                        NULL, NULL)) > 0)
                if (strv_extend(&names, name) < 0)
                        return -ENOMEM;
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
