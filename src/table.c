/* Column widths from content and a width limit, and the lines they make. */
#include "table.h"

#include "util.h"

#define ELLIPSIS "…"

void table_done(Table *t) {
        for (size_t i = 0; t->cells && i < t->n_rows * t->n_columns; i++)
                free(t->cells[i]);
        free(t->cells);
        t->cells = NULL;
        t->n_rows = 0;
}

int table_add_row(Table *t, const char *const *cells) {
        char **c = realloc(t->cells, sizeof(char *) * (t->n_rows + 1) * t->n_columns);
        if (!c)
                return -ENOMEM;
        t->cells = c;
        char **row = c + t->n_rows * t->n_columns;
        for (size_t i = 0; i < t->n_columns; i++)
                row[i] = NULL;
        t->n_rows++;
        for (size_t i = 0; cells && i < t->n_columns; i++)
                if (cells[i] && !(row[i] = strdup(cells[i])))
                        return -ENOMEM;
        return 0;
}

int table_set_last(Table *t, size_t column, char *value) {
        if (t->n_rows == 0 || column >= t->n_columns) {
                free(value);
                return -EINVAL;
        }
        char **cell = &t->cells[(t->n_rows - 1) * t->n_columns + column];
        free(*cell);
        *cell = value;
        return 0;
}

static const char *cell(const Table *t, size_t row, size_t column) {
        const char *s = t->cells[row * t->n_columns + column];
        return s && *s ? s : "-";
}

size_t text_width(const char *s) {
        size_t n = 0;
        for (const unsigned char *p = (const unsigned char *) s; *p; p++)
                n += (*p & 0xC0) != 0x80;
        return n;
}

/* The bytes of the first `chars` characters of s. */
static size_t prefix_bytes(const char *s, size_t chars) {
        size_t i = 0;
        for (size_t n = 0; s[i]; i++) {
                if (((unsigned char) s[i] & 0xC0) != 0x80 && n++ == chars)
                        break;
        }
        return i;
}

static size_t line_width(const size_t *widths, size_t n) {
        size_t total = 0, visible = 0;
        for (size_t i = 0; i < n; i++)
                if (widths[i] > 0) {
                        total += widths[i];
                        visible++;
                }
        return total + (visible > 0 ? visible - 1 : 0);
}

typedef struct Step {
        unsigned rank;
        size_t column;
        bool hide;
} Step;

static int compare_steps(const void *a, const void *b) {
        const Step *x = a, *y = b;
        if (x->rank != y->rank)
                return x->rank < y->rank ? -1 : 1;
        return x->column < y->column ? -1 : x->column > y->column;
}

int table_layout(const Table *t, size_t limit, size_t *widths) {
        _cleanup_free_ size_t *natural = calloc(t->n_columns ? t->n_columns : 1, sizeof(size_t));
        _cleanup_free_ Step *steps = calloc(2 * t->n_columns + 1, sizeof(Step));
        size_t n_steps = 0;

        if (!natural || !steps)
                return -ENOMEM;
        for (size_t c = 0; c < t->n_columns; c++) {
                size_t w = t->hide_header ? 1 : text_width(t->columns[c].header);
                for (size_t r = 0; r < t->n_rows; r++) {
                        size_t cw = text_width(cell(t, r, c));
                        w = cw > w ? cw : w;
                }
                natural[c] = widths[c] = w;
                if (t->columns[c].shorten_rank)
                        steps[n_steps++] = (Step) { t->columns[c].shorten_rank, c, false };
                if (t->columns[c].hide_rank)
                        steps[n_steps++] = (Step) { t->columns[c].hide_rank, c, true };
        }
        if (limit == 0 || line_width(widths, t->n_columns) <= limit)
                return 0;
        qsort(steps, n_steps, sizeof(Step), compare_steps);
        for (size_t s = 0; s < n_steps; s++) {
                size_t total = line_width(widths, t->n_columns), c = steps[s].column;
                if (total <= limit)
                        break;
                if (steps[s].hide)
                        widths[c] = 0;
                else if (widths[c] > t->columns[c].shorten_min) {
                        size_t excess = total - limit, room = widths[c] - t->columns[c].shorten_min;
                        widths[c] -= excess < room ? excess : room;
                }
        }
        /* What hiding freed goes back to shortened columns, the most useful (last shortened) first. */
        for (size_t s = n_steps; s-- > 0;) {
                size_t c = steps[s].column, total = line_width(widths, t->n_columns);
                if (steps[s].hide || widths[c] == 0 || widths[c] >= natural[c] || total >= limit)
                        continue;
                size_t want = natural[c] - widths[c], room = limit - total;
                widths[c] += want < room ? want : room;
        }
        return 0;
}

static int append_cell(Buffer *b, const char *text, size_t width, bool right, bool last) {
        size_t w = text_width(text);
        int r;

        if (w > width) {
                /* Cut, keeping room for the ellipsis. */
                r = buffer_append(b, text, prefix_bytes(text, width - 1));
                return r < 0 ? r : buffer_puts(b, ELLIPSIS);
        }
        if (right)
                for (size_t i = w; i < width; i++)
                        if ((r = buffer_puts(b, " ")) < 0)
                                return r;
        if ((r = buffer_puts(b, text)) < 0)
                return r;
        if (!right && !last)
                for (size_t i = w; i < width; i++)
                        if ((r = buffer_puts(b, " ")) < 0)
                                return r;
        return 0;
}

static int format_line(const Table *t, ssize_t row, const size_t *widths, Buffer *b) {
        size_t last = 0;
        bool first = true;
        int r;

        for (size_t c = 0; c < t->n_columns; c++)
                if (widths[c] > 0)
                        last = c;
        for (size_t c = 0; c < t->n_columns; c++) {
                if (widths[c] == 0)
                        continue;
                if (!first && (r = buffer_puts(b, " ")) < 0)
                        return r;
                first = false;
                const char *text = row < 0 ? t->columns[c].header : cell(t, (size_t) row, c);
                if ((r = append_cell(b, text, widths[c], t->columns[c].align_right, c == last)) < 0)
                        return r;
        }
        return 0;
}

static int format_one(const Table *t, ssize_t row, const size_t *widths, char **ret) {
        _cleanup_buffer_ Buffer b = {};
        int r = format_line(t, row, widths, &b);
        if (r < 0)
                return r;
        if (!(*ret = buffer_steal(&b)) && !(*ret = strdup("")))
                return -ENOMEM;
        return 0;
}

int table_format_header(const Table *t, const size_t *widths, char **ret) {
        return format_one(t, -1, widths, ret);
}

int table_format_row(const Table *t, size_t row, const size_t *widths, char **ret) {
        if (row >= t->n_rows)
                return -EINVAL;
        return format_one(t, (ssize_t) row, widths, ret);
}

int table_format(const Table *t, size_t limit, char **ret) {
        _cleanup_free_ size_t *widths = calloc(t->n_columns ? t->n_columns : 1, sizeof(size_t));
        _cleanup_buffer_ Buffer b = {};
        int r;

        if (!widths)
                return -ENOMEM;
        if ((r = table_layout(t, limit, widths)) < 0)
                return r;
        for (ssize_t row = t->hide_header ? 0 : -1; row < (ssize_t) t->n_rows; row++)
                if ((r = format_line(t, row, widths, &b)) < 0 || (r = buffer_puts(&b, "\n")) < 0)
                        return r;
        if (!(*ret = buffer_steal(&b)) && !(*ret = strdup("")))
                return -ENOMEM;
        return 0;
}
