/* Unit names of an app's instances: "APP@K.service", "APP@K.socket". Pure. */
#pragma once

#include <stddef.h>

int unit_name_instance(const char *app, unsigned index, const char *suffix, char **ret);

/* The index K of "APP@K<suffix>" (name need not be NUL-terminated: len bytes). K is written as
 * unit_name_instance() writes it: decimal, no sign, no leading zero, below INSTANCES_MAX. So
 * "web@01.service" is not instance 1 — systemd sees a unit of its own there, whose %i is "01" —
 * and neither is "web@+1" nor "web@ 1". -EINVAL for anything else. */
int unit_name_parse_instance(const char *name, size_t len, const char *app, const char *suffix, unsigned *ret);
/* Unit names "APP@K.service" for the given indices; suffix ".service" or ".socket". */
char **instance_units(const char *app, const unsigned *indices, size_t n, const char *suffix);
/* The same for instances 0..count-1. */
char **instance_units_upto(const char *app, unsigned count, const char *suffix);
