/* Atomic file writes, for unit files and clusterctl's own state. */
#include "fileio.h"

#include <fcntl.h>
#include <libgen.h>
#include <sys/stat.h>

#include "util.h"

int mkdir_p(const char *path, mode_t mode) {
        _cleanup_free_ char *copy = strdup(path);

        if (!copy)
                return -ENOMEM;
        for (char *p = copy + 1; *p; p++) {
                if (*p != '/')
                        continue;
                *p = 0;
                if (mkdir(copy, mode) < 0 && errno != EEXIST)
                        return -errno;
                *p = '/';
        }
        if (mkdir(copy, mode) < 0 && errno != EEXIST)
                return -errno;
        return 0;
}

static int fsync_dir(const char *path) {
        _cleanup_close_ int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        return fsync(fd) < 0 ? -errno : 0;
}

/* Temp files of `name` (".NAME.XXXXXX") left by a writer that was killed before its rename. */
static void remove_stale_temp_files(const char *parent, const char *name) {
        _cleanup_closedir_ DIR *d = opendir(parent);
        struct dirent *de;
        size_t n = strlen(name);

        while (d && (de = readdir(d)))
                if (de->d_name[0] == '.' && strncmp(de->d_name + 1, name, n) == 0 && de->d_name[n + 1] == '.' &&
                    strlen(de->d_name) == n + 8)
                        (void) unlinkat(dirfd(d), de->d_name, 0);
}

static int write_all(int fd, const char *text, size_t len) {
        size_t done = 0;

        while (done < len) {
                ssize_t w = write(fd, text + done, len - done);
                if (w < 0 && errno == EINTR)
                        continue;
                if (w < 0)
                        return -errno;
                done += (size_t) w;
        }
        return 0;
}

int write_file_atomic(const char *path, const char *text, mode_t mode) {
        _cleanup_free_ char *tmp = NULL, *parent_buf = strdup(path);
        _cleanup_close_ int fd = -1;
        const char *name = strrchr(path, '/');
        int r;

        if (!parent_buf)
                return -ENOMEM;
        if (!name || !name[1])
                return -EINVAL;
        name++;
        const char *parent = dirname(parent_buf);
        r = mkdir_p(parent, 0755);
        if (r < 0)
                return r;
        remove_stale_temp_files(parent, name);
        if (asprintf_safe(&tmp, "%s/.%s.XXXXXX", parent, name) < 0)
                return -ENOMEM;
        fd = mkostemp(tmp, O_CLOEXEC);
        if (fd < 0)
                return -errno;
        r = write_all(fd, text, strlen(text));
        if (r >= 0 && (fchmod(fd, mode) < 0 || fsync(fd) < 0))
                r = -errno;
        if (r >= 0 && rename(tmp, path) < 0)
                r = -errno;
        if (r < 0) {
                (void) unlink(tmp);
                return r;
        }
        /* The rename is durable only once the directory is. */
        return fsync_dir(parent);
}
