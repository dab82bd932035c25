/* The engine of the unit templates in units/: each line is emitted once per value of the
 * placeholders it names ({{KEY}}); a line whose placeholder has no value is dropped. Pure. */
#pragma once

#include <stddef.h>

typedef struct TemplateVar {
        const char *key;
        char **values;
} TemplateVar;

int render_template(const char *tmpl, const TemplateVar *vars, size_t n_vars, char **ret);
