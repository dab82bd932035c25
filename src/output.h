/* Printing: errors, progress, tables, JSON strings, and the report of a failed instance. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cluster.h"
#include "jobs.h"
#include "util.h"

void log_error(const char *fmt, ...) _printf_(1, 2);
/* Logs an error and returns r, a negative errno, so a failure is reported and passed on in one
 * line: `return log_error_errno(r, "cannot write %s: %m", path);` — %m is the text of r. */
int log_error_errno(int r, const char *fmt, ...) _printf_(2, 3);
/* "out of memory", and -ENOMEM. */
int log_oom(void);
void log_warning(const char *fmt, ...) _printf_(1, 2);
/* Progress and notes on stderr, so stdout stays for data (status, generate). */
void log_info(const char *fmt, ...) _printf_(1, 2);

/* Messages as JSON events on stdout ({"event":"message","level":"error","text":…}) instead of
 * text on stderr: for --json, and for a controller reading a host's clusterctl. */
void log_set_events(bool on);
/* The width tables are fitted to: the terminal's when stdout is one ($COLUMNS first, as
 * systemctl reads it), else 0 — piped output keeps every column at full width. */
size_t output_width(void);

/* Prints s as a JSON string literal, quotes included (printable.h's json_string). Everything
 * that came from an app or the journal goes out through this or printable_text(), in every
 * output mode: a log line must not be able to move the cursor or retitle the terminal. */
void json_print_string(FILE *f, const char *s);
/* One event a line on stdout: {"event":EVENT,"monotonic_usec":T[,"unit":UNIT][,FMT…]}, flushed. */
void json_event(const char *event, const char *unit, const char *fmt, ...) _printf_(3, 4);

/* "1.23s", "4m05s", "2h13m", "3d04h". */
void format_duration(uint64_t usec, char *buf, size_t size);
/* "12.3M", "512K". */
void format_bytes(uint64_t bytes, char *buf, size_t size);

/* Why a job did not end "done": instance, job result, service Result (and exit status), and its
 * last journal lines since since_realtime_usec. Returns how many jobs failed. */
size_t report_job_failures(Cluster *c, const JobWaiter *w, uint64_t since_realtime_usec, bool timed_out);

/* What a service Result means, in words. */
const char *service_result_text(const char *result);
