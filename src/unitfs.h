/* The unit directory on disk: atomic writes, the ownership marker, and the enable links that
 * record how many instances an app should run. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "dirs.h"
#include "render.h"

/* -ENOENT when absent. */
int unitfs_read(const char *dir, const char *relpath, char **ret);
/* Whether dir/relpath is there (a file or a link to one). */
bool unitfs_exists(const char *dir, const char *relpath);

/* write_file_atomic() at dir/relpath: a reader sees the old file or the new one, never half of
 * one. Creates the parent directory (for drop-ins). */
int unitfs_write_atomic(const char *dir, const char *relpath, const char *text);

/* 0 when relpath is absent or carries our marker for `app`; -EEXIST when something else is there
 * (written by hand or by another app) — never overwrite that without --force. */
int unitfs_check_owned(const char *dir, const char *relpath, const char *app);

/* Removes a file (and its drop-in directory when that becomes empty). Absent is fine. */
int unitfs_remove(const char *dir, const char *relpath);

/* Instance indices enabled in APP.target.wants/, sorted ascending. */
int unitfs_wants_list(const char *dir, const char *app, unsigned **ret, size_t *ret_n);
int unitfs_wants_add(const char *dir, const char *app, unsigned index);
int unitfs_wants_remove(const char *dir, const char *app, unsigned index);

/* The link that starts APP.target at boot (multi-user.target.wants/ or default.target.wants/). */
int unitfs_target_enable(const char *dir, Scope scope, const char *app);
int unitfs_target_disable(const char *dir, Scope scope, const char *app);

/* Every file in dir (top level and *.d/ drop-ins) whose marker names `app`; relative paths. */
int unitfs_app_files(const char *dir, const char *app, char ***ret);

/* Names of every app with a marked service template in dir, sorted. */
int unitfs_list_apps(const char *dir, char ***ret);

/* Removes the app's empty drop-in directories (APP@*.service.d/), which a run killed between
 * removing a drop-in and its directory leaves behind. */
int unitfs_remove_empty_dropin_dirs(const char *dir, const char *app);

/* Removes APP.target.wants/ if empty. */
int unitfs_wants_dir_remove(const char *dir, const char *app);
