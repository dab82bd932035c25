/* What an app runs: exec, or script with interpreter and args, resolved to an absolute argv[0]
 * as the manager will run it. */
#include <limits.h>
#include <sys/stat.h>

#include "config-parser.h"
#include "escape.h"
#include "hardening.h"

/* systemd reads no unit line over 1 MiB. An argument counts its bytes + 1 here and renders as at
 * most twice its bytes, two quotes and a space: ExecStart= stays under 3 × this, 768 KiB. */
#define EXEC_LENGTH_MAX (256 * 1024)

static int parse_exec(Parser *p, const config_setting_t *s, App *app) {
        strv_free(app->argv);
        app->argv = NULL;
        return get_argv(p, s, &app->argv);
}

static int check_exec_length(Parser *p, const config_setting_t *s, const App *app) {
        size_t total = 0;
        for (size_t i = 0; app->argv && app->argv[i]; i++)
                total += strlen(app->argv[i]) + 1;
        if (total > EXEC_LENGTH_MAX)
                return fail_at(p, s, "%s: the command line is %zu bytes, more than %d", setting_label(s), total,
                               EXEC_LENGTH_MAX);
        return 0;
}

static int check_not_hidden(Parser *p, const config_setting_t *s, const App *app, const char *path) {
        const char *why = hidden_by_hardening(app->hardening, path);
        if (!why)
                return 0;
        return fail_at(p, s, "%s: %s is hidden from the app by hardening = \"%s\" (%s); move it, or set "
                       "hardening = \"none\"",
                       setting_label(s), path, hardening_to_string(app->hardening), why);
}

static const char *interpreter_for(const char *script) {
        if (endswith(script, ".js") || endswith(script, ".mjs") || endswith(script, ".cjs"))
                return "node";
        if (endswith(script, ".py"))
                return "python3";
        if (endswith(script, ".sh"))
                return "sh";
        return NULL;
}

/* Finds a bare command in PATH, as the shell would; ENOENT when it is nowhere. */
static int find_in_path(const char *name, char **ret) {
        const char *path = getenv("PATH");
        _cleanup_free_ char *copy = strdup(path && *path ? path : "/usr/local/bin:/usr/bin:/bin");
        char *save = NULL;

        if (!copy)
                return -ENOMEM;
        for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
                char *candidate;
                if (dir[0] != '/')
                        continue;
                if (asprintf(&candidate, "%s/%s", dir, name) < 0)
                        return -ENOMEM;
                struct stat st;
                if (stat(candidate, &st) == 0 && S_ISREG(st.st_mode) && access(candidate, X_OK) == 0) {
                        *ret = candidate;
                        return 0;
                }
                free(candidate);
        }
        return -ENOENT;
}

/* systemd runs no executable whose name has quotes or backslashes ("Executable name contains
 * special characters", a fatal unit error), and substitutes $VAR even in the path the process
 * sees as argv[0]. */
static int check_command_chars(Parser *p, const config_setting_t *s, const char *cmd) {
        if (!strpbrk(cmd, "\"'\\$"))
                return 0;
        return fail_at(p, s, "%s: the command '%s' has a quote, backslash or '$' in its path, which systemd "
                       "cannot run as written; rename it or use a symlink", setting_label(s), cmd);
}

/* argv[0] must be absolute: systemd would read a leading - @ : + ! as flags, and searching
 * PATH at start-up would make the unit depend on the manager's environment. */
static int resolve_argv0(Parser *p, const config_setting_t *s, App *app) {
        char *resolved = NULL;
        const char *cmd = app->argv[0];
        int r;

        if (!*cmd)
                return fail_at(p, s, "%s: the command is empty", setting_label(s));
        if ((r = check_command_chars(p, s, cmd)) < 0)
                return r;
        if (strchr(cmd, '/')) {
                r = absolute_path(p, s, cmd, app->cwd, &resolved); /* cwd is ignored for an absolute cmd */
                if (r < 0)
                        return r;
        } else {
                r = find_in_path(cmd, &resolved);
                if (r == -ENOENT)
                        return fail_at(p, s, "%s: command '%s' not found in PATH; give an absolute path",
                                       setting_label(s), cmd);
                if (r < 0)
                        return r;
        }
        free(app->argv[0]);
        app->argv[0] = resolved;
        struct stat st;
        if (streq(resolved, "/") || endswith(resolved, "/") || (stat(resolved, &st) == 0 && S_ISDIR(st.st_mode)))
                return fail_at(p, s, "%s: '%s' is a directory, not a command", setting_label(s), resolved);
        /* Checked once more as it will run: a relative command takes on the characters of cwd
         * (or of the config's directory), a bare one those of its PATH directory. */
        return check_command_chars(p, s, resolved);
}

int build_argv(Parser *p, const config_setting_t *group, const ScriptKeys *k, App *app) {
        int r;

        if (k->exec && (k->script || k->interpreter || k->args))
                return fail_at(p, k->exec, "exec: give either exec or script (with interpreter/args), not both");
        if (k->exec) {
                r = parse_exec(p, k->exec, app);
                if (r < 0)
                        return r;
                r = resolve_argv0(p, k->exec, app);
                if (r >= 0)
                        r = check_exec_length(p, k->exec, app);
                return r < 0 ? r : check_not_hidden(p, k->exec, app, app->argv[0]);
        }
        if (!k->script) {
                if (k->interpreter || k->args)
                        return fail_at(p, k->interpreter ? k->interpreter : k->args,
                                       "%s: needs a script", config_setting_name(k->interpreter ? k->interpreter : k->args));
                return fail_at(p, group, "app '%s' has neither exec nor script", strempty(app->name));
        }

        const char *script, *interpreter = NULL;
        _cleanup_free_ char *script_path = NULL;
        _cleanup_strv_free_ char **args = NULL;

        r = get_string(p, k->script, &script);
        if (r < 0)
                return r;
        r = absolute_path(p, k->script, script, app->cwd, &script_path);
        if (r < 0)
                return r;
        r = check_not_hidden(p, k->script, app, script_path);
        if (r < 0)
                return r;
        if (k->interpreter) {
                r = get_string(p, k->interpreter, &interpreter);
                if (r < 0)
                        return r;
                if (streq(interpreter, "none"))
                        interpreter = NULL;
        } else
                interpreter = interpreter_for(script);
        if (k->args) {
                r = get_argv(p, k->args, &args);
                if (r < 0)
                        return r;
        }

        if (interpreter) {
                _cleanup_strv_free_ char **interp = NULL;
                r = split_command_line(interpreter, &interp);
                if (r < 0)
                        return fail_at(p, k->interpreter, "interpreter: '%s' is not a command", interpreter);
                for (size_t i = 0; interp[i]; i++)
                        if ((r = strv_extend(&app->argv, interp[i])) < 0)
                                return r;
        }
        if ((r = strv_extend(&app->argv, script_path)) < 0)
                return r;
        for (size_t i = 0; args && args[i]; i++)
                if ((r = strv_extend(&app->argv, args[i])) < 0)
                        return r;
        const config_setting_t *argv0_key = interpreter ? (k->interpreter ? k->interpreter : k->script) : k->script;
        r = resolve_argv0(p, argv0_key, app);
        if (r >= 0)
                r = check_exec_length(p, k->args ? k->args : argv0_key, app);
        return r < 0 ? r : check_not_hidden(p, argv0_key, app, app->argv[0]);
}
