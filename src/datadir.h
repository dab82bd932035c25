/* The files clusterctl ships beside its binary: the node preload for PM2 apps and the ecosystem
 * evaluator, in the package's data directory (/usr/share/clusterctl). $CLUSTERCTL_DATA_DIR, when
 * set to an absolute path, names another directory (a build tree, the tests). */
#pragma once

#define NODE_PM2_PRELOAD "pm2-compat.js"

const char *clusterctl_data_dir(void);
/* The absolute path of a file in it, owned. */
int clusterctl_data_file(const char *name, char **ret);

/* The absolute path of the running clusterctl (what a cron_restart timer runs), owned. */
int clusterctl_self_path(char **ret);
