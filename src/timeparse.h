/* Times as `journalctl --since` takes them, where practical: "now", "today", "yesterday",
 * "tomorrow", "-5m", "+1h", "2 hours ago", "@1700000000", "2026-11-27", "2026-11-27 09:30[:15]",
 * "09:30[:15]" (today). Local time. Pure: the current time is an argument. */
#pragma once

#include <stdint.h>

/* now_usec: realtime µs since the epoch. Result in the same unit. -EINVAL when unreadable. */
int parse_time(const char *s, uint64_t now_usec, uint64_t *ret);
