/* Unit files on disk. Every write is atomic; nothing without our marker is touched. */
#include "unitfs.h"

#include <dirent.h>
#include <fcntl.h>
#include <libgen.h>
#include <sys/stat.h>

#include "escape.h"
#include "fileio.h"
#include "util.h"

#define UNIT_FILE_SIZE_MAX (16 * 1024 * 1024)

int unitfs_read(const char *dir, const char *relpath, char **ret) {
        _cleanup_free_ char *path = NULL;

        if (asprintf_safe(&path, "%s/%s", dir, relpath) < 0)
                return -ENOMEM;
        return read_full_file(path, UNIT_FILE_SIZE_MAX, ret);
}

bool unitfs_exists(const char *dir, const char *relpath) {
        _cleanup_free_ char *path = NULL;
        struct stat st;

        return asprintf_safe(&path, "%s/%s", dir, relpath) >= 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int unitfs_write_atomic(const char *dir, const char *relpath, const char *text) {
        _cleanup_free_ char *path = NULL;

        if (asprintf_safe(&path, "%s/%s", dir, relpath) < 0)
                return -ENOMEM;
        return write_file_atomic(path, text, 0644);
}

int unitfs_check_owned(const char *dir, const char *relpath, const char *app) {
        _cleanup_free_ char *text = NULL;
        int r = unitfs_read(dir, relpath, &text);

        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return r;
        return marker_find(text, app) ? 0 : -EEXIST;
}

int unitfs_remove(const char *dir, const char *relpath) {
        _cleanup_free_ char *path = NULL;
        char *slash;

        if (asprintf_safe(&path, "%s/%s", dir, relpath) < 0)
                return -ENOMEM;
        if (unlink(path) < 0 && errno != ENOENT)
                return -errno;
        slash = strrchr(path, '/');
        *slash = 0;
        if (endswith(path, ".d") || endswith(path, ".wants"))
                (void) rmdir(path); /* only succeeds when empty, which is what we want */
        return 0;
}

int unitfs_wants_list(const char *dir, const char *app, unsigned **ret, size_t *ret_n) {
        _cleanup_free_ char *path = NULL;
        _cleanup_closedir_ DIR *d = NULL;
        _cleanup_free_ unsigned *list = NULL;
        size_t n = 0;
        struct dirent *de;

        if (asprintf_safe(&path, "%s/%s.target.wants", dir, app) < 0)
                return -ENOMEM;
        d = opendir(path);
        if (!d) {
                if (errno != ENOENT)
                        return -errno;
        } else
                while ((de = readdir(d))) {
                        unsigned idx;
                        if (unit_name_parse_instance(de->d_name, strlen(de->d_name), app, ".service", &idx) < 0)
                                continue;
                        unsigned *l = realloc(list, sizeof(unsigned) * (n + 1));
                        if (!l)
                                return -ENOMEM;
                        list = l;
                        list[n++] = idx;
                }
        index_list_sort(list, n);
        *ret = TAKE_PTR(list);
        *ret_n = n;
        return 0;
}

/* Creates link → target atomically (a link in place stays valid throughout). */
static int symlink_atomic(const char *target, const char *link) {
        _cleanup_free_ char *tmp = NULL, *parent_buf = strdup(link);
        int r;

        if (!parent_buf)
                return -ENOMEM;
        r = mkdir_p(dirname(parent_buf), 0755);
        if (r < 0)
                return r;
        if (asprintf_safe(&tmp, "%s.clusterctl-tmp", link) < 0)
                return -ENOMEM;
        (void) unlink(tmp);
        if (symlink(target, tmp) < 0)
                return -errno;
        if (rename(tmp, link) < 0) {
                r = -errno;
                unlink(tmp);
                return r;
        }
        return 0;
}

int unitfs_wants_add(const char *dir, const char *app, unsigned index) {
        _cleanup_free_ char *link = NULL, *target = NULL;

        if (asprintf_safe(&link, "%s/%s.target.wants/%s@%u.service", dir, app, app, index) < 0 ||
            asprintf_safe(&target, "%s/%s@.service", dir, app) < 0)
                return -ENOMEM;
        return symlink_atomic(target, link);
}

int unitfs_wants_remove(const char *dir, const char *app, unsigned index) {
        _cleanup_free_ char *rel = NULL;

        if (asprintf_safe(&rel, "%s.target.wants/%s@%u.service", app, app, index) < 0)
                return -ENOMEM;
        return unitfs_remove(dir, rel);
}

int unitfs_remove_empty_dropin_dirs(const char *dir, const char *app) {
        _cleanup_closedir_ DIR *d = opendir(dir);
        struct dirent *de;
        size_t al = strlen(app);

        if (!d)
                return errno == ENOENT ? 0 : -errno;
        while ((de = readdir(d)))
                if (strncmp(de->d_name, app, al) == 0 && de->d_name[al] == '@' && endswith(de->d_name, ".service.d"))
                        (void) unlinkat(dirfd(d), de->d_name, AT_REMOVEDIR); /* only succeeds when empty */
        return 0;
}

int unitfs_wants_dir_remove(const char *dir, const char *app) {
        _cleanup_free_ char *path = NULL;

        if (asprintf_safe(&path, "%s/%s.target.wants", dir, app) < 0)
                return -ENOMEM;
        if (rmdir(path) < 0 && errno != ENOENT && errno != ENOTEMPTY)
                return -errno;
        return 0;
}

static int target_link_path(const char *dir, Scope scope, const char *app, char **ret) {
        return asprintf_safe(ret, "%s/%s/%s.target", dir,
                             scope == SCOPE_SYSTEM ? "multi-user.target.wants" : "default.target.wants", app);
}

int unitfs_target_enable(const char *dir, Scope scope, const char *app) {
        _cleanup_free_ char *link = NULL, *target = NULL;

        if (target_link_path(dir, scope, app, &link) < 0 || asprintf_safe(&target, "%s/%s.target", dir, app) < 0)
                return -ENOMEM;
        return symlink_atomic(target, link);
}

int unitfs_target_disable(const char *dir, Scope scope, const char *app) {
        _cleanup_free_ char *link = NULL;

        if (target_link_path(dir, scope, app, &link) < 0)
                return -ENOMEM;
        if (unlink(link) < 0 && errno != ENOENT)
                return -errno;
        *strrchr(link, '/') = 0;
        (void) rmdir(link); /* as systemctl disable does: only when nothing else is enabled there */
        return 0;
}

static bool is_unit_file_name(const char *name) {
        return name[0] != '.' && (endswith(name, ".service") || endswith(name, ".socket") ||
                                  endswith(name, ".target") || endswith(name, ".timer") ||
                                  endswith(name, ".conf"));
}

/* Adds relpath when it is a regular file whose marker names app (any app when NULL). */
static int consider_file(const char *dir, const char *relpath, const char *app, char ***list) {
        _cleanup_free_ char *path = NULL, *text = NULL;
        struct stat st;

        if (asprintf_safe(&path, "%s/%s", dir, relpath) < 0)
                return -ENOMEM;
        if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > 1024 * 1024)
                return 0;
        if (unitfs_read(dir, relpath, &text) < 0)
                return 0;
        if (!marker_find(text, app))
                return 0;
        return strv_extend(list, relpath);
}

