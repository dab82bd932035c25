/* A set of unit files by path, as rendered or as read from the unit directory. Pure. */
#pragma once

#include <stddef.h>
#include <stdint.h>

typedef struct UnitFile {
        char *path; /* relative to the unit directory: "web@.service", "web@3.service.d/50-instance.conf" */
        char *text;
} UnitFile;

typedef struct UnitSet {
        UnitFile *files;
        size_t n_files;
} UnitSet;

void unit_set_done(UnitSet *s);
int unit_set_add(UnitSet *s, const char *path, char *text); /* takes text */
const UnitFile *unit_set_find(const UnitSet *s, const char *path);
/* The identity of a set of unit files: any change of any file changes it. */
uint64_t unit_set_hash(const UnitSet *s);
