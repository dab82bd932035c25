/* clusterctl: N instances of an app behind one port, built out of systemd units.
 * This file parses options and dispatches to one verb per file (verb-*.c). */
#include <getopt.h>
#include <locale.h>

#include "clusterctl.h"
#include "hosts.h"
#include "instances.h"
#include "output.h"
#include "remote.h"
#include "util.h"

Scope arg_scope = SCOPE_SYSTEM;
bool arg_force = false;
bool arg_json = false;
bool arg_wait = false;
bool arg_dry_run = false;
bool arg_quiet = false;
const char *arg_output_dir = NULL;
const char *arg_config = NULL;
const char *arg_batch = NULL;
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

static const Verb verbs[] = {
        { "start", 1, 1, verb_start, "start FILE|APP",
          "write the units of an app (or every app of a file) and start its instances",
          "Renders APP@.service, APP.target and the socket(s) from the config, enables the\n"
          "configured number of instances, and starts them all at once. Returns when every\n"
          "instance is ready (READY=1 for ready = \"notify\"), or fails naming the instance that\n"
          "did not start, why, and its last log lines. With an app name, the config is\n"
          "-c FILE, /etc/clusterctl/APP.conf (--system) or $XDG_CONFIG_HOME/clusterctl/APP.conf (--user);\n"
          "without any config, the app's existing units are started." },
        { "stop", 1, 1, verb_stop, "stop APP", "stop every instance, its socket(s) and target (they stay enabled)",
          "Stops all instances, the socket(s) and APP.target, and waits until they are down.\n"
          "The enabled instance count is kept: 'clusterctl start APP' brings them back." },
        { "restart", 1, 1, verb_restart, "restart APP", "restart every instance at once",
          "Restarts all enabled instances at the same time (PM2's restart). For a staggered\n"
          "restart that keeps serving, use 'clusterctl reload APP'." },
        { "reload", 1, 1, verb_reload, "reload APP",
          "restart instances batch by batch, each ready before the next; applies config changes",
          "A zero-downtime rolling restart. If the config changed since the units were written,\n"
          "they are rewritten first and the change is rolled out. Each batch (rollout.batch,\n"
          "--batch N or N%) is restarted and waited for: ready (READY=1), a new process, and\n"
          "still up after rollout.grace seconds. On a failure the rollout stops and the\n"
          "instances not yet restarted keep serving the old version; the failed one is stopped.\n"
          "--on-failure rollback puts the previous units back and restarts the moved instances;\n"
          "continue goes on regardless. --dry-run prints the plan and the unit diff.\n"
          "Interrupted, it leaves every instance running; run it again to finish: instances\n"
          "already on the new version are not restarted twice. --json prints one event per line." },
        { "scale", 2, 2, verb_scale, "scale APP N|max|max-N|+N|-N", "change the number of instances",
          "Sets the number of instances: N, max (the CPUs this process may use), max-N,\n"
          "or +N / -N relative to the current count. New instances are started (and waited\n"
          "for); when scaling down the highest indices are stopped first." },
        { "status", 0, 1, verb_status, "status [APP]", "show instances (alias: ls)",
          "Shows a table of the app's instances: unit, state, pid, uptime, restarts,\n"
          "memory and cpu time ('-' where the manager has no value). Without APP, one line\n"
          "per app clusterctl manages. --json prints the same as JSON.\n"
          "Exit status 3 when not every enabled instance is active." },
        { "ls", 0, 1, verb_status, "ls [APP]", "same as status", NULL },
        { "logs", 1, 1, verb_logs, "logs APP", "show the merged journal of every instance",
          "Prints the last lines (-n N, default 15) of all instances merged in time order, each\n"
          "prefixed with its instance (web@2 |), coloured per instance on a terminal.\n"
          "-f follows new lines; --instance N (repeatable) limits to instances; --since and\n"
          "--until take times like journalctl (\"2026-11-27 09:30\", \"09:30\", \"-5m\", \"1h ago\",\n"
          "\"today\", \"@EPOCH\"); -p PRIO shows only that priority or more urgent (0-7 or\n"
          "emerg..debug; an app marks a line as an error with a \"<3>\" prefix, see sd-daemon(3));\n"
          "--json prints one object per line; --raw prints messages only." },
        { "top", 1, 1, verb_top, "top APP", "a live view: instances, cpu, memory, restarts and new log lines",
          "A table of the instances refreshed every second (cpu from CPUUsageNSec between\n"
          "refreshes, memory, restarts, state) with the newest log lines under it, sized to the\n"
          "terminal. q or Ctrl-C quits and restores the terminal. Same as 'status APP --watch'." },
        { "delete", 1, 1, verb_delete, "delete APP", "stop an app and remove every file clusterctl wrote for it",
          "Stops the app, disables it and removes its unit files, drop-ins and links.\n"
          "Files clusterctl did not write are left alone." },
        { "generate", 1, 1, verb_generate, "generate FILE [-o DIR]", "print or write the units of a config",
          "Renders the units of every app in FILE, to stdout (each file after a '# path'\n"
          "header) or into DIR with the enable links for the configured instance count.\n"
          "Nothing is started; no manager is needed." },
        { "check", 1, 1, verb_check, "check FILE", "validate a config",
          "Parses and validates FILE and renders its units. Errors are printed as\n"
          "file:line: message and the exit status is 2." },
        { "help", 0, 1, verb_help, "help [VERB]", "show help for a verb", NULL },
};

