/* The render → systemd reading → App round trip; see check.h. */
#include "check.h"

#include <stdarg.h>

#include "escape.h"
#include "sdreader.h"
#include "util.h"

typedef struct Checker {
        const App *app;
        Scope scope;
        unsigned flags;
        Buffer report;
        bool failed;
} Checker;

_printf_(2, 3) static void fail(Checker *c, const char *fmt, ...) {
        va_list ap;
        char *s = NULL;

        if (c->failed)
                return; /* the first failure is the one to read */
        va_start(ap, fmt);
        if (vasprintf(&s, fmt, ap) < 0)
                abort();
        va_end(ap);
        buffer_printf(&c->report, "%s\n", s);
        free(s);
        c->failed = true;
}

#define FAIL_RETURN(...)              \
        do {                          \
                fail(__VA_ARGS__);    \
                return;               \
        } while (0)

static void describe_string(Buffer *b, const char *s) {
        if (!s) {
                buffer_puts(b, "NULL");
                return;
        }
        buffer_puts(b, "\"");
        for (const unsigned char *p = (const unsigned char *) s; *p; p++) {
                if (*p == '"' || *p == '\\')
                        buffer_printf(b, "\\%c", *p);
                else if (*p < 0x20 || *p >= 0x7f)
                        buffer_printf(b, "\\x%02x\"\"", *p); /* "" ends the escape before a hex digit */
                else
                        buffer_append(b, (const char *) p, 1);
        }
        buffer_puts(b, "\"");
}

char *app_describe(const App *app) {
        Buffer b = {};

        buffer_puts(&b, "  name = ");
        describe_string(&b, app->name);
        buffer_puts(&b, "\n  config_path = ");
        describe_string(&b, app->config_path);
        for (size_t i = 0; app->argv && app->argv[i]; i++) {
                buffer_printf(&b, "\n  argv[%zu] = ", i);
                describe_string(&b, app->argv[i]);
        }
        buffer_puts(&b, "\n  cwd = ");
        describe_string(&b, app->cwd);
        buffer_puts(&b, "\n  user = ");
        describe_string(&b, app->user);
        buffer_puts(&b, "\n  group = ");
        describe_string(&b, app->group);
        for (size_t i = 0; i < app->n_env; i++) {
                buffer_puts(&b, "\n  env ");
                describe_string(&b, app->env[i].name);
                buffer_puts(&b, " = ");
                describe_string(&b, app->env[i].value);
        }
        buffer_puts(&b, "\n  env_file = ");
        describe_string(&b, app->env_file);
        for (size_t i = 0; app->listen && app->listen[i]; i++) {
                buffer_printf(&b, "\n  listen[%zu] = ", i);
                describe_string(&b, app->listen[i]);
        }
        buffer_printf(&b, "\n  socket_mode = %s, ready = %s\n  instance_var = ", socket_mode_to_string(app->socket_mode),
                      ready_mode_to_string(app->ready));
        describe_string(&b, app->instance_var);
        buffer_puts(&b, ", increment_var = ");
        describe_string(&b, app->increment_var);
        buffer_printf(&b, ", increment_base = %ld\n  kill_signal = %s, restart = %s, memory_max = %s, cpu_weight = %d\n",
                      app->increment_base, strna(app->kill_signal), strna(app->restart), strna(app->memory_max),
                      app->cpu_weight);
        return buffer_steal(&b);
}

static char *xstrdup(const char *s) {
        char *c = strdup(s);
        if (!c)
                abort();
        return c;
}

/* The same app with harmless values in every free-text place: it has the same keys as far as
 * the template goes, so a rendering that differs from its shape was changed by a value. A shallow
 * copy, so that every other field (and any App gains later) is the app's own; twin_done() frees
 * only what twin_of() replaced. */
