/* Unified diff by longest common subsequence: unit files are small, O(n·m) is fine. */
#include "diff.h"

#include "util.h"

#define CONTEXT 3

typedef struct Lines {
        char **l;
        size_t n;
} Lines;

static int split_lines(const char *text, Lines *ret) {
        Lines out = {};
        for (const char *p = text; *p;) {
                const char *nl = strchr(p, '\n');
                size_t len = nl ? (size_t) (nl - p) : strlen(p);
                char **l = realloc(out.l, sizeof(char *) * (out.n + 1));
                if (!l || !(l[out.n] = strndup(p, len))) {
                        if (l)
                                out.l = l;
                        for (size_t i = 0; i < out.n; i++)
                                free(out.l[i]);
                        free(out.l);
                        return -ENOMEM;
                }
                out.l = l;
                out.n++;
                p += len + (nl ? 1 : 0);
        }
        *ret = out;
        return 0;
}

static void lines_done(Lines *l) {
        for (size_t i = 0; i < l->n; i++)
                free(l->l[i]);
        free(l->l);
}

/* One edit-script entry: ' ' keep, '-' remove from a, '+' add from b. */
typedef struct Edit {
        char op;
        const char *line;
        size_t a_line, b_line;
} Edit;

int unified_diff(const char *a_name, const char *a, const char *b_name, const char *b, char **ret) {
        _cleanup_(lines_done) Lines la = {}, lb = {};
        _cleanup_buffer_ Buffer out = {};
        _cleanup_free_ unsigned *lcs = NULL;
        _cleanup_free_ Edit *edits = NULL;
        size_t n_edits = 0;
        int r;

        if ((r = split_lines(a, &la)) < 0 || (r = split_lines(b, &lb)) < 0)
                return r;
        size_t w = lb.n + 1;
        lcs = calloc((la.n + 1) * w, sizeof(unsigned));
        edits = calloc(la.n + lb.n + 1, sizeof(Edit));
        if (!lcs || !edits)
                return -ENOMEM;
        /* lcs[i][j]: longest common subsequence of a[i..] and b[j..]. */
        for (size_t i = la.n; i-- > 0;)
                for (size_t j = lb.n; j-- > 0;)
                        lcs[i * w + j] = streq(la.l[i], lb.l[j]) ? lcs[(i + 1) * w + j + 1] + 1
                                         : lcs[(i + 1) * w + j] > lcs[i * w + j + 1] ? lcs[(i + 1) * w + j]
                                                                                     : lcs[i * w + j + 1];
        size_t i = 0, j = 0;
        while (i < la.n || j < lb.n) {
                if (i < la.n && j < lb.n && streq(la.l[i], lb.l[j])) {
                        edits[n_edits++] = (Edit) { ' ', la.l[i], i, j };
                        i++, j++;
                } else if (i < la.n && (j == lb.n || lcs[(i + 1) * w + j] >= lcs[i * w + j + 1])) {
                        /* Removals before additions, as diff -u prints them. */
                        edits[n_edits++] = (Edit) { '-', la.l[i], i, j };
                        i++;
                } else {
                        edits[n_edits++] = (Edit) { '+', lb.l[j], i, j };
                        j++;
                }
        }

        bool any = false;
        for (size_t e = 0; e < n_edits && !any; e++)
                any = edits[e].op != ' ';
        if (!any) {
                *ret = strdup("");
                return *ret ? 0 : -ENOMEM;
        }
        buffer_printf(&out, "--- %s\n+++ %s\n", a_name, b_name);
        for (size_t e = 0; e < n_edits;) {
                if (edits[e].op == ' ') {
                        e++;
                        continue;
                }
                /* A hunk: from CONTEXT lines before this change to CONTEXT after the last change
                 * that is within 2·CONTEXT of the previous one. */
                size_t start = e > CONTEXT ? e - CONTEXT : 0, end = e;
                for (size_t k = e; k < n_edits; k++) {
                        if (edits[k].op != ' ')
                                end = k;
                        else if (k - end > 2 * CONTEXT)
                                break;
                }
                end = end + CONTEXT + 1 < n_edits ? end + CONTEXT + 1 : n_edits;
                size_t a_count = 0, b_count = 0;
                for (size_t k = start; k < end; k++) {
                        a_count += edits[k].op != '+';
                        b_count += edits[k].op != '-';
                }
                /* An empty side is numbered by the line before it, as diff -u does ("-0,0"). */
                buffer_printf(&out, "@@ -%zu,%zu +%zu,%zu @@\n", edits[start].a_line + (a_count ? 1 : 0), a_count,
                              edits[start].b_line + (b_count ? 1 : 0), b_count);
                for (size_t k = start; k < end; k++)
                        buffer_printf(&out, "%c%s\n", edits[k].op, edits[k].line);
                e = end;
        }
        if (!out.data)
                return -ENOMEM;
        *ret = buffer_steal(&out);
        return 0;
}
