/* PropertiesChanged on the watched units' objects, matched per object path. */
#include "watch.h"

#include "bus.h"
#include "util.h"

typedef struct Watched {
        char *unit;
        sd_bus_slot *slot;
        uint8_t invocation[16];
        uint64_t ready_usec;
        char *bad_state; /* what it changed to, once it failed */
        size_t failed_order;
        struct UnitWatch *owner;
} Watched;

struct UnitWatch {
        sd_bus *bus;
        Watched **units;
        size_t n_units;
        size_t n_failed;
};

static void watched_free(Watched *u) {
        if (!u)
                return;
        sd_bus_slot_unref(u->slot);
        free(u->unit);
        free(u->bad_state);
        free(u);
}

static void mark_failed(Watched *u, const char *state) {
        if (u->bad_state)
                return;
        u->bad_state = strdup(state);
        u->failed_order = ++u->owner->n_failed;
}

/* PropertiesChanged(s interface, a{sv} changed, as invalidated) of org.freedesktop.systemd1.Unit. */
static int on_properties_changed(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        Watched *u = userdata;
        const char *interface;
        int r;
        (void) ret_error;

        if (sd_bus_message_read(m, "s", &interface) < 0 || !streq(interface, "org.freedesktop.systemd1.Unit"))
                return 0;
        if (sd_bus_message_enter_container(m, 'a', "{sv}") < 0)
                return 0;
        while ((r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
                const char *name, *state;
                if (sd_bus_message_read(m, "s", &name) < 0)
                        return 0;
                if (streq(name, "ActiveState")) {
                        if (sd_bus_message_read(m, "v", "s", &state) < 0)
                                return 0;
                        if (!streq(state, "active") && !streq(state, "reloading"))
                                mark_failed(u, state);
                } else if (streq(name, "InvocationID")) {
                        const void *id;
                        size_t n;
                        if (sd_bus_message_enter_container(m, 'v', "ay") < 0 ||
                            sd_bus_message_read_array(m, 'y', &id, &n) < 0 || sd_bus_message_exit_container(m) < 0)
                                return 0;
                        if (n == 16 && memcmp(id, u->invocation, 16) != 0)
                                mark_failed(u, "restarted");
                } else if (sd_bus_message_skip(m, "v") < 0)
                        return 0;
                if (sd_bus_message_exit_container(m) < 0)
                        return 0;
        }
        return 0;
}

int unit_watch_new(sd_bus *bus, UnitWatch **ret) {
        UnitWatch *w = calloc(1, sizeof(*w));
        if (!w)
                return -ENOMEM;
        w->bus = sd_bus_ref(bus);
        *ret = w;
        return 0;
}

UnitWatch *unit_watch_free(UnitWatch *w) {
        if (!w)
                return NULL;
        for (size_t i = 0; i < w->n_units; i++)
                watched_free(w->units[i]);
        free(w->units);
        sd_bus_unref(w->bus);
        free(w);
        return NULL;
}

static Watched *find(const UnitWatch *w, const char *unit) {
        for (size_t i = 0; i < w->n_units; i++)
                if (streq(w->units[i]->unit, unit))
                        return w->units[i];
        return NULL;
}

void unit_watch_remove(UnitWatch *w, const char *unit) {
        for (size_t i = 0; i < w->n_units; i++)
                if (streq(w->units[i]->unit, unit)) {
                        watched_free(w->units[i]);
                        memmove(w->units + i, w->units + i + 1, (w->n_units - i - 1) * sizeof(Watched *));
                        w->n_units--;
                        return;
                }
}

int unit_watch_add(UnitWatch *w, const char *unit, const uint8_t invocation[16], uint64_t ready_usec) {
        _cleanup_free_ char *path = NULL;
        Watched *u;
        int r;

        unit_watch_remove(w, unit);
        Watched **l = realloc(w->units, sizeof(Watched *) * (w->n_units + 1));
        if (!l)
                return -ENOMEM;
        w->units = l;
        if (!(u = calloc(1, sizeof(*u))) || !(u->unit = strdup(unit))) {
                free(u);
                return -ENOMEM;
        }
        memcpy(u->invocation, invocation, 16);
        u->ready_usec = ready_usec;
        u->owner = w;
        r = sd_bus_path_encode("/org/freedesktop/systemd1/unit", unit, &path);
        if (r >= 0)
                r = sd_bus_match_signal(w->bus, &u->slot, SD_DEST, path, "org.freedesktop.DBus.Properties",
                                        "PropertiesChanged", on_properties_changed, u);
        if (r < 0) {
                watched_free(u);
                return r;
        }
        w->units[w->n_units++] = u;
        return 0;
}

void unit_watch_mark_failed(UnitWatch *w, const char *unit, const char *state) {
        Watched *u = find(w, unit);
        if (u)
                mark_failed(u, state);
}

bool unit_watch_any_failed(const UnitWatch *w) {
        for (size_t i = 0; i < w->n_units; i++)
                if (w->units[i]->bad_state)
                        return true;
        return false;
}

char **unit_watch_failed_units(const UnitWatch *w) {
        size_t n = 0;
        char **l = calloc(w->n_units + 1, sizeof(char *));
        if (!l)
                return NULL;
        for (size_t order = 1; order <= w->n_failed; order++)
                for (size_t i = 0; i < w->n_units; i++)
                        if (w->units[i]->bad_state && w->units[i]->failed_order == order &&
                            !(l[n++] = strdup(w->units[i]->unit))) {
                                strv_free(l);
                                return NULL;
                        }
        return l;
}

const char *unit_watch_state(const UnitWatch *w, const char *unit) {
        const Watched *u = find(w, unit);
        return u ? u->bad_state : NULL;
}

uint64_t unit_watch_last_ready(const UnitWatch *w) {
        uint64_t last = 0;
        for (size_t i = 0; i < w->n_units; i++)
                if (w->units[i]->ready_usec > last)
                        last = w->units[i]->ready_usec;
        return last;
}

static bool any_failed(void *userdata) {
        return unit_watch_any_failed(userdata);
}

int unit_watch_run_until(UnitWatch *w, uint64_t deadline_usec) {
        int r = bus_run_until(w->bus, deadline_usec, any_failed, w);
        if (r == -ETIME)
                return 0;
        if (r < 0)
                return r;
        return unit_watch_any_failed(w) ? -ECANCELED : 0;
}