static void twin_of(const App *app, App *ret) {
        App t = *app;

        t.config_path = xstrdup("/etc/clusterctl/twin.conf");
        t.argv = NULL;
        for (size_t i = 0; app->argv && app->argv[i]; i++)
                if (strv_extend(&t.argv, i == 0 ? "/bin/true" : "a") < 0)
                        abort();
        t.cwd = app->cwd ? xstrdup("/srv") : NULL;
        t.user = app->user ? xstrdup("u") : NULL;
        t.group = app->group ? xstrdup("g") : NULL;
        t.env_file = app->env_file ? xstrdup("/e") : NULL;
        t.env = calloc(app->n_env + 1, sizeof(EnvVar));
        if (!t.env)
                abort();
        for (size_t i = 0; i < app->n_env; i++)
                t.env[i] = (EnvVar) { .name = xstrdup(app->env[i].name), .value = xstrdup("v") };
        t.listen = NULL;
        for (size_t i = 0; app->listen && app->listen[i]; i++) {
                char port[16];
                snprintf(port, sizeof(port), "%zu", 1000 + i);
                if (strv_extend(&t.listen, port) < 0)
                        abort();
        }
        *ret = t;
}

static void twin_done(App *t) {
        free(t->config_path);
        strv_free(t->argv);
        free(t->cwd);
        free(t->user);
        free(t->group);
        free(t->env_file);
        for (size_t i = 0; i < t->n_env; i++) {
                free(t->env[i].name);
                free(t->env[i].value);
        }
        free(t->env);
        strv_free(t->listen);
        *t = (App) {};
}

static bool strv_equal(char *const *a, char *const *b) {
        size_t n = strv_length(a);
        if (n != strv_length(b))
                return false;
        for (size_t i = 0; i < n; i++)
                if (!streq(a[i], b[i]))
                        return false;
        return true;
}

typedef struct Expect {
        char **env;       /* Environment= assignments, in order */
        char *const *listen;
        size_t n_exec, n_env_seen, n_listen_seen;
        char **env_seen;
        bool cwd_seen, user_seen, group_seen, env_file_seen;
} Expect;

static bool is(const SdAssignment *a, const char *section, const char *key) {
        return streq(a->section, section) && streq(a->key, key);
}

static void check_specifiers(Checker *c, const char *path, const SdAssignment *h, const char *used_h, const char *used_t) {
        if (strspn(used_t, "i") != strlen(used_t))
                fail(c, "%s:%u: the template itself uses a specifier other than %%i in %s=: '%s'", path, h->line, h->key,
                     used_t);
        else if (!streq(used_h, used_t))
                fail(c, "%s:%u: %s= uses specifiers '%s' where the template has '%s': a value added a %% specifier\n  %s=%s",
                     path, h->line, h->key, used_h, used_t, h->key, h->value);
}

/* A value systemd reads raw, with specifiers: decodes to `want`. */
static void check_raw_value(Checker *c, const char *path, const SdAssignment *h, const SdAssignment *t, const char *want,
                            bool dash_prefix_means_optional) {
        _cleanup_free_ char *dh = NULL, *uh = NULL, *dt = NULL, *ut = NULL;

        if (sd_specifier_printf(h->value, CHECK_INSTANCE, &dh, &uh) < 0)
                FAIL_RETURN(c, "%s:%u: %s=%s has a specifier systemd does not know", path, h->line, h->key, h->value);
        if (sd_specifier_printf(t->value, CHECK_INSTANCE, &dt, &ut) < 0)
                FAIL_RETURN(c, "%s:%u: the template's %s=%s has an unknown specifier", path, t->line, t->key, t->value);
        check_specifiers(c, path, h, uh, ut);
        if (dash_prefix_means_optional && dh[0] == '-')
                FAIL_RETURN(c, "%s:%u: %s=%s starts with '-': systemd reads it as an optional path", path, h->line, h->key,
                            h->value);
        if (want && !streq(dh, want)) {
                _cleanup_buffer_ Buffer b = {};
                describe_string(&b, dh);
                buffer_puts(&b, " instead of ");
                describe_string(&b, want);
                FAIL_RETURN(c, "%s:%u: systemd reads %s= as %s\n  %s=%s", path, h->line, h->key, b.data, h->key, h->value);
        }
        if (!want && !streq(dh, dt))
                fail(c, "%s:%u: %s= reads as '%s' where the harmless twin's reads '%s': a value changed a fixed line\n  %s=%s",
                     path, h->line, h->key, dh, dt, h->key, h->value);
}

