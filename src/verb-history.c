/* clusterctl history APP [--show REV]: the revisions kept of an app — number, when, what made it,
 * what changed, how many instances run it — or one revision as a diff against the installed units. */
#include <time.h>

#include "app-revision.h"
#include "clusterctl.h"
#include "diff.h"
#include "output.h"
#include "printable.h"
#include "revstore.h"
#include "table.h"
#include "unitfs.h"
#include "util.h"
#include "verb-common.h"

static void format_time(uint64_t usec, char *buf, size_t size) {
        time_t t = (time_t) (usec / 1000000);
        struct tm tm;
        if (!localtime_r(&t, &tm) || strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm) == 0)
                snprintf(buf, size, "-");
}

/* How many enabled instances run each revision. */
static int count_running(Cluster *c, const char *app, unsigned **ret_revs, size_t *ret_n) {
        _cleanup_free_ unsigned *enabled = NULL, *revs = NULL;
        size_t n = 0;
        int e;

        if ((e = cluster_enabled(c, app, &enabled, &n)) < 0)
                return e;
        if (!(revs = calloc(n ? n : 1, sizeof(unsigned))))
                return -ENOMEM;
        if (n > 0 && (e = app_revision_of_instances(c, app, enabled, n, 0, revs, NULL)) < 0)
                return e;
        *ret_revs = TAKE_PTR(revs);
        *ret_n = n;
        return 0;
}

static const TableColumn columns[] = {
        { .header = "REV", .align_right = true },
        { .header = "TIME", .hide_rank = 3 },
        { .header = "ORIGIN", .hide_rank = 2 },
        { .header = "INSTANCES", .align_right = true, .hide_rank = 4 },
        { .header = "CHANGE", .shorten_rank = 1, .shorten_min = 16 },
};

static int list(Cluster *c, const char *app) {
        _cleanup_free_ unsigned *kept = NULL, *running = NULL;
        _cleanup_(table_done) Table t = { .columns = columns, .n_columns = ELEMENTSOF(columns) };
        _cleanup_free_ char *text = NULL;
        size_t n_kept = 0, n_running = 0;
        int e;

        if ((e = revstore_list(c->scope, app, &kept, &n_kept)) < 0)
                return log_error_errno(e, "%s: cannot read its revisions: %m", app);
        if ((e = count_running(c, app, &running, &n_running)) < 0)
                return log_error_errno(e, "%s: cannot read its instances: %m", app);
        if (arg_json)
                printf("{\"app\":");
        if (arg_json) {
                json_print_string(stdout, app);
                printf(",\"revisions\":[");
        }
        bool first = true;
        for (size_t i = 0; i < n_kept; i++) {
                _cleanup_(revision_done) Revision rev = {};
                char number[16], when[32], instances[16];
                unsigned on = 0;
                if (revstore_read(c->scope, app, kept[i], &rev) < 0)
                        continue;
                for (size_t k = 0; k < n_running; k++)
                        on += running[k] == rev.number;
                if (arg_json) {
                        printf("%s{\"revision\":%u,\"time_usec\":%llu,\"origin\":", first ? "" : ",", rev.number,
                               (unsigned long long) rev.time_usec);
                        json_print_string(stdout, rev.origin);
                        printf(",\"change\":");
                        json_print_string(stdout, rev.change);
                        printf(",\"config\":");
                        if (rev.config_path)
                                json_print_string(stdout, rev.config_path);
                        else
                                printf("null");
                        printf(",\"instances\":%u}", on);
                        first = false;
                        continue;
                }
                snprintf(number, sizeof(number), "%u", rev.number);
                format_time(rev.time_usec, when, sizeof(when));
                snprintf(instances, sizeof(instances), "%u", on);
                const char *row[] = { number, when, rev.origin, instances, rev.change };
                if ((e = table_add_row(&t, row)) < 0)
                        return log_oom();
        }
        if (arg_json) {
                printf("]}\n");
                return EXIT_OK;
        }
        if (t.n_rows == 0) {
                if (!arg_quiet)
                        log_info("%s: no revisions kept yet; 'clusterctl reload %s' keeps the installed units as one",
                                 app, app);
                return EXIT_OK;
        }
        if ((e = table_format(&t, output_width(), &text)) < 0)
                return log_oom();
        fputs(text, stdout);
        return EXIT_OK;
}

/* The config as the revision kept it, each line indented under the "config:" line, inert on a
 * terminal. */
static int print_config_text(const char *text) {
        if (!text)
                return 0;
        for (const char *line = text; *line;) {
                size_t n = strcspn(line, "\n");
                _cleanup_free_ char *copy = strndup(line, n), *shown = NULL;
                if (!copy || !(shown = printable_text(copy)))
                        return -ENOMEM;
                printf("    %s\n", shown);
                line += n + (line[n] == '\n');
        }
        return 0;
}

/* The revision's files against the installed ones, and the config it came from. */
static int show(Cluster *c, const char *app, unsigned number) {
        _cleanup_(revision_done) Revision rev = {};
        _cleanup_strv_free_ char **installed = NULL;
        char when[32];
        int e;

        if ((e = revstore_read(c->scope, app, number, &rev)) < 0)
                return log_error_errno(e, "%s: revision %u %s; see 'clusterctl history %s'", app, number,
                                       e == -ENOENT ? "is not kept" : "cannot be read", app);
        format_time(rev.time_usec, when, sizeof(when));
        printf("revision %u, %s, %s: %s\n", rev.number, when, rev.origin, strna(rev.change));
        if (rev.config_path)
                printf("config: %s\n", rev.config_path);
        if ((e = print_config_text(rev.config_text)) < 0)
                return log_oom();
        for (size_t i = 0; i < rev.units.n_files; i++) {
                _cleanup_free_ char *now = NULL, *diff = NULL, *a = NULL, *b = NULL;
                const UnitFile *f = &rev.units.files[i];
                (void) unitfs_read(c->unit_dir, f->path, &now);
                if (asprintf_safe(&a, "%s/%s", c->unit_dir, f->path) < 0 ||
                    asprintf_safe(&b, "%s (revision %u)", a, number) < 0)
                        return log_oom();
                if (unified_diff(now ? a : "/dev/null", strempty(now), b, f->text, &diff) >= 0)
                        fputs(diff, stdout);
        }
        /* Installed files the revision does not have: it would remove them. */
        if (unitfs_app_files(c->unit_dir, app, &installed) >= 0)
                for (size_t i = 0; installed && installed[i]; i++)
                        if (!strchr(installed[i], '/') && !unit_set_find(&rev.units, installed[i]))
                                printf("revision %u has no %s/%s\n", number, c->unit_dir, installed[i]);
        return EXIT_OK;
}

int verb_history(int argc, char **argv, Cluster *c) {
        (void) argc;
        return arg_show ? show(c, argv[1], arg_show) : list(c, argv[1]);
}
