/* The accounts a config names, looked up on the machine the command runs on: User= and Group=
 * are resolved there by the system manager, through NSS (/etc/passwd, LDAP, systemd's own
 * users…). Kept apart from config parsing, which reads nothing but the config. */
#pragma once

#include "config.h"

/* 0 when every account of a system-scope app exists; otherwise fills *ret_error (file:line of
 * the key, and what to do) and returns -ENOENT, -EPERM for an app that would run as root
 * without saying so, or another -errno when a lookup itself failed. */
int app_check_accounts(const App *app, ConfigError *ret_error);