static void check_exec(Checker *c, const char *path, const SdAssignment *h, const SdAssignment *t) {
        _cleanup_strv_free_ char **argv = NULL, **targv = NULL, **at_exec = NULL;
        _cleanup_free_ char *prefixes = NULL, *used = NULL, *tprefixes = NULL, *tused = NULL, *error = NULL;
        const App *app = c->app;

        if (sd_parse_exec(h->value, CHECK_INSTANCE, &argv, &prefixes, &used, &error) < 0)
                FAIL_RETURN(c, "%s:%u: %s", path, h->line, error);
        if (sd_parse_exec(t->value, CHECK_INSTANCE, &targv, &tprefixes, &tused, &error) < 0)
                FAIL_RETURN(c, "%s:%u: the twin's %s", path, t->line, error);
        check_specifiers(c, path, h, used, tused);
        if (*prefixes)
                FAIL_RETURN(c, "%s:%u: ExecStart= command starts with prefix characters '%s' (systemd reads them as flags)\n"
                            "  ExecStart=%s",
                            path, h->line, prefixes, h->value);
        if (!streq(argv[0], app->argv[0]))
                FAIL_RETURN(c, "%s:%u: systemd would execute '%s' instead of '%s'\n  ExecStart=%s", path, h->line, argv[0],
                            app->argv[0], h->value);
        if (sd_exec_time_argv(argv, &at_exec, &error) < 0)
                FAIL_RETURN(c, "%s:%u: when the command runs, %s\n  ExecStart=%s", path, h->line, error, h->value);
        if (!strv_equal(at_exec, app->argv)) {
                size_t i = 0;
                while (at_exec[i] && app->argv[i] && streq(at_exec[i], app->argv[i]))
                        i++;
                FAIL_RETURN(c, "%s:%u: the process would get %zu arguments, the config gives %zu; first difference at "
                            "argv[%zu]: '%s' instead of '%s'\n  ExecStart=%s",
                            path, h->line, strv_length(at_exec), strv_length(app->argv), i, strna(at_exec[i]),
                            strna(app->argv[i]), h->value);
        }
        if (c->flags & CHECK_CONFIG_ACCEPTED) {
                const char *why = sd_check_exec_path(argv[0]);
                if (why)
                        fail(c, "%s:%u: systemd refuses the command '%s': it %s", path, h->line, argv[0], why);
        }
}

static void check_environment(Checker *c, Expect *e, const char *path, const SdAssignment *h, const SdAssignment *t) {
        _cleanup_strv_free_ char **words = NULL, **twords = NULL;
        _cleanup_free_ char *used = NULL, *tused = NULL, *error = NULL;

        if (sd_parse_environment(h->value, CHECK_INSTANCE, &words, &used, &error) < 0)
                FAIL_RETURN(c, "%s:%u: %s", path, h->line, error);
        if (sd_parse_environment(t->value, CHECK_INSTANCE, &twords, &tused, &error) < 0)
                FAIL_RETURN(c, "%s:%u: the twin's %s", path, t->line, error);
        check_specifiers(c, path, h, used, tused);
        for (size_t i = 0; words[i]; i++)
                if (strv_extend(&e->env_seen, words[i]) < 0)
                        abort();
}

