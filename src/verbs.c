/* The options and the verb table, and the help printed from them. */
#include <string.h>

#include "output.h"
#include "util.h"
#include "verbs.h"


const Option options[_O_MAX] = {
        [O_SYSTEM] = { 0, "system", NULL, "talk to the system manager (default)" },
        [O_USER] = { 0, "user", NULL, "talk to your user manager" },
        [O_QUIET] = { 'q', "quiet", NULL, "print only errors" },
        [O_HELP] = { 'h', "help", NULL, "show this help, or the command's" },
        [O_VERSION] = { 0, "version", NULL, "show the version" },
        /* Used by -H on the hosts, documented in clusterctl(1), not listed in --help. */
        [O_REMOTE_PROTOCOL] = { 0, "remote-protocol", "N", NULL },
        [O_CONFIG] = { 'c', "config", "FILE", "the config of APP, instead of the default path" },
        [O_FORCE] = { 0, "force", NULL, "overwrite unit files clusterctl did not write" },
        [O_WAIT] = { 0, "wait", NULL, "wait for another command on the same app to finish" },
        [O_JSON] = { 0, "json", NULL, "machine-readable output" },
        [O_OUTPUT] = { 'o', "output", "DIR", "write the units (or configs) to DIR instead of stdout" },
        [O_BATCH] = { 0, "batch", "N|N%", "most instances out of service at once" },
        [O_ON_FAILURE] = { 0, "on-failure", "MODE", "stop (default), rollback or continue" },
        [O_DRY_RUN] = { 0, "dry-run", NULL, "print what would change, change nothing" },
        [O_CANARY] = { 0, "canary", "N|N%", "move that many instances, check them, then pause the rollout" },
        [O_OVERRIDE_PAUSE] = { 0, "override-pause", NULL, "reload even while a rollout is paused after its canary" },
        [O_TO] = { 0, "to", "REV", "the revision to go back to (default: the one before)" },
        [O_SHOW] = { 0, "show", "REV", "print the revision's units as a diff against the installed ones" },
        [O_LINES] = { 'n', "lines", "N", "lines of log to show; default 15" },
        [O_FOLLOW] = { 'f', "follow", NULL, "keep printing new log lines" },
        [O_INSTANCE] = { 0, "instance", "N", "only instance N; repeatable" },
        [O_SINCE] = { 0, "since", "TIME", "lines since TIME: \"09:30\", \"-5m\", \"1h ago\", \"today\"" },
        [O_UNTIL] = { 0, "until", "TIME", "lines until TIME" },
        [O_PRIORITY] = { 'p', "priority", "PRIO", "only lines this urgent or more, 0-7 or err, warning…" },
        [O_RAW] = { 0, "raw", NULL, "messages only, without the instance prefix" },
        [O_WATCH] = { 0, "watch", NULL, "refresh like top" },
        [O_CPU_SAMPLE] = { 0, "cpu-sample", "SEC", "cpu % over a sample of SEC seconds (up to 60)" },
        [O_HOST] = { 'H', "host", "[USER@]HOST[:PORT]", "run on HOST over ssh; repeatable" },
        [O_HOSTS] = { 0, "hosts", "FILE", "run on every host in FILE (one a line, # comments)" },
        [O_HOST_BATCH] = { 0, "host-batch", "N|N%", "hosts reloaded together with -H; default 1" },
        [O_PARALLEL] = { 0, "parallel", NULL, "all hosts at once with -H, not one after the other" },
        [O_CONFIG_STDIN] = { 0, "config-stdin", NULL, NULL },
        [O_ROLLOUT_ID] = { 0, "rollout-id", "ID", NULL },
        [O_ENV] = { 0, "env", "NAME", "use the apps' env_NAME" },
        [O_LISTEN] = { 0, "listen", "ADDR", "the address the apps listen on" },
};

/* The verbs that act on an app take -H/--hosts; those that go host after host, --parallel too. */
#define HOSTS_OPTIONS (OPTION(O_HOST) | OPTION(O_HOSTS))
#define FANOUT_OPTIONS (HOSTS_OPTIONS | OPTION(O_PARALLEL))

