/* clusterctl: N instances of an app behind one port, built out of systemd units.
 * This file parses options and dispatches to one verb per file (verb-*.c). The verb table
 * (verbs.c) says what each verb needs and which options it takes; main() resolves that once, as
 * systemctl does with its verb flags, so no verb repeats the preamble. */
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
#include "verbs.h"

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