static void check_file(Checker *c, const char *path, const char *text, const char *twin_text, Expect *e) {
        _cleanup_(sd_unit_done) SdUnit h = {}, t = {};
        _cleanup_free_ char *error = NULL;
        const App *app = c->app;

        if (sd_unit_parse(text, &h, &error) < 0)
                FAIL_RETURN(c, "%s: systemd would not read it as written: %s", path, error);
        if (sd_unit_parse(twin_text, &t, &error) < 0)
                FAIL_RETURN(c, "%s: the harmless twin does not parse either (a template problem): %s", path, error);
        if (!strv_equal(h.sections, t.sections))
                FAIL_RETURN(c, "%s: sections differ from the template's: %zu sections instead of %zu", path,
                            strv_length(h.sections), strv_length(t.sections));
        if (h.n_assignments != t.n_assignments)
                FAIL_RETURN(c, "%s: %zu assignments where the template has %zu: a value added or removed a line", path,
                            h.n_assignments, t.n_assignments);

        for (size_t i = 0; i < h.n_assignments && !c->failed; i++) {
                const SdAssignment *a = &h.assignments[i], *b = &t.assignments[i];
                if (!streq(a->section, b->section) || !streq(a->key, b->key))
                        FAIL_RETURN(c, "%s:%u: [%s] %s= where the template has [%s] %s=", path, a->line, a->section, a->key,
                                    b->section, b->key);

                if (is(a, "Service", "ExecStart")) {
                        e->n_exec++;
                        check_exec(c, path, a, b);
                } else if (is(a, "Service", "Environment"))
                        check_environment(c, e, path, a, b);
                else if (is(a, "Service", "WorkingDirectory")) {
                        e->cwd_seen = true;
                        check_raw_value(c, path, a, b, app->cwd, true);
                        if (!c->failed && streq(a->value, "~"))
                                fail(c, "%s:%u: WorkingDirectory=~ means the home directory", path, a->line);
                } else if (is(a, "Service", "EnvironmentFile")) {
                        e->env_file_seen = true;
                        check_raw_value(c, path, a, b, app->env_file, true);
                } else if (is(a, "Service", "User")) {
                        e->user_seen = true;
                        check_raw_value(c, path, a, b, app->user, false);
                } else if (is(a, "Service", "Group")) {
                        e->group_seen = true;
                        check_raw_value(c, path, a, b, app->group, false);
                } else if (is(a, "Socket", "ListenStream")) {
                        const char *want = e->listen ? e->listen[e->n_listen_seen] : NULL;
                        if (!want)
                                FAIL_RETURN(c, "%s:%u: more ListenStream= lines than listen addresses", path, a->line);
                        e->n_listen_seen++;
                        check_raw_value(c, path, a, b, want, false);
                } else if (is(a, "X-Clusterctl", "Config") || is(a, "X-Clusterctl", "Hash")) {
                        /* Differ from the twin's by design; Config= is checked through app_from_marker(). */
                        _cleanup_free_ char *d = NULL, *u = NULL, *dt = NULL, *ut = NULL;
                        if (sd_specifier_printf(a->value, CHECK_INSTANCE, &d, &u) < 0 ||
                            sd_specifier_printf(b->value, CHECK_INSTANCE, &dt, &ut) < 0)
                                FAIL_RETURN(c, "%s:%u: %s=%s has an unknown specifier", path, a->line, a->key, a->value);
                        check_specifiers(c, path, a, u, ut);
                } else
                        check_raw_value(c, path, a, b, NULL, false);
                if (c->failed)
                        return;

                if (c->flags & CHECK_CONFIG_ACCEPTED) {
                        const char *why = NULL;
                        _cleanup_free_ char *d = NULL, *u = NULL;
                        if (sd_specifier_printf(a->value, CHECK_INSTANCE, &d, &u) < 0)
                                abort(); /* checked above */
                        if (is(a, "Service", "WorkingDirectory") || is(a, "Service", "EnvironmentFile"))
                                why = sd_check_absolute_path(d);
                        else if (is(a, "Service", "User") || is(a, "Service", "Group"))
                                why = sd_check_user_group(d);
                        else if (is(a, "Service", "MemoryMax"))
                                why = sd_check_memory_max(d);
                        if (why)
                                FAIL_RETURN(c, "%s:%u: systemd does not accept %s=%s: it %s", path, a->line, a->key, d, why);
                }
        }
        if (!marker_hash_matches(text))
                FAIL_RETURN(c, "%s: the marker's Hash= does not match the text", path);
        if (!marker_find(text, app->name))
                FAIL_RETURN(c, "%s: no marker naming app '%s'", path, app->name);
}

static bool parse_error_free(const char *text) {
        _cleanup_(sd_unit_done) SdUnit u = {};
        _cleanup_free_ char *error = NULL;
        return sd_unit_parse(text, &u, &error) >= 0;
}

static void check_marker_round_trip(Checker *c, const char *path, const char *text) {
        _cleanup_(app_done) App m = {};
        const App *app = c->app;

        if (app_from_marker(text, &m) < 0)
                FAIL_RETURN(c, "%s: app_from_marker() refuses the marker render wrote", path);
        if (!streq(m.name, app->name) || !streq(m.config_path, app->config_path))
                FAIL_RETURN(c, "%s: app_from_marker() gives name '%s', config '%s' back instead of '%s', '%s'", path, m.name,
                            m.config_path, app->name, app->config_path);
        if (!streq_ptr(m.increment_var, app->increment_var) || (app->increment_var && m.increment_base != app->increment_base))
                FAIL_RETURN(c, "%s: app_from_marker() gives increment_var %s:%ld back instead of %s:%ld", path,
                            strna(m.increment_var), m.increment_base, strna(app->increment_var), app->increment_base);
}