static const Verb verbs[] = {
        { "start", 1, 1, 0, OPTION(O_CONFIG) | OPTION(O_FORCE) | OPTION(O_WAIT) | FANOUT_OPTIONS | OPTION(O_CONFIG_STDIN),
          NULL, verb_start,
          "start FILE|APP", "write the units of an app (or every app of a file) and start its instances",
          "Renders APP@.service, APP.target and the socket(s) from the config, enables the\n"
          "configured number of instances, and starts them all at once. Returns when every\n"
          "instance is ready (READY=1 for ready = \"notify\"), or fails naming the instance that\n"
          "did not start, why, and its last log lines. With an app name, the config is\n"
          "-c FILE, /etc/clusterctl/APP.conf (--system) or $XDG_CONFIG_HOME/clusterctl/APP.conf (--user);\n"
          "without any config, the app's existing units are started." },
        { "stop", 1, 1, VERB_APP | VERB_MANAGER | VERB_INSTALLED | VERB_LOCKED, OPTION(O_WAIT) | FANOUT_OPTIONS, NULL,
          verb_stop,
          "stop APP", "stop every instance, its socket(s) and target (they stay enabled)",
          "Stops all instances, the socket(s) and APP.target, and waits until they are down.\n"
          "The enabled instance count is kept: 'clusterctl start APP' brings them back." },
        { "restart", 1, 1, VERB_APP | VERB_MANAGER | VERB_INSTALLED | VERB_LOCKED, OPTION(O_WAIT) | FANOUT_OPTIONS, NULL,
          verb_restart, "restart APP", "restart every instance at once",
          "Restarts all enabled instances at the same time (PM2's restart). For a staggered\n"
          "restart that keeps serving, use 'clusterctl reload APP'." },
        { "reload", 1, 1, VERB_APP | VERB_MANAGER | VERB_INSTALLED | VERB_LOCKED,
          OPTION(O_CONFIG) | OPTION(O_FORCE) | OPTION(O_WAIT) | OPTION(O_JSON) | OPTION(O_BATCH) |
                  OPTION(O_ON_FAILURE) | OPTION(O_DRY_RUN) | OPTION(O_CANARY) | OPTION(O_OVERRIDE_PAUSE) |
                  HOSTS_OPTIONS | OPTION(O_HOST_BATCH) | OPTION(O_CONFIG_STDIN) | OPTION(O_ROLLOUT_ID),
          NULL, verb_reload, "reload APP",
          "restart instances batch by batch, each ready before the next; applies config changes",
          "A zero-downtime rolling restart. If the config changed since the units were written,\n"
          "they are rewritten first (a new revision, see 'clusterctl history') and rolled out.\n"
          "With a shared socket spare instances (rollout.surge, 25% by default) start first on\n"
          "the next free indices, and the first must stay up rollout.grace seconds while every\n"
          "old instance serves; then the instances restart in place, rollout.batch (--batch N or\n"
          "N%) plus the spares at a time, each waited for until ready (READY=1); every moved\n"
          "instance is watched until the last one has been up rollout.grace seconds, and the\n"
          "spares stop. On a failure the\n"
          "rollout stops and the instances not yet restarted keep serving the old version; the\n"
          "failed one is stopped. --on-failure rollback puts the previous units back and\n"
          "restarts the moved instances; continue goes on regardless. --canary N|N% moves that\n"
          "many, checks them the same way, then pauses: 'clusterctl promote' goes on, 'clusterctl\n"
          "undo' puts them back; a reload while paused is refused without --override-pause.\n"
          "--dry-run prints the plan and the unit diff. Interrupted, it leaves every instance\n"
          "running; run it again to finish: instances already on the new version are not\n"
          "restarted twice. --json prints one event per line." },
        { "promote", 1, 1, VERB_APP | VERB_MANAGER | VERB_INSTALLED | VERB_LOCKED,
          OPTION(O_WAIT) | OPTION(O_JSON) | OPTION(O_BATCH) | OPTION(O_ON_FAILURE), NULL, verb_promote,
          "promote APP", "roll out a rollout paused after its canary to the other instances",
          "Goes on with the rollout 'reload --canary' paused: the instances not on its revision\n"
          "restart batch by batch, checked as in a reload. The units are the installed ones; a\n"
          "config changed since is not read (reload rolls it out)." },
        { "undo", 1, 1, VERB_APP | VERB_MANAGER | VERB_INSTALLED | VERB_LOCKED,
          OPTION(O_WAIT) | OPTION(O_JSON) | OPTION(O_BATCH) | OPTION(O_ON_FAILURE) | OPTION(O_TO) |
                  OPTION(O_FORCE),
          NULL, verb_undo, "undo APP [--to REV]", "roll back to the revision before, or to REV",
          "Puts back the units of a kept revision — by default the one the last rollout replaced\n"
          "(after a paused canary or a stopped rollout, what ran before it) — as a new revision,\n"
          "and restarts the instances not running them, batch by batch, checked and stopped on a\n"
          "failure as in a reload. The config is not changed: a later reload rolls it out again." },
        { "history", 1, 1, VERB_APP | VERB_MANAGER | VERB_INSTALLED, OPTION(O_SHOW) | OPTION(O_JSON), NULL,
          verb_history, "history APP [--show REV]", "list the revisions kept of an app, or show one",
          "Lists the revisions kept (the last history_limit, default 10, and any still in use):\n"
          "number, when it was made, by what (start, reload, canary, undo), what changed in its\n"
          "units, and how many instances run it now. --show REV prints that revision's units as a\n"
          "unified diff against the installed ones, and the config it came from." },
        { "scale", 2, 2, VERB_APP | VERB_MANAGER | VERB_INSTALLED | VERB_LOCKED, OPTION(O_WAIT) | FANOUT_OPTIONS,
          verb_scale_check_args, verb_scale, "scale APP N|max|max-N|+N|-N", "change the number of instances",
          "Sets the number of instances: N, max (the CPUs this process may use), max-N,\n"
          "or +N / -N relative to the current count. New instances are started (and waited\n"
          "for); when scaling down the highest indices are stopped first." },
        { "status", 0, 1, VERB_APP | VERB_MANAGER | VERB_INSTALLED,
          OPTION(O_JSON) | OPTION(O_WATCH) | OPTION(O_CPU_SAMPLE) | HOSTS_OPTIONS, NULL, verb_status, "status [APP]",
          "show instances (alias: ls)",
          "Shows a table of the app's instances: unit, state, pid, uptime, restarts,\n"
          "memory and cpu time ('-' where the manager has no value). Without APP, one line\n"
          "per app clusterctl manages. --json prints the same as JSON; --watch redraws it\n"
          "like top. Exit status 3 when not every enabled instance is active." },
        { "ls", 0, 1, VERB_APP | VERB_MANAGER | VERB_INSTALLED | VERB_ALIAS,
          OPTION(O_JSON) | OPTION(O_WATCH) | OPTION(O_CPU_SAMPLE) | HOSTS_OPTIONS, NULL, verb_status, "ls [APP]",
          "same as status",
          NULL },
        { "logs", 1, 1, VERB_APP,
          OPTION(O_LINES) | OPTION(O_FOLLOW) | OPTION(O_INSTANCE) | OPTION(O_SINCE) | OPTION(O_UNTIL) |
                  OPTION(O_PRIORITY) | OPTION(O_RAW) | OPTION(O_JSON) | HOSTS_OPTIONS,
          NULL, verb_logs, "logs APP", "show the merged journal of every instance",
          "Prints the last lines (-n N, default 15) of all instances merged in time order, each\n"
          "prefixed with its instance (web@2 |), coloured per instance on a terminal.\n"
          "-f follows new lines; --instance N (repeatable) limits to instances; --since and\n"
          "--until take times like journalctl (\"2026-11-27 09:30\", \"09:30\", \"-5m\", \"1h ago\",\n"
          "\"today\", \"@EPOCH\"); -p PRIO shows only that priority or more urgent (0-7 or\n"
          "emerg..debug; an app marks a line as an error with a \"<3>\" prefix, see sd-daemon(3));\n"
          "--json prints one object per line; --raw prints messages only." },
        { "top", 1, 1, VERB_APP | VERB_MANAGER | VERB_INSTALLED, 0, NULL, verb_top, "top APP",
          "a live view: instances, cpu, memory, restarts and new log lines",
          "A table of the instances refreshed every second (cpu from CPUUsageNSec between\n"
          "refreshes, memory, restarts, state) with the newest log lines under it, sized to the\n"
          "terminal. q or Ctrl-C quits and restores the terminal. Same as 'status APP --watch'." },
        { "delete", 1, 1, VERB_APP | VERB_MANAGER | VERB_INSTALLED | VERB_LOCKED, OPTION(O_WAIT) | FANOUT_OPTIONS, NULL,
          verb_delete, "delete APP", "stop an app and remove every file clusterctl wrote for it",
          "Stops the app, disables it and removes its unit files, drop-ins and links.\n"
          "Files clusterctl did not write are left alone." },
        { "generate", 1, 1, 0, OPTION(O_OUTPUT) | OPTION(O_FORCE), NULL, verb_generate, "generate FILE [-o DIR]",
          "print or write the units of a config",
          "Renders the units of every app in FILE, to stdout (each file after a '# path'\n"
          "header) or into DIR with the enable links for the configured instance count.\n"
          "Nothing is started; no manager is needed." },
        { "check", 1, 1, 0, 0, NULL, verb_check, "check FILE", "validate a config",
          "Parses and validates FILE and renders its units. Errors are printed as\n"
          "file:line: message and the exit status is 2." },
        { "import", 1, 1, 0, OPTION(O_ENV) | OPTION(O_LISTEN) | OPTION(O_OUTPUT) | OPTION(O_DRY_RUN) | OPTION(O_FORCE),
          NULL, verb_import, "import FILE",
          "write a config for each app of a PM2 ecosystem file",
          "Reads ecosystem.config.js, .cjs or .mjs (evaluated by node, as PM2 does), .json, or\n"
          "the process-file YAML, and writes one config per app where 'start APP' finds it\n"
          "(/etc/clusterctl/APP.conf, or $XDG_CONFIG_HOME/clusterctl/APP.conf with --user),\n"
          "or into -o DIR. Node apps get node_compat = \"pm2\": they run unchanged. Every PM2 key\n"
          "is carried over, or written as a comment saying why not and warned about.\n"
          "--env NAME merges the app's env_NAME over env; --listen sets the address when the\n"
          "app's PORT or port does not give it. --dry-run prints the configs instead. An existing\n"
          "config that says something else is kept unless --force. Nothing is written when any\n"
          "app of the file cannot be imported." },
        { "help", 0, 1, 0, 0, NULL, verb_help, "help [COMMAND]", "show help for a command", NULL },
};