const Verb *verb_find(const char *name) {
        for (size_t i = 0; i < ELEMENTSOF(verbs); i++)
                if (streq(verbs[i].name, name))
                        return &verbs[i];
        return NULL;
}

static void print_usage(FILE *f) {
        fprintf(f,
                "Usage: clusterctl [OPTIONS] COMMAND [ARGS]\n"
                "\n"
                "Run N instances of an app behind one port, as systemd units.\n"
                "\n"
                "Commands:\n");
        for (size_t i = 0; i < ELEMENTSOF(verbs); i++)
                fprintf(f, "  %-30s %s\n", verbs[i].usage, verbs[i].summary);
        fprintf(f,
                "\n"
                "Options:\n"
                "  --system              talk to the system manager (default)\n"
                "  --user                talk to your user manager\n"
                "  -c, --config FILE     the config of APP (start)\n"
                "  -o, --output DIR      write generated units to DIR (generate)\n"
                "      --force           overwrite unit files clusterctl did not write\n"
                "      --json            machine-readable output (status)\n"
                "      --wait            wait for another command on the same app to finish\n"
                "      --batch N|N%%     instances restarted together (reload)\n"
                "      --on-failure MODE stop (default), rollback or continue (reload)\n"
                "      --dry-run         print what reload would do, change nothing\n"
                "  -n, --lines N         lines of log to show (logs; default 15)\n"
                "  -f, --follow          keep printing new log lines (logs)\n"
                "      --instance N      only instance N; repeatable (logs)\n"
                "      --since TIME, --until TIME\n"
                "                        time window (logs): \"09:30\", \"-5m\", \"1h ago\", \"today\"\n"
                "  -p, --priority PRIO   only lines this urgent or more, 0-7 or err, warning… (logs)\n"
                "      --raw             messages only (logs)\n"
                "      --watch           refresh like top (status APP)\n"
                "      --cpu-sample SEC  cpu %% over a sample of SEC seconds (status)\n"
                "  -H, --host [USER@]HOST[:PORT]\n"
                "                        run on HOST over ssh (repeatable; start, stop, restart,\n"
                "                        reload, scale, status, logs, delete)\n"
                "      --hosts FILE      run on every host listed in FILE (one a line, # comments)\n"
                "      --host-batch N|N%% hosts reloaded together (reload -H; default 1)\n"
                "      --parallel        all hosts at once (start, stop, restart, scale, delete -H)\n"
                "  -q, --quiet           print only errors\n"
                "  -h, --help            show this help\n"
                "      --version         show the version\n"
                "\n"
                "Exit status: 0 ok, 1 failure, 2 usage or config error, 3 not every instance active.\n"
                "See 'clusterctl help COMMAND' and clusterctl(1).\n");
}

void print_verb_help(const Verb *v) {
        printf("Usage: clusterctl %s\n\n%s.\n", v->usage, v->summary);
        if (v->help)
                printf("\n%s\n", v->help);
}

