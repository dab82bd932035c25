/* Facts about the manager that runs the units: what its sandbox can do, whether it outlives the
 * login. */
#include "manager-facts.h"

#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <systemd/sd-bus.h>

#include "dirs.h"
#include "util.h"

#define LOGIND_TIMEOUT_USEC (5ULL * 1000000ULL)

/* What systemd does for PrivateUsers=: a user namespace, and a mount namespace in it that the
 * process may change. Some kernels and security modules allow the first and deny the second. */
static bool can_make_user_namespace(void) {
        int status;
        pid_t pid = fork();

        if (pid < 0)
                return false;
        if (pid == 0) {
                if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
                        _exit(EXIT_FAILURE);
                _exit(EXIT_SUCCESS);
        }
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return false;
        return WIFEXITED(status) && WEXITSTATUS(status) == EXIT_SUCCESS;
}

/* A container manager puts a file of its own over /proc/kmsg (systemd-nspawn: its kernel log
 * feed); anything mounted there lives on another file system than /proc. */
static bool kmsg_masked(void) {
        struct stat proc, kmsg;
        return stat("/proc", &proc) == 0 && stat("/proc/kmsg", &kmsg) == 0 && kmsg.st_dev != proc.st_dev;
}

void manager_sandbox_limits(Scope scope, SandboxLimits *ret) {
        *ret = (SandboxLimits) {};
        if (scope != SCOPE_USER || geteuid() == 0)
                return;
        ret->unprivileged = true;
        ret->no_user_namespace = !can_make_user_namespace();
        ret->kmsg_masked = kmsg_masked();
}

int user_manager_lingers(bool *ret) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_free_ char *runtime_path = NULL, *runtime = NULL;
        const char *path;
        int linger, r;

        if (scope_path(SCOPE_USER, SCOPE_DIR_RUNTIME, NULL, &runtime) < 0)
                return -ENOENT;
        r = sd_bus_open_system(&bus);
        if (r < 0)
                return r;
        r = sd_bus_set_method_call_timeout(bus, LOGIND_TIMEOUT_USEC);
        if (r < 0)
                return r;
        r = sd_bus_call_method(bus, "org.freedesktop.login1", "/org/freedesktop/login1",
                               "org.freedesktop.login1.Manager", "GetUser", &error, &reply, "u", (uint32_t) getuid());
        if (r < 0)
                return sd_bus_error_has_names(&error, "org.freedesktop.login1.NoSuchUser",
                                              "org.freedesktop.DBus.Error.ServiceUnknown")
                               ? -ENOENT
                               : r;
        r = sd_bus_message_read(reply, "o", &path);
        if (r < 0)
                return r;
        r = sd_bus_get_property_string(bus, "org.freedesktop.login1", path, "org.freedesktop.login1.User",
                                       "RuntimePath", &error, &runtime_path);
        if (r < 0)
                return r;
        if (!streq(runtime_path, runtime))
                return -ENOENT;
        r = sd_bus_get_property_trivial(bus, "org.freedesktop.login1", path, "org.freedesktop.login1.User", "Linger",
                                        &error, 'b', &linger);
        if (r < 0)
                return r;
        *ret = linger;
        return 0;
}