static void check_dropin(Checker *c, const App *twin, unsigned k) {
        const App *app = c->app;
        UnitFile *f = NULL, *tf = NULL;
        int r = render_instance_dropin(app, k, &f), rt = render_instance_dropin(twin, k, &tf);

        if (r < 0 || rt < 0) {
                if (c->flags & CHECK_CONFIG_ACCEPTED || rt < 0)
                        fail(c, "render_instance_dropin(%u) failed: %s", k, strerror(-(r < 0 ? r : rt)));
                goto done;
        }
        if (!app->increment_var) {
                if (f)
                        fail(c, "render_instance_dropin(%u) rendered a drop-in without increment_var", k);
                goto done;
        }
        if (!f || !tf) {
                fail(c, "render_instance_dropin(%u) rendered nothing for increment_var %s", k, app->increment_var);
                goto done;
        }
        char want_path[128];
        snprintf(want_path, sizeof(want_path), "%s@%u.service.d/%s", app->name, k, INSTANCE_DROPIN);
        if (!streq(f->path, want_path)) {
                fail(c, "drop-in of instance %u at '%s', not '%s'", k, f->path, want_path);
                goto done;
        }
        Expect e = {};
        char *value = NULL;
        asprintf_safe(&value, "%s=%ld", app->increment_var, app->increment_base + (long) k);
        check_file(c, f->path, f->text, tf->text, &e);
        if (!c->failed && (strv_length(e.env_seen) != 1 || !streq(e.env_seen[0], value)))
                fail(c, "%s: systemd reads Environment= as %zu assignment(s) '%s' instead of '%s'", f->path,
                     strv_length(e.env_seen), e.env_seen ? e.env_seen[0] : "", value);
        free(value);
        strv_free(e.env_seen);
done:
        if (f) {
                free(f->path);
                free(f->text);
                free(f);
        }
        if (tf) {
                free(tf->path);
                free(tf->text);
                free(tf);
        }
}

static char *finish_report(Checker *c) {
        if (!c->failed) {
                buffer_done(&c->report);
                return NULL;
        }
        _cleanup_free_ char *description = app_describe(c->app);
        buffer_printf(&c->report, "app:\n%s", description);
        return buffer_steal(&c->report);
}

/* A config does not know the manager it is for: render may refuse an app for what its user and
 * group mean to that manager (none for a user manager; one the system manager must be told). It
 * must accept the same app with the accounts that scope wants. */
static bool renders_with_scope_accounts(const App *app, Scope scope) {
        _cleanup_(unit_set_done) UnitSet set = {};
        _cleanup_free_ char *error = NULL;
        App a = *app;

        if (scope == SCOPE_USER)
                a.user = a.group = NULL;
        else if (!a.user)
                a.user = (char *) "root";
        if (a.user == app->user && a.group == app->group)
                return false; /* nothing to adjust: the refusal is not about accounts */
        return render_app_units(&a, scope, NULL, &set, &error) >= 0;
}

char *check_instance_dropin(const App *app, unsigned k, unsigned flags) {
        Checker c = { .app = app, .flags = flags };
        App twin = *app;

        twin.config_path = xstrdup("/etc/clusterctl/twin.conf");
        check_dropin(&c, &twin, k);
        free(twin.config_path);
        return finish_report(&c);
}

