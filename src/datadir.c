/* Where the shipped data files are. */
#include "datadir.h"

#include "util.h"

const char *clusterctl_data_dir(void) {
        const char *dir = getenv("CLUSTERCTL_DATA_DIR");
        return dir && dir[0] == '/' ? dir : CLUSTERCTL_DATA_DIR_DEFAULT;
}

int clusterctl_data_file(const char *name, char **ret) {
        return asprintf_safe(ret, "%s/%s", clusterctl_data_dir(), name);
}

int clusterctl_self_path(char **ret) {
        char buf[4096];
        ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
        if (n < 0)
                return -errno;
        if ((size_t) n >= sizeof(buf) - 1)
                return -ENAMETOOLONG;
        buf[n] = 0;
        return (*ret = strdup(buf)) ? 0 : -ENOMEM;
}
