/* Cron expressions (PM2's cron_restart) → systemd calendar events (OnCalendar=). Pure. */
#pragma once

/* Turns "MIN HOUR DOM MON DOW" (or six fields with seconds first, or @hourly, @daily, @midnight,
 * @weekly, @monthly, @yearly, @annually) into OnCalendar= values: one, or two when both the day
 * of month and the day of week are restricted, since cron then runs on either (systemd on both).
 * Fields take *, N, N-M, lists with commas, /STEP, and month and day names (jan, mon).
 * On error returns -EINVAL and sets *ret_error (owned) to what is wrong. */
int cron_to_calendar(const char *cron, char ***ret, char **ret_error);