char *check_app(const App *app, Scope scope, unsigned flags, const unsigned *dropins, size_t n_dropins) {
        Checker c = { .app = app, .scope = scope, .flags = flags };
        _cleanup_(unit_set_done) UnitSet set = {}, tset = {};
        _cleanup_(twin_done) App twin = {};
        _cleanup_free_ char *error = NULL, *terror = NULL, *description = NULL;
        int r;

        r = render_app_units(app, scope, NULL, &set, &error);
        if (getenv("FUZZ_VERBOSE"))
                fprintf(stderr, "check_app: %s scope: %s%s\n", scope == SCOPE_USER ? "user" : "system",
                        r < 0 ? "render refused: " : "rendered and checked", r < 0 ? strna(error) : "");
        if (r < 0) {
                if (!error || !*error)
                        fail(&c, "render_app_units() failed (%s) without a message", strerror(-r));
                else if (set.n_files != 0)
                        fail(&c, "render_app_units() failed but returned %zu files", set.n_files);
                else if ((flags & CHECK_CONFIG_ACCEPTED) && !renders_with_scope_accounts(app, scope))
                        fail(&c, "render_app_units() refuses an app the config accepts: %s", error);
                goto finish;
        }
        if (error) {
                fail(&c, "render_app_units() succeeded with an error message: %s", error);
                goto finish;
        }

        twin_of(app, &twin);
        r = render_app_units(&twin, scope, NULL, &tset, &terror);
        if (r < 0) {
                fail(&c, "the harmless twin does not render: %s", strna(terror));
                goto finish;
        }
        if (set.n_files != tset.n_files) {
                fail(&c, "%zu files rendered, the twin has %zu", set.n_files, tset.n_files);
                goto finish;
        }

        Expect e = { .listen = app->listen };
        for (size_t i = 0; i < app->n_env; i++) {
                char *a = NULL;
                asprintf_safe(&a, "%s=%s", app->env[i].name, app->env[i].value);
                if (strv_push(&e.env, a) < 0)
                        abort();
        }
        char *instance = NULL;
        asprintf_safe(&instance, "%s=%s", app->instance_var, CHECK_INSTANCE);
        if (strv_push(&e.env, instance) < 0)
                abort();

        const char *service_text = NULL;
        for (size_t i = 0; i < set.n_files && !c.failed; i++) {
                const UnitFile *f = &set.files[i], *tf = unit_set_find(&tset, f->path);
                if (!tf) {
                        fail(&c, "%s rendered, the twin has no such file", f->path);
                        break;
                }
                check_file(&c, f->path, f->text, tf->text, &e);
                if (endswith(f->path, "@.service"))
                        service_text = f->text;
        }
        if (!c.failed) {
                size_t n_listen = strv_length(app->listen);
                if (!service_text)
                        fail(&c, "no template service rendered");
                else if (e.n_exec != 1)
                        fail(&c, "%zu ExecStart= lines instead of 1", e.n_exec);
                else if (!strv_equal(e.env_seen, e.env)) {
                        size_t k = 0;
                        while (e.env_seen && e.env_seen[k] && e.env[k] && streq(e.env_seen[k], e.env[k]))
                                k++;
                        fail(&c, "systemd reads %zu Environment= assignments, the app has %zu; first difference at "
                                 "#%zu: '%s' instead of '%s'",
                             strv_length(e.env_seen), strv_length(e.env), k, e.env_seen ? strna(e.env_seen[k]) : "-",
                             strna(e.env[k]));
                } else if (e.n_listen_seen != n_listen)
                        fail(&c, "%zu ListenStream= lines for %zu listen addresses", e.n_listen_seen, n_listen);
                else if (!!app->cwd != e.cwd_seen || !!app->user != e.user_seen || !!app->group != e.group_seen ||
                         !!app->env_file != e.env_file_seen)
                        fail(&c, "a value was dropped: cwd %s, user %s, group %s, env_file %s",
                             app->cwd ? (e.cwd_seen ? "written" : "MISSING") : "unset",
                             app->user ? (e.user_seen ? "written" : "MISSING") : "unset",
                             app->group ? (e.group_seen ? "written" : "MISSING") : "unset",
                             app->env_file ? (e.env_file_seen ? "written" : "MISSING") : "unset");
                else
                        check_marker_round_trip(&c, "service template", service_text);
        }
        strv_free(e.env);
        strv_free(e.env_seen);

        for (size_t i = 0; i < n_dropins && !c.failed; i++)
                check_dropin(&c, &twin, dropins[i]);

finish:
        if (!c.failed) {
                buffer_done(&c.report);
                return NULL;
        }
        description = app_describe(app);
        buffer_printf(&c.report, "scope: %s%s\napp:\n%s", scope == SCOPE_USER ? "user" : "system",
                      flags & CHECK_CONFIG_ACCEPTED ? " (values a config accepts)" : " (raw values)", description);
        /* The offending file, to read. */
        for (size_t i = 0; i < set.n_files; i++)
                if (!parse_error_free(set.files[i].text) || strstr(c.report.data, set.files[i].path)) {
                        const char *t = set.files[i].text;
                        size_t len = strlen(t);
                        buffer_printf(&c.report, "--- %s (%zu bytes)%s\n%.*s\n", set.files[i].path, len,
                                      len > 4000 ? ", first 4000" : "", 4000, t);
                        break;
                }
        return buffer_steal(&c.report);
}