int verb_help(int argc, char **argv) {
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

enum {
        OPT_VERSION = 0x100,
        OPT_USER,
        OPT_SYSTEM,
        OPT_FORCE,
        OPT_JSON,
        OPT_WAIT,
        OPT_DRY_RUN,
        OPT_BATCH,
        OPT_ON_FAILURE,
        OPT_INSTANCE,
        OPT_SINCE,
        OPT_UNTIL,
        OPT_RAW,
        OPT_WATCH,
        OPT_CPU_SAMPLE,
        OPT_HOSTS,
        OPT_HOST_BATCH,
        OPT_PARALLEL,
        OPT_REMOTE_PROTOCOL,
        OPT_CONFIG_STDIN,
        OPT_ROLLOUT_ID,
};

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
        return r;
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
                return -errno;
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

static int parse_options(int argc, char **argv) {
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, OPT_VERSION },
                { "user", no_argument, NULL, OPT_USER },
                { "system", no_argument, NULL, OPT_SYSTEM },
                { "config", required_argument, NULL, 'c' },
                { "output", required_argument, NULL, 'o' },
                { "force", no_argument, NULL, OPT_FORCE },
                { "json", no_argument, NULL, OPT_JSON },
                { "wait", no_argument, NULL, OPT_WAIT },
                { "quiet", no_argument, NULL, 'q' },
                { "batch", required_argument, NULL, OPT_BATCH },
                { "on-failure", required_argument, NULL, OPT_ON_FAILURE },
                { "dry-run", no_argument, NULL, OPT_DRY_RUN },
                { "lines", required_argument, NULL, 'n' },
                { "follow", no_argument, NULL, 'f' },
                { "instance", required_argument, NULL, OPT_INSTANCE },
                { "since", required_argument, NULL, OPT_SINCE },
                { "until", required_argument, NULL, OPT_UNTIL },
                { "priority", required_argument, NULL, 'p' },
                { "raw", no_argument, NULL, OPT_RAW },
                { "watch", no_argument, NULL, OPT_WATCH },
                { "cpu-sample", required_argument, NULL, OPT_CPU_SAMPLE },
                { "host", required_argument, NULL, 'H' },
                { "hosts", required_argument, NULL, OPT_HOSTS },
                { "host-batch", required_argument, NULL, OPT_HOST_BATCH },
                { "parallel", no_argument, NULL, OPT_PARALLEL },
                { "remote-protocol", required_argument, NULL, OPT_REMOTE_PROTOCOL },
                { "config-stdin", no_argument, NULL, OPT_CONFIG_STDIN },
                { "rollout-id", required_argument, NULL, OPT_ROLLOUT_ID },
                {},
        };
        int c;

        opterr = 0;
        while ((c = getopt_long(argc, argv, ":hc:o:qn:fp:H:", options, NULL)) >= 0) {
                switch (c) {
                case 'h':
                        print_usage(stdout);
                        return 0;
                case OPT_VERSION:
                        printf("clusterctl %s\n", CLUSTERCTL_VERSION);
                        return 0;
                case OPT_USER:
                        arg_scope = SCOPE_USER;
                        break;
                case OPT_SYSTEM:
                        arg_scope = SCOPE_SYSTEM;
                        break;
                case 'c':
                        arg_config = optarg;
                        break;
                case 'o':
                        arg_output_dir = optarg;
                        break;
                case OPT_FORCE:
                        arg_force = true;
                        break;
                case OPT_JSON:
                        arg_json = true;
                        break;
                case OPT_WAIT:
                        arg_wait = true;
                        break;
                case 'q':
                        arg_quiet = true;
                        break;
                case OPT_BATCH:
                        arg_batch = optarg;
                        break;
                case OPT_ON_FAILURE:
                        arg_on_failure = on_failure_from_string(optarg);
                        if (arg_on_failure < 0) {
                                log_error("--on-failure: '%s' is not stop, rollback or continue", optarg);
                                return -EINVAL;
                        }
                        break;
                case OPT_DRY_RUN:
                        arg_dry_run = true;
                        break;
                case 'n': {
                        unsigned n;
                        if (safe_atou(optarg, &n) < 0 || n > 1000000) {
                                log_error("-n: '%s' is not a number of lines", optarg);
                                return -EINVAL;
                        }
                        arg_lines = (int) n;
                        break;
                }
                case 'f':
                        arg_follow = true;
                        break;
                case OPT_INSTANCE: {
                        unsigned k, *l;
                        if (safe_atou(optarg, &k) < 0 || k >= INSTANCES_MAX) {
                                log_error("--instance: '%s' is not an instance index", optarg);
                                return -EINVAL;
                        }
                        if (!(l = realloc(arg_instances, sizeof(unsigned) * (arg_n_instances + 1))))
                                return -ENOMEM;
                        arg_instances = l;
                        arg_instances[arg_n_instances++] = k;
                        break;
                }
                case OPT_SINCE:
                        arg_since = optarg;
                        break;
                case OPT_UNTIL:
                        arg_until = optarg;
                        break;
                case 'p':
                        arg_priority = optarg;
                        break;
                case OPT_RAW:
                        arg_raw = true;
                        break;
                case OPT_WATCH:
                        arg_watch = true;
                        break;
                case OPT_CPU_SAMPLE:
                        if (parse_seconds(optarg, &arg_cpu_sample) < 0 || arg_cpu_sample <= 0 || arg_cpu_sample > 60) {
                                log_error("--cpu-sample: '%s' is not a number of seconds (up to 60)", optarg);
                                return -EINVAL;
                        }
                        break;
                case 'H':
                        if (add_host(optarg) < 0)
                                return -EINVAL;
                        break;
                case OPT_HOSTS:
                        if (add_hosts_file(optarg) < 0)
                                return -EINVAL;
                        break;
                case OPT_HOST_BATCH:
                        arg_host_batch = optarg;
                        break;
                case OPT_PARALLEL:
                        arg_parallel = true;
                        break;
                case OPT_REMOTE_PROTOCOL:
                        if (safe_atou(optarg, &arg_remote_protocol) < 0 || arg_remote_protocol == 0) {
                                log_error("--remote-protocol: '%s' is not a protocol number", optarg);
                                return -EINVAL;
                        }
                        break;
                case OPT_CONFIG_STDIN:
                        arg_config_stdin = true;
                        break;
                case OPT_ROLLOUT_ID:
                        if (strlen(optarg) == 0 || strlen(optarg) > 64 ||
                            strspn(optarg, "0123456789abcdef") != strlen(optarg)) {
                                log_error("--rollout-id: '%s' is not a rollout id (up to 64 hex digits)", optarg);
                                return -EINVAL;
                        }
                        arg_rollout_id = optarg;
                        break;
                case ':':
                        log_error("option '%s' needs a value", argv[optind - 1]);
                        return -EINVAL;
                default:
                        log_error("unknown option '%s'; see 'clusterctl --help'", argv[optind - 1]);
                        return -EINVAL;
                }
        }
        return 1;
}

