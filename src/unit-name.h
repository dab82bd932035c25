/* Unit names of an app's instances: "APP@K.service", "APP@K.socket". Pure. */
#pragma once

#include <stddef.h>

int unit_name_instance(const char *app, unsigned index, const char *suffix, char **ret);
/* Unit names "APP@K.service" for the given indices; suffix ".service" or ".socket". */
char **instance_units(const char *app, const unsigned *indices, size_t n, const char *suffix);
