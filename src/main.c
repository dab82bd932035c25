/* clusterctl: N instances of an app behind one port, built out of systemd units.
 * This file parses options and dispatches to one verb per file (verb-*.c). The verb table says
 * what each verb needs and which options it takes; main() resolves that once, as systemctl does
 * with its verb flags, so no verb repeats the preamble. */
#include <getopt.h>
#include <locale.h>

#include "clusterctl.h"
#include "escape.h"
#include "instances.h"
#include "lock.h"
#include "hosts.h"
#include "output.h"
#include "remote.h"
#include "util.h"
#include "verb-common.h"

Scope arg_scope = SCOPE_SYSTEM;
bool arg_force = false;
bool arg_json = false;
bool arg_wait = false;
bool arg_dry_run = false;
bool arg_quiet = false;
const char *arg_output_dir = NULL;
const char *arg_config = NULL;
const char *arg_env = NULL;
const char *arg_listen = NULL;
unsigned arg_batch_count = 0, arg_batch_percent = 0;
int arg_on_failure = -1;
int arg_lines = -1;
bool arg_follow = false;
bool arg_raw = false;
bool arg_watch = false;
double arg_cpu_sample = 0;
const char *arg_since = NULL;
const char *arg_until = NULL;
const char *arg_priority = NULL;
unsigned *arg_instances = NULL;
size_t arg_n_instances = 0;
HostList arg_hosts = {};
const char *arg_host_batch = NULL;
bool arg_parallel = false;
unsigned arg_remote_protocol = 0;
bool arg_config_stdin = false;
const char *arg_rollout_id = NULL;
unsigned arg_canary_count = 0, arg_canary_percent = 0;
bool arg_override_pause = false;
unsigned arg_to = 0;
unsigned arg_show = 0;

/* Every option, in the order --help lists them. The common ones come first: every verb takes them. */
typedef enum OptionIndex {
        O_SYSTEM,
        O_USER,
        O_QUIET,
        O_HELP,
        O_VERSION,
        O_REMOTE_PROTOCOL,
        _O_COMMON_END,
        O_CONFIG = _O_COMMON_END,
        O_FORCE,
        O_WAIT,
        O_JSON,
        O_OUTPUT,
        O_BATCH,
        O_ON_FAILURE,
        O_DRY_RUN,
        O_CANARY,
        O_OVERRIDE_PAUSE,
        O_TO,
        O_SHOW,
        O_LINES,
        O_FOLLOW,
        O_INSTANCE,
        O_SINCE,
        O_UNTIL,
        O_PRIORITY,
        O_RAW,
        O_WATCH,
        O_CPU_SAMPLE,
        O_HOST,
        O_HOSTS,
        O_HOST_BATCH,
        O_PARALLEL,
        O_CONFIG_STDIN,
        O_ROLLOUT_ID,
        O_ENV,
        O_LISTEN,
        _O_MAX,
} OptionIndex;

#define OPTION(o) (UINT64_C(1) << (o))
_Static_assert(_O_MAX <= 64, "a verb's options are a 64-bit mask");

typedef struct Option {
        char short_name; /* 0: none */
        const char *name;
        const char *value; /* the value's name in the help; NULL: takes none */
        const char *help;
} Option;

static const Option options[_O_MAX] = {
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
          "Lists the revisions kept (the last history_limit, default 10): number, when it was\n"
          "made, by what (start, reload, canary, undo), what changed in its units, and how\n"
          "many instances run it now. --show REV prints that revision's units as a unified diff\n"
          "against the installed ones, and the config it came from." },
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

static const Verb *verb_find(const char *name) {
        for (size_t i = 0; i < ELEMENTSOF(verbs); i++)
                if (streq(verbs[i].name, name))
                        return &verbs[i];
        return NULL;
}