const Verb *verb_find(const char *name) {
        for (size_t i = 0; i < ELEMENTSOF(verbs); i++)
                if (streq(verbs[i].name, name))
                        return &verbs[i];
        return NULL;
}

bool verb_takes(const Verb *v, OptionIndex o) {
        return o < _O_COMMON_END || (v->options & OPTION(o));
}

/* "-c, --config FILE" */
static void format_option(OptionIndex o, char *buf, size_t size) {
        const Option *opt = &options[o];
        if (opt->short_name)
                snprintf(buf, size, "-%c, --%s%s%s", opt->short_name, opt->name, opt->value ? " " : "",
                         strempty(opt->value));
        else
                snprintf(buf, size, "    --%s%s%s", opt->name, opt->value ? " " : "", strempty(opt->value));
}

/* "(reload, logs)": the verbs that take option o. */
static void format_option_verbs(OptionIndex o, char *buf, size_t size) {
        size_t n = 0;

        buf[0] = 0;
        for (size_t i = 0; i < ELEMENTSOF(verbs) && n < size; i++)
                if (!(verbs[i].flags & VERB_ALIAS) && (verbs[i].options & OPTION(o))) {
                        int w = snprintf(buf + n, size - n, "%s%s", n ? ", " : "(", verbs[i].name);
                        n += w > 0 ? (size_t) w : 0;
                }
        if (n > 0 && n + 1 < size)
                strcat(buf, ")");
}

