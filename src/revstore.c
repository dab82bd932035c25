/* Revision files and the load record, written with the unit directory's atomic writer. */
#include "revstore.h"

#include <dirent.h>
#include <systemd/sd-id128.h>

#include "dirs.h"
#include "fileio.h"
#include "unitfs.h"
#include "util.h"

#define LOADS_FILE "loads"
#define LOADS_KEEP 200

/* The state directory is everyone's to read, as the unit files are: status shows revisions to
 * any user. */
static int write_in_dir(const char *dir, const char *rel, const char *text) {
        _cleanup_free_ char *path = NULL;
        if (asprintf_safe(&path, "%s/%s", dir, rel) < 0)
                return -ENOMEM;
        return write_file_atomic(path, text, 0644);
}

int revstore_list(Scope scope, const char *app, unsigned **ret, size_t *ret_n) {
        _cleanup_free_ char *dir = NULL, *revs = NULL;
        _cleanup_free_ unsigned *l = NULL;
        size_t n = 0;
        DIR *d;
        struct dirent *de;
        int r;

        if ((r = app_state_dir(scope, app, &dir)) < 0 || (r = asprintf_safe(&revs, "%s/revisions", dir)) < 0)
                return r;
        if (!(d = opendir(revs))) {
                if (errno != ENOENT)
                        return -errno;
                *ret = NULL;
                *ret_n = 0;
                return 0;
        }
        while ((de = readdir(d))) {
                unsigned k;
                /* Only names that are plain numbers: temp files start with '.'. */
                if (strspn(de->d_name, "0123456789") != strlen(de->d_name) || de->d_name[0] == '0' ||
                    safe_atou(de->d_name, &k) < 0)
                        continue;
                if ((r = index_list_add(&l, &n, k)) < 0) {
                        closedir(d);
                        return r;
                }
        }
        closedir(d);
        index_list_sort(l, n);
        *ret = TAKE_PTR(l);
        *ret_n = n;
        return 0;
}

int revstore_read(Scope scope, const char *app, unsigned number, Revision *ret) {
        _cleanup_free_ char *dir = NULL, *rel = NULL, *text = NULL;
        Revision r = {};
        int e;

        if ((e = app_state_dir(scope, app, &dir)) < 0 || (e = asprintf_safe(&rel, "revisions/%u", number)) < 0)
                return e;
        if ((e = unitfs_read(dir, rel, &text)) < 0)
                return e;
        if ((e = revision_parse(text, strlen(text), app, &r)) < 0)
                return e;
        if (r.number != number) {
                revision_done(&r);
                return -EBADMSG;
        }
        *ret = r;
        return 0;
}

int revstore_latest(Scope scope, const char *app, Revision *ret) {
        _cleanup_free_ unsigned *l = NULL;
        size_t n = 0;
        int e = revstore_list(scope, app, &l, &n);
        if (e < 0)
                return e;
        /* The newest that reads back whole. */
        for (size_t i = n; i-- > 0;)
                if (revstore_read(scope, app, l[i], ret) >= 0)
                        return 0;
        return -ENOENT;
}

static bool ever_loaded(const RevisionLoad *loads, size_t n, unsigned number) {
        for (size_t i = 0; i < n; i++)
                if (loads[i].number == number)
                        return true;
        return false;
}

static bool in_list(const unsigned *l, size_t n, unsigned k) {
        for (size_t i = 0; i < n; i++)
                if (l[i] == k)
                        return true;
        return false;
}

/* Keeps the `keep` revisions before `added` (the one just written, kept too, whether it is new or
 * took the place of one never loaded) and removes the older ones, but for `loaded`, the one the
 * manager has loaded, and those in `in_use`: the rollout of `added` (a canary, say) leaves
 * instances on them, and undo goes back to them. */
static void prune(const char *dir, const unsigned *numbers, size_t n, unsigned keep, unsigned added,
                  unsigned loaded, const unsigned *in_use, size_t n_in_use) {
        size_t kept = 0;
        for (size_t i = n; i-- > 0;) {
                _cleanup_free_ char *path = NULL;
                if (numbers[i] >= added)
                        continue;
                if (++kept <= keep || numbers[i] == loaded || in_list(in_use, n_in_use, numbers[i]))
                        continue;
                if (asprintf_safe(&path, "%s/revisions/%u", dir, numbers[i]) >= 0)
                        (void) unlink(path);
        }
}

