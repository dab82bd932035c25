/* Writing files so that a reader — or the next run after a crash — sees the old content or the
 * new, never half of either. */
#pragma once

#include <sys/types.h>

/* Creates path and its missing parents. */
int mkdir_p(const char *path, mode_t mode);

/* Temp file beside path + write + fsync + rename over path + fsync of the directory. Creates the
 * parent directory. The temp name starts with '.', which systemd ignores in a unit directory;
 * temp files left by a writer killed before its rename are removed. */
int write_file_atomic(const char *path, const char *text, mode_t mode);