#define WRAP_INDENT "                         "

/* "  -c, --config FILE      ", or a label too long for the column on a line of its own. */
static void print_option_label(FILE *f, const char *label) {
        if (strlen(label) > 22)
                fprintf(f, "  %s\n" WRAP_INDENT, label);
        else
                fprintf(f, "  %-22s ", label);
}

void print_usage(FILE *f) {
        char label[64], applies[128];

        fprintf(f,
                "Usage: clusterctl [OPTIONS] COMMAND [ARGS]\n"
                "\n"
                "Run N instances of an app behind one port, as systemd units.\n"
                "\n"
                "Commands:\n");
        for (size_t i = 0; i < ELEMENTSOF(verbs); i++)
                fprintf(f, "  %-30s %s\n", verbs[i].usage, verbs[i].summary);
        fprintf(f, "\nOptions:\n");
        for (OptionIndex o = 0; o < _O_MAX; o++) {
                if (!options[o].help)
                        continue;
                format_option(o, label, sizeof(label));
                format_option_verbs(o, applies, sizeof(applies));
                /* The verbs on a line of their own when they would make the line long. */
                bool wrap = strlen(options[o].help) + strlen(applies) > 72;
                print_option_label(f, label);
                fprintf(f, "%s%s%s\n", options[o].help, !applies[0] ? "" : wrap ? "\n" WRAP_INDENT : " ", applies);
        }
        fprintf(f,
                "\n"
                "A command refuses an option it does not take. Options may come before or after it.\n"
                "Exit status: 0 ok, 1 failure, 2 usage or config error, 3 not every instance active.\n"
                "See 'clusterctl COMMAND --help' and clusterctl(1).\n");
}

void print_verb_help(const Verb *v) {
        char label[64];

        printf("Usage: clusterctl %s\n\n%s.\n", v->usage, v->summary);
        if (v->help)
                printf("\n%s\n", v->help);
        if (v->options) {
                printf("\nOptions:\n");
                for (OptionIndex o = _O_COMMON_END; o < _O_MAX; o++)
                        if ((v->options & OPTION(o)) && options[o].help) {
                                format_option(o, label, sizeof(label));
                                print_option_label(stdout, label);
                                printf("%s\n", options[o].help);
                        }
        }
        printf("\nCommon options: --system, --user, -q/--quiet, -h/--help. See 'clusterctl --help'.\n");
}

int verb_help(int argc, char **argv, Cluster *c) {
        (void) c;
        if (argc < 2) {
                print_usage(stdout);
                return EXIT_OK;
        }
        const Verb *v = verb_find(argv[1]);
        if (!v) {
                log_error("unknown command '%s'; see 'clusterctl --help'", argv[1]);
                return EXIT_USAGE;
        }
        print_verb_help(v);
        return EXIT_OK;
}