int revstore_add(Scope scope, const char *app, Revision *r, unsigned keep, const unsigned *in_use,
                 size_t n_in_use) {
        _cleanup_free_ char *dir = NULL, *rel = NULL, *text = NULL;
        _cleanup_free_ unsigned *l = NULL;
        _cleanup_free_ RevisionLoad *loads = NULL;
        _cleanup_(revision_done) Revision newest = {};
        size_t n = 0, n_loads = 0;
        int e;

        if ((e = app_state_dir(scope, app, &dir)) < 0 || (e = revstore_list(scope, app, &l, &n)) < 0 ||
            (e = revstore_loads(scope, app, &loads, &n_loads)) < 0)
                return e;
        r->number = 1;
        if (n > 0 && revstore_read(scope, app, l[n - 1], &newest) >= 0) {
                if (newest.units_hash == r->units_hash) {
                        r->number = newest.number;
                        return 0;
                }
                r->number = ever_loaded(loads, n_loads, newest.number) ? newest.number + 1 : newest.number;
        } else if (n > 0)
                r->number = l[n - 1] + 1;
        if ((e = revision_format(r, &text)) < 0 || (e = asprintf_safe(&rel, "revisions/%u", r->number)) < 0)
                return e;
        if ((e = write_in_dir(dir, rel, text)) < 0)
                return e;
        prune(dir, l, n, keep > 0 ? keep - 1 : 0, r->number, revision_loaded(loads, n_loads), in_use, n_in_use);
        return 0;
}

int revstore_loads(Scope scope, const char *app, RevisionLoad **ret, size_t *ret_n) {
        _cleanup_free_ char *dir = NULL, *text = NULL;
        int e;

        if ((e = app_state_dir(scope, app, &dir)) < 0)
                return e;
        e = unitfs_read(dir, LOADS_FILE, &text);
        if (e == -ENOENT) {
                *ret = NULL;
                *ret_n = 0;
                return 0;
        }
        if (e < 0)
                return e;
        return revision_loads_parse(text, ret, ret_n);
}

int revstore_current_boot(uint8_t ret[16]) {
        sd_id128_t id;
        int e = sd_id128_get_boot(&id);
        if (e < 0)
                return e;
        memcpy(ret, id.bytes, 16);
        return 0;
}

int revstore_record_load(Scope scope, const char *app, unsigned number, uint64_t hash, uint64_t monotonic_usec,
                         uint64_t realtime_usec) {
        _cleanup_free_ char *dir = NULL, *text = NULL;
        _cleanup_free_ RevisionLoad *loads = NULL;
        size_t n = 0;
        int e;

        if ((e = app_state_dir(scope, app, &dir)) < 0 || (e = revstore_loads(scope, app, &loads, &n)) < 0)
                return e;
        RevisionLoad *l = realloc(loads, sizeof(RevisionLoad) * (n + 1));
        if (!l)
                return -ENOMEM;
        loads = l;
        loads[n] = (RevisionLoad) { .monotonic_usec = monotonic_usec, .realtime_usec = realtime_usec,
                                    .number = number, .units_hash = hash };
        if ((e = revstore_current_boot(loads[n].boot_id)) < 0)
                return e;
        n++;
        size_t from = n > LOADS_KEEP ? n - LOADS_KEEP : 0;
        if ((e = revision_loads_format(loads + from, n - from, &text)) < 0)
                return e;
        return write_in_dir(dir, LOADS_FILE, text);
}

/* Every regular file in dir (the directory is ours: revisions, records, temp files a killed
 * write left), then the directory. Symbolic links are removed, never followed. */
static int remove_dir_files(const char *dir) {
        DIR *d = opendir(dir);
        struct dirent *de;
        int e = 0;

        if (!d)
                return errno == ENOENT ? 0 : -errno;
        while ((de = readdir(d)))
                if (!streq(de->d_name, ".") && !streq(de->d_name, "..") && de->d_type != DT_DIR &&
                    unlinkat(dirfd(d), de->d_name, 0) < 0 && errno != ENOENT)
                        e = -errno;
        closedir(d);
        if (e < 0)
                return e;
        return rmdir(dir) < 0 && errno != ENOENT ? -errno : 0;
}

int revstore_remove_all(Scope scope, const char *app) {
        _cleanup_free_ char *dir = NULL, *revs = NULL;
        int e;

        if ((e = app_state_dir(scope, app, &dir)) < 0 || (e = asprintf_safe(&revs, "%s/revisions", dir)) < 0)
                return e;
        if ((e = remove_dir_files(revs)) < 0 || (e = remove_dir_files(dir)) < 0)
                return e;
        /* The scope's directory too, once its last app is gone: nothing of ours is left behind. */
        char *slash = strrchr(dir, '/');
        if (slash && slash != dir) {
                *slash = 0;
                (void) rmdir(dir);
        }
        return 0;
}