static int compare_strings(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

int unitfs_app_files(const char *dir, const char *app, char ***ret) {
        _cleanup_closedir_ DIR *d = opendir(dir);
        _cleanup_strv_free_ char **list = NULL;
        struct dirent *de;
        size_t al = strlen(app);
        int r;

        if (!d) {
                if (errno != ENOENT)
                        return -errno;
                *ret = NULL;
                return 0;
        }
        while ((de = readdir(d))) {
                /* Only names that belong to this app: APP.*, APP@* — never scan everything. */
                if (strncmp(de->d_name, app, al) != 0 || (de->d_name[al] != '.' && de->d_name[al] != '@'))
                        continue;
                if (endswith(de->d_name, ".d")) {
                        _cleanup_free_ char *sub = NULL;
                        _cleanup_closedir_ DIR *dd = NULL;
                        struct dirent *e;
                        if (asprintf_safe(&sub, "%s/%s", dir, de->d_name) < 0)
                                return -ENOMEM;
                        if (!(dd = opendir(sub)))
                                continue;
                        while ((e = readdir(dd))) {
                                _cleanup_free_ char *rel = NULL;
                                if (!is_unit_file_name(e->d_name))
                                        continue;
                                if (asprintf_safe(&rel, "%s/%s", de->d_name, e->d_name) < 0)
                                        return -ENOMEM;
                                if ((r = consider_file(dir, rel, app, &list)) < 0)
                                        return r;
                        }
                } else if (is_unit_file_name(de->d_name)) {
                        if ((r = consider_file(dir, de->d_name, app, &list)) < 0)
                                return r;
                }
        }
        if (list)
                qsort(list, strv_length(list), sizeof(char *), compare_strings);
        *ret = TAKE_PTR(list);
        return 0;
}

int unitfs_list_apps(const char *dir, char ***ret) {
        _cleanup_closedir_ DIR *d = opendir(dir);
        _cleanup_strv_free_ char **apps = NULL;
        struct dirent *de;

        if (!d) {
                if (errno != ENOENT)
                        return -errno;
                *ret = NULL;
                return 0;
        }
        while ((de = readdir(d))) {
                _cleanup_free_ char *name = NULL, *text = NULL, *app = NULL;
                if (!endswith(de->d_name, "@.service"))
                        continue;
                name = strndup(de->d_name, strlen(de->d_name) - strlen("@.service"));
                if (!name)
                        return -ENOMEM;
                if (!app_name_is_valid(name) || unitfs_read(dir, de->d_name, &text) < 0)
                        continue;
                app = marker_get(text, "App");
                if (!app || !streq(app, name))
                        continue;
                if (strv_extend(&apps, name) < 0)
                        return -ENOMEM;
        }
        if (apps)
                qsort(apps, strv_length(apps), sizeof(char *), compare_strings);
        *ret = TAKE_PTR(apps);
        return 0;
}