static bool verb_takes(const Verb *v, OptionIndex o) {
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

static void print_usage(FILE *f) {
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

static void print_verb_help(const Verb *v) {
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

/* Negative numbers ("scale web -2") are arguments, not options: hide them from getopt. */
#define NEGATIVE_MARK '\x1f'

static void protect_negative_numbers(int argc, char **argv, char **storage) {
        for (int i = 1; i < argc; i++) {
                if (streq(argv[i], "--"))
                        break;
                if (argv[i][0] == '-' && argv[i][1] >= '0' && argv[i][1] <= '9' &&
                    strspn(argv[i] + 1, "0123456789") == strlen(argv[i] + 1)) {
                        if (asprintf(&storage[i], "%c%s", NEGATIVE_MARK, argv[i]) >= 0)
                                argv[i] = storage[i];
                }
        }
}

static void restore_negative_numbers(int argc, char **argv) {
        for (int i = 0; i < argc; i++)
                if (argv[i][0] == NEGATIVE_MARK)
                        argv[i]++;
}

/* The value getopt_long returns for an option: its short name, or one above any character. */
static int option_value(OptionIndex o) {
        return options[o].short_name ? options[o].short_name : 0x100 + (int) o;
}

static int option_from_value(int value, OptionIndex *ret) {
        for (OptionIndex o = 0; o < _O_MAX; o++)
                if (option_value(o) == value) {
                        *ret = o;
                        return 0;
                }
        return -EINVAL;
}

static int add_host(const char *spec) {
        HostSpec h = {};
        const char *why = NULL;
        int r = host_spec_parse(spec, &h, &why);

        if (r == -EINVAL) {
                log_error("-H '%s': %s; a host is [USER@]HOST[:PORT]", spec, why);
                return r;
        }
        if (r >= 0 && (r = host_list_add(&arg_hosts, &h)) == -EEXIST)
                log_error("-H '%s': this host is given twice", spec);
        host_spec_done(&h);
        return r < 0 ? -EINVAL : 0;
}

static int add_hosts_file(const char *path) {
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        _cleanup_buffer_ Buffer b = {};
        const char *why = NULL;
        unsigned line = 0;
        size_t before = arg_hosts.n, k;
        char chunk[8192];
        int r;

        if (!f) {
                log_error("--hosts %s: %s", path, strerror(errno));
                return -EINVAL;
        }
        while ((k = fread(chunk, 1, sizeof(chunk), f)) > 0)
                if (buffer_append(&b, chunk, k) < 0)
                        return -ENOMEM;
        r = host_list_parse_text(&arg_hosts, b.data ? b.data : "", &line, &why);
        if (r == -EINVAL) {
                log_error("%s:%u: %s", path, line, why);
                return r;
        }
        if (r >= 0 && arg_hosts.n == before) {
                log_error("%s: lists no hosts", path);
                return -EINVAL;
        }
        return r;
}

/* Stores an option's value in its arg_ variable; -EINVAL after saying why it is wrong. */
static int apply_option(OptionIndex o, const char *value) {
        switch (o) {
        case O_SYSTEM:
                arg_scope = SCOPE_SYSTEM;
                break;
        case O_USER:
                arg_scope = SCOPE_USER;
                break;
        case O_QUIET:
                arg_quiet = true;
                break;
        case O_HELP:
        case O_VERSION:
                break; /* handled once every option is read */
        case O_CONFIG:
                arg_config = value;
                break;
        case O_FORCE:
                arg_force = true;
                break;
        case O_WAIT:
                arg_wait = true;
                break;
        case O_JSON:
                arg_json = true;
                break;
        case O_OUTPUT:
                arg_output_dir = value;
                break;
        case O_BATCH:
                if (batch_spec_parse(value, &arg_batch_count, &arg_batch_percent) < 0) {
                        log_error("--batch: '%s' is not a count or a percentage (\"2\", \"25%%\")", value);
                        return -EINVAL;
                }
                break;
        case O_ON_FAILURE:
                arg_on_failure = on_failure_from_string(value);
                if (arg_on_failure < 0) {
                        log_error("--on-failure: '%s' is not stop, rollback or continue", value);
                        return -EINVAL;
                }
                break;
        case O_DRY_RUN:
                arg_dry_run = true;
                break;
        case O_CANARY:
                if (batch_spec_parse(value, &arg_canary_count, &arg_canary_percent) < 0) {
                        log_error("--canary: '%s' is not a count or a percentage (\"1\", \"25%%\")", value);
                        return -EINVAL;
                }
                break;
        case O_OVERRIDE_PAUSE:
                arg_override_pause = true;
                break;
        case O_TO:
        case O_SHOW: {
                unsigned n;
                if (safe_atou(value, &n) < 0 || n == 0) {
                        log_error("--%s: '%s' is not a revision number", options[o].name, value);
                        return -EINVAL;
                }
                *(o == O_TO ? &arg_to : &arg_show) = n;
                break;
        }
        case O_LINES: {
                unsigned n;
                if (safe_atou(value, &n) < 0 || n > 1000000) {
                        log_error("-n: '%s' is not a number of lines", value);
                        return -EINVAL;
                }
                arg_lines = (int) n;
                break;
        }
        case O_FOLLOW:
                arg_follow = true;
                break;
        case O_INSTANCE: {
                unsigned k;
                if (safe_atou(value, &k) < 0 || k >= INSTANCES_MAX) {
                        log_error("--instance: '%s' is not an instance index", value);
                        return -EINVAL;
                }
                return index_list_add(&arg_instances, &arg_n_instances, k);
        }
        case O_SINCE:
                arg_since = value;
                break;
        case O_UNTIL:
                arg_until = value;
                break;
        case O_PRIORITY:
                arg_priority = value;
                break;
        case O_RAW:
                arg_raw = true;
                break;
        case O_WATCH:
                arg_watch = true;
                break;
        case O_CPU_SAMPLE:
                if (parse_seconds(value, &arg_cpu_sample) < 0 || arg_cpu_sample <= 0 || arg_cpu_sample > 60) {
                        log_error("--cpu-sample: '%s' is not a number of seconds (up to 60)", value);
                        return -EINVAL;
                }
                break;
        case O_REMOTE_PROTOCOL:
                if (safe_atou(value, &arg_remote_protocol) < 0 || arg_remote_protocol == 0) {
                        log_error("--remote-protocol: '%s' is not a protocol number", value);
                        return -EINVAL;
                }
                break;
        case O_HOST:
                return add_host(value);
        case O_HOSTS:
                return add_hosts_file(value);
        case O_HOST_BATCH: {
                unsigned count, percent;
                if (batch_spec_parse(value, &count, &percent) < 0) {
                        log_error("--host-batch: '%s' is not a count or a percentage (\"2\", \"25%%\")", value);
                        return -EINVAL;
                }
                arg_host_batch = value;
                break;
        }
        case O_PARALLEL:
                arg_parallel = true;
                break;
        case O_CONFIG_STDIN:
                arg_config_stdin = true;
                break;
        case O_ROLLOUT_ID:
                if (strlen(value) == 0 || strlen(value) > 64 || strspn(value, "0123456789abcdef") != strlen(value)) {
                        log_error("--rollout-id: '%s' is not a rollout id (up to 64 hex digits)", value);
                        return -EINVAL;
                }
                arg_rollout_id = value;
                break;
        case O_ENV:
                arg_env = value;
                break;
        case O_LISTEN:
                arg_listen = value;
                break;
        case _O_MAX:
                break;
        }
        return 0;
}

/* Reads every option into arg_*; sets the options given in *ret_given. -EINVAL after saying why. */
static int parse_options(int argc, char **argv, uint64_t *ret_given) {
        struct option long_options[_O_MAX + 1] = {};
        char short_options[2 * _O_MAX + 2] = ":";
        uint64_t given = 0;
        int c;

        for (OptionIndex o = 0; o < _O_MAX; o++) {
                long_options[o] = (struct option) { options[o].name, options[o].value ? required_argument : no_argument,
                                                    NULL, option_value(o) };
                if (options[o].short_name) {
                        size_t n = strlen(short_options);
                        short_options[n] = options[o].short_name;
                        short_options[n + 1] = options[o].value ? ':' : 0;
                }
        }
        opterr = 0;
        while ((c = getopt_long(argc, argv, short_options, long_options, NULL)) >= 0) {
                OptionIndex o;
                if (c == ':') {
                        log_error("option '%s' needs a value", argv[optind - 1]);
                        return -EINVAL;
                }
                if (c == '?' || option_from_value(c, &o) < 0) {
                        log_error("unknown option '%s'; see 'clusterctl --help'", argv[optind - 1]);
                        return -EINVAL;
                }
                if (apply_option(o, optarg) < 0)
                        return -EINVAL;
                given |= OPTION(o);
        }
        *ret_given = given;
        return 0;
}

/* An option given that the verb does not take is a usage error naming it: -EINVAL. */
static int check_verb_options(const Verb *v, uint64_t given) {
        for (OptionIndex o = 0; o < _O_MAX; o++)
                if ((given & OPTION(o)) && !verb_takes(v, o)) {
                        return log_error_errno(-EINVAL, "%s does not take --%s; see 'clusterctl %s --help'", v->name,
                                               options[o].name, v->name);
                }
        return 0;
}

static int check_arg_count(const Verb *v, int argc) {
        if (argc - 1 < v->min_args || (v->max_args >= 0 && argc - 1 > v->max_args)) {
                log_error("%s: wrong number of arguments\nUsage: clusterctl %s", v->name, v->usage);
                return EXIT_USAGE;
        }
        return 0;
}

/* Resolves what the table says the verb needs, then runs it. Returns what the verb returns: an
 * exit status, or a negative errno already reported. */
static int dispatch(const Verb *v, int argc, char **argv) {
        _cleanup_(cluster_close) Cluster cluster = {};
        _cleanup_(app_lock_release) AppLock lock = APP_LOCK_NULL;
        const char *app = (v->flags & VERB_APP) && argc > 1 ? argv[1] : NULL;
        int r;

        if ((r = check_arg_count(v, argc)))
                return r;
        if (app && check_app_name(app) < 0)
                return EXIT_USAGE;
        if (v->check_args && v->check_args(argc, argv) < 0)
                return EXIT_USAGE;
        if (v->flags & VERB_MANAGER) {
                r = open_cluster(&cluster);
                if (r < 0)
                        return r;
        }
        if (app && (v->flags & VERB_INSTALLED) && !cluster_app_exists(&cluster, app))
                return log_error_errno(-ENOENT, "no app '%s' is installed in %s; 'clusterctl start' installs one", app,
                                       cluster.unit_dir);
        if (app && (v->flags & VERB_LOCKED)) {
                r = lock_app(app, &lock);
                if (r < 0)
                        return r;
        }
        return v->run(argc, argv, v->flags & VERB_MANAGER ? &cluster : NULL);
}

static int run(int argc, char **argv) {
        uint64_t given = 0;
        int r;

        r = parse_options(argc, argv, &given);
        restore_negative_numbers(argc, argv);
        if (r < 0)
                return EXIT_USAGE;

        int nargs = argc - optind;
        char **args = argv + optind;
        const Verb *v = nargs > 0 ? verb_find(args[0]) : NULL;
        if (given & OPTION(O_VERSION)) {
                printf("clusterctl %s\n", CLUSTERCTL_VERSION);
                return EXIT_OK;
        }
        if (given & OPTION(O_HELP)) {
                if (v)
                        print_verb_help(v);
                else
                        print_usage(stdout);
                return EXIT_OK;
        }
        if (nargs == 0) {
                print_usage(stderr);
                return EXIT_USAGE;
        }
        if (!v) {
                log_error("unknown command '%s'; see 'clusterctl --help'", args[0]);
                return EXIT_USAGE;
        }
        if (arg_remote_protocol > 0) {
                /* Run by a controller over ssh: everything it reads is one JSON object a line. */
                r = remote_begin(arg_remote_protocol);
                if (r == 0)
                        r = check_verb_options(v, given) < 0 ? EXIT_USAGE : dispatch(v, nargs, args);
                if (r < 0)
                        r = EXIT_FAILURE_; /* the exit status main() would map it to */
                remote_end(r);
                return r;
        }
        if (check_verb_options(v, given) < 0)
                return EXIT_USAGE;
        if (arg_hosts.n > 0)
                return check_arg_count(v, nargs) ?: hosts_dispatch(v, nargs, args);
        if (given & (OPTION(O_HOST_BATCH) | OPTION(O_PARALLEL) | OPTION(O_CONFIG_STDIN))) {
                log_error("%s needs -H or --hosts",
                          given & OPTION(O_HOST_BATCH) ? "--host-batch" : given & OPTION(O_PARALLEL) ? "--parallel" : "--config-stdin");
                return EXIT_USAGE;
        }
        return dispatch(v, nargs, args);
}

int main(int argc, char **argv) {
        char **storage = calloc((size_t) argc + 1, sizeof(char *));
        int r;

        setlocale(LC_ALL, "");
        if (!storage)
                return EXIT_FAILURE_;
        protect_negative_numbers(argc, argv, storage);
        r = run(argc, argv);
        /* The one place an error becomes an exit status: a verb's -errno is a failure. */
        if (r < 0)
                r = EXIT_FAILURE_;
        fflush(stdout);
        for (int i = 0; i < argc; i++)
                free(storage[i]);
        free(storage);
        free(arg_instances);
        host_list_done(&arg_hosts);
        return r;
}
