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
