/* Whether the user and group of an app exist where its instances will run. */
#include "accounts.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

/* 0 if NAME is an account (or a numeric ID, which systemd uses as it is), -ENOENT if there is
 * none, another -errno when the lookup failed. */
static int lookup(const char *name, bool group, uid_t *ret_id) {
        if (strspn(name, "0123456789") == strlen(name))
                return 0;
        errno = 0;
        if (group) {
                const struct group *g = getgrnam(name);
                if (g) {
                        if (ret_id)
                                *ret_id = g->gr_gid;
                        return 0;
                }
        } else {
                const struct passwd *pw = getpwnam(name);
                if (pw) {
                        if (ret_id)
                                *ret_id = pw->pw_uid;
                        return 0;
                }
        }
        /* getpwnam(3): these mean "not found" as well. */
        if (errno == 0 || errno == ENOENT || errno == ESRCH || errno == EBADF || errno == EPERM)
                return -ENOENT;
        return -errno;
}

_printf_(5, 6) static int fail(const ConfigSource *at, const char *path, int r, ConfigError *ret_error, const char *fmt, ...) {
        va_list ap;

        *ret_error = (ConfigError) { .file = strdup(at && at->file ? at->file : path), .line = at ? at->line : 0 };
        va_start(ap, fmt);
        if (vasprintf(&ret_error->message, fmt, ap) < 0)
                ret_error->message = NULL;
        va_end(ap);
        return ret_error->file && ret_error->message ? r : -ENOMEM;
}

/* A user (or group) that does not exist would fail every instance at start-up. */
static int check_account(const App *app, bool group, ConfigError *ret_error) {
        const char *key = group ? "group" : "user", *name = group ? app->group : app->user;
        const ConfigSource *at = group ? &app->group_source : &app->user_source;
        int r;

        if (!name)
                return 0;
        r = lookup(name, group, NULL);
        if (r == -ENOENT)
                return fail(at, app->config_path, r, ret_error,
                            "%s: there is no %s '%s' on this machine, so every instance would fail to start "
                            "(%s); create it (%s --system %s), or remove the key%s",
                            key, group ? "group" : "account", name, group ? "216/GROUP" : "217/USER",
                            group ? "groupadd" : "useradd", name,
                            group ? "" : " to run the instances as a dynamic user");
        if (r < 0)
                return fail(at, app->config_path, r, ret_error, "%s: cannot look up '%s': %s", key, name,
                            strerror(-r));
        return 0;
}

int app_check_accounts(const App *app, ConfigError *ret_error) {
        uid_t uid;
        int r;

        /* DynamicUser= takes an existing account of the unit's name (the app's) over a dynamic
         * one: never root that way. */
        if (!app->user && lookup(app->name, false, &uid) >= 0 && uid == 0)
                return fail(NULL, app->config_path, -EPERM, ret_error,
                            "app '%s' has no user, and the system manager would run it as the existing "
                            "account '%s', which is root: set user",
                            app->name, app->name);
        if ((r = check_account(app, false, ret_error)) < 0)
                return r;
        return check_account(app, true, ret_error);
}
