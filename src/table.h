/* Tables sized to their content and to the terminal, as systemctl's are: each column is as wide
 * as its widest cell; when the whole does not fit, columns give way in a set order — shortened
 * (cut with "…") down to a minimum, or hidden — until it fits. No limit (piped output): full
 * width. Pure: formats into a string. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

typedef struct TableColumn {
        const char *header;
        bool align_right;
        /* Giving way: the steps of all columns are taken in ascending rank; 0 = never. A column
         * is first shortened to shorten_min (when shorten_rank is set), later hidden. */
        unsigned shorten_rank;
        unsigned shorten_min;
        unsigned hide_rank;
} TableColumn;

typedef struct Table {
        const TableColumn *columns;
        size_t n_columns;
        char **cells; /* row-major, n_rows × n_columns, owned; NULL cell prints as "-" */
        size_t n_rows;
        bool hide_header;
} Table;

void table_done(Table *t);
/* Appends a row of n_columns cells (copied). */
int table_add_row(Table *t, const char *const *cells);
/* Sets the cell of the last row added (takes ownership of value). */
int table_set_last(Table *t, size_t column, char *value);

/* Terminal columns a UTF-8 string takes: one per character (control bytes never reach here). */
size_t text_width(const char *s);

/* Each column's width for a line of at most `limit` columns (0: no limit); 0 = hidden. */
int table_layout(const Table *t, size_t limit, size_t *ret_widths);
/* The header (unless hidden) and the rows, one per line, each ending in "\n". */
int table_format(const Table *t, size_t limit, char **ret);
/* Only the header line, for the same layout (top draws it in its own colour). */
int table_format_header(const Table *t, const size_t *widths, char **ret);
int table_format_row(const Table *t, size_t row, const size_t *widths, char **ret);
