/* Per-app command lock. */
#include "lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "dirs.h"
#include "util.h"

/* flock(LOCK_EX), or without wait LOCK_EX|LOCK_NB that fails only for another command: status and
 * top look at the lock with a shared lock held for an instant (app_lock_held()), and a command
 * that finds only such a look tries again instead of reporting the app busy. */
static int take_exclusive(int fd, bool wait) {
        if (wait)
                return flock(fd, LOCK_EX);
        for (unsigned tries = 0;; tries++) {
                if (flock(fd, LOCK_EX | LOCK_NB) == 0)
                        return 0;
                if (errno != EWOULDBLOCK || tries >= 2000)
                        return -1;
                /* A shared lock we can take too means nobody holds it exclusively. */
                if (flock(fd, LOCK_SH | LOCK_NB) < 0) {
                        errno = EWOULDBLOCK;
                        return -1;
                }
                (void) flock(fd, LOCK_UN);
                (void) usleep(1000);
        }
}

int app_lock_take(Scope scope, const char *app, bool wait, AppLock *ret, int *ret_holder) {
        _cleanup_free_ char *dir = NULL, *path = NULL;
        _cleanup_close_ int fd = -1;
        char buf[32];
        int r;

        *ret_holder = 0;
        r = runtime_dir_for_scope(scope, &dir);
        if (r < 0)
                return r;
        if (mkdir(dir, 0755) < 0 && errno != EEXIST)
                return -errno;
        if (asprintf_safe(&path, "%s/%s.lock", dir, app) < 0)
                return -ENOMEM;
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (fd < 0)
                return -errno;
        if (take_exclusive(fd, wait) < 0) {
                r = -errno;
                if (r == -EWOULDBLOCK) {
                        /* The holder wrote "PID\n"; anything else names nobody. */
                        ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
                        int pid;
                        if (n > 1 && buf[n - 1] == '\n') {
                                buf[n - 1] = 0;
                                if (safe_atoi(buf, &pid) >= 0 && pid > 0)
                                        *ret_holder = pid;
                        }
                        return -EBUSY;
                }
                return r;
        }
        /* Who holds it, for the message the next caller sees. */
        int n = snprintf(buf, sizeof(buf), "%d\n", (int) getpid());
        if (ftruncate(fd, 0) == 0)
                (void) !pwrite(fd, buf, (size_t) n, 0);
        ret->fd = fd;
        fd = -1;
        return 0;
}

bool app_lock_held(Scope scope, const char *app) {
        _cleanup_free_ char *dir = NULL, *path = NULL;
        _cleanup_close_ int fd = -1;

        if (runtime_dir_for_scope(scope, &dir) < 0 || asprintf_safe(&path, "%s/%s.lock", dir, app) < 0)
                return false;
        /* Read-only and never created: any user may ask, and asking leaves nothing behind. */
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
                return false;
        if (flock(fd, LOCK_SH | LOCK_NB) < 0)
                return errno == EWOULDBLOCK;
        (void) flock(fd, LOCK_UN);
        return false;
}

int app_runtime_file(Scope scope, const char *app, const char *suffix, char **ret) {
        _cleanup_free_ char *dir = NULL;
        int r = runtime_dir_for_scope(scope, &dir);
        if (r < 0)
                return r;
        if (mkdir(dir, 0755) < 0 && errno != EEXIST)
                return -errno;
        return asprintf_safe(ret, "%s/%s%s", dir, app, suffix);
}

void app_lock_release(AppLock *l) {
        if (l->fd >= 0) {
                close(l->fd);
                l->fd = -1;
        }
}