int main(int argc, char **argv) {
        char **storage = calloc((size_t) argc + 1, sizeof(char *));
        int r;

        setlocale(LC_ALL, "");
        if (!storage)
                return EXIT_FAILURE_;
        protect_negative_numbers(argc, argv, storage);
        r = parse_options(argc, argv);
        restore_negative_numbers(argc, argv);
        if (r <= 0) {
                for (int i = 0; i < argc; i++)
                        free(storage[i]);
                free(storage);
                free(arg_instances);
                host_list_done(&arg_hosts);
                return r < 0 ? EXIT_USAGE : EXIT_OK;
        }

        int nargs = argc - optind;
        char **args = argv + optind;
        if (nargs == 0) {
                print_usage(stderr);
                r = EXIT_USAGE;
                goto out;
        }
        const Verb *v = verb_find(args[0]);
        if (!v) {
                log_error("unknown command '%s'; see 'clusterctl --help'", args[0]);
                r = EXIT_USAGE;
                goto out;
        }
        if (nargs - 1 < v->min_args || (v->max_args >= 0 && nargs - 1 > v->max_args)) {
                log_error("%s: wrong number of arguments\nUsage: clusterctl %s", v->name, v->usage);
                r = EXIT_USAGE;
                goto out;
        }
        if (arg_remote_protocol > 0) {
                /* Run by a controller over ssh: everything it reads is one JSON object a line. */
                r = remote_begin(arg_remote_protocol);
                if (!r)
                        r = v->run(nargs, args);
                remote_end(r);
        } else if (arg_hosts.n > 0)
                r = hosts_dispatch(v, nargs, args);
        else if (arg_host_batch || arg_parallel || arg_config_stdin) {
                log_error("%s needs -H or --hosts", arg_host_batch ? "--host-batch" : arg_parallel ? "--parallel" : "--config-stdin");
                r = EXIT_USAGE;
        } else
                r = v->run(nargs, args);
out:
        fflush(stdout);
        for (int i = 0; i < argc; i++)
                free(storage[i]);
        free(storage);
        free(arg_instances);
        host_list_done(&arg_hosts);
        return r;
}
