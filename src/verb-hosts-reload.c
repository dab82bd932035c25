/* clusterctl reload APP -H a -H b -H c: every host runs its own staggered rollout, hosts one
 * batch after the other (--host-batch). The first host that fails stops the whole rollout, so
 * the hosts not yet reached keep the old version untouched. A rollout across hosts has an id,
 * kept by the controller until it finished everywhere: run again after an interruption, each
 * host resumes it or says it is already done, and no instance restarts twice. */
#include <sys/random.h>
#include <sys/stat.h>

#include "fileio.h"
#include "hosts.h"
#include "lock.h"
#include "output.h"
#include "rollout.h"
#include "util.h"
#include "verb-common.h"

typedef struct HostReload {
        unsigned instances; /* from the check before the rollout */
        size_t pending;     /* the host's own count once it planned */
        bool planned;
        size_t new_, old, failed;
        bool done, already, rolled_back, summarized, spare_failed;
        double seconds;
} HostReload;

typedef struct HostsReload {
        HostsRun h;
        HostReload *per_host;
        size_t done, total; /* instances, across hosts */
} HostsReload;

/* --- the check before anything changes: every host reachable, compatible, with the app ----- */

static void on_check_object(HostRun *run, json_object *o, void *userdata) {
        HostsReload *hr = userdata;
        size_t i = host_index(&hr->h, run);

        if (!json_str(o, "event") && json_str(o, "app"))
                hr->per_host[i].instances = (unsigned) json_int(o, "desired", 0);
        else
                hosts_on_object(run, o, &hr->h);
}

static void on_text(HostRun *run, const char *line, void *userdata) {
        hosts_on_text(run, line, &((HostsReload *) userdata)->h);
}

static bool on_check_exit(HostRun *run, void *userdata) {
        HostsReload *hr = userdata;
        return hosts_on_exit_continue(run, &hr->h);
}

static int check_hosts(HostsReload *hr, const char *app) {
        _cleanup_(hosts_run_done) HostsRun check = {};
        char *args[] = { "status", (char *) app, "--json", NULL };
        int r;

        if ((r = hosts_run_new(args, NULL, &check)))
                return r;
        /* The same per-host array, so the callbacks find their host. */
        HostsRun saved = hr->h;
        hr->h = check;
        FanoutOps ops = { .on_object = on_check_object, .on_text = on_text, .on_exit = on_check_exit };
        r = fanout_run(check.runs, check.n, HOSTS_PARALLEL_MAX, &ops, hr);
        check = hr->h;
        hr->h = saved;
        if (r == -EINTR) {
                log_error("interrupted before anything changed");
                return EXIT_FAILURE_;
        }
        if (r < 0) {
                log_error("cannot run ssh: %s", strerror(-r));
                return EXIT_FAILURE_;
        }
        size_t bad = 0;
        for (size_t i = 0; i < check.n; i++) {
                int code = host_exit_code(&check, i);
                if (code != EXIT_OK && code != EXIT_NOT_ACTIVE)
                        bad++;
                hr->total += hr->per_host[i].instances;
        }
        if (bad > 0) {
                log_error("%s: %zu of %zu host%s cannot be reloaded (above); nothing was changed on any host", app, bad,
                          check.n, check.n == 1 ? "" : "s");
                return EXIT_FAILURE_;
        }
        return 0;
}

/* --- progress ----------------------------------------------------------------------------- */

static void print_instance(HostsReload *hr, HostRun *run, json_object *o, const char *event) {
        const char *unit = strempty(json_str(o, "unit"));
        size_t ul = endswith(unit, ".service") ? strlen(unit) - strlen(".service") : strlen(unit);

        hr->done++;
        if (arg_quiet && streq(event, "ready"))
                return;
        if (streq(event, "ready"))
                fprintf(stderr, "%-*s  %-12.*s restarting … ready in %.2fs  [%zu/%zu]\n", hr->h.name_width,
                        run->host->display, (int) ul, unit, json_double(o, "seconds", 0), hr->done, hr->total);
        else
                fprintf(stderr, "%-*s  %-12.*s restarting … %s after %.2fs  [%zu/%zu]\n", hr->h.name_width,
                        run->host->display, (int) ul, unit, strna(json_str(o, "result")), json_double(o, "seconds", 0),
                        hr->done, hr->total);
}

static void on_reload_object(HostRun *run, json_object *o, void *userdata) {
        HostsReload *hr = userdata;
        size_t i = host_index(&hr->h, run);
        HostReload *p = &hr->per_host[i];
        const char *event = json_str(o, "event");

        if (arg_json && event && !streq(event, "message")) {
                json_object_object_add(o, "host", json_object_new_string(run->host->display));
                printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
                fflush(stdout);
        }
        if (streq_ptr(event, "plan")) {
                p->pending = (size_t) json_int(o, "pending", 0);
                p->planned = true;
                hr->total = hr->total - p->instances + p->pending;
        } else if (streq_ptr(event, "ready") || (streq_ptr(event, "failed") && json_str(o, "result"))) {
                if (!arg_json)
                        print_instance(hr, run, o, event);
                else
                        hr->done++;
        } else if (streq_ptr(event, "summary")) {
                p->new_ = (size_t) json_int(o, "new", 0);
                p->old = (size_t) json_int(o, "old", 0);
                p->failed = (size_t) json_int(o, "failed", 0);
                p->spare_failed = json_flag(o, "spare_failed");
                p->summarized = true;
        } else if (streq_ptr(event, "done")) {
                p->done = true;
                p->seconds = json_double(o, "seconds", 0);
                p->already = json_object_object_get_ex(o, "already", NULL);
                p->new_ = (size_t) json_int(o, "instances", 0);
        } else if (streq_ptr(event, "rolled_back"))
                p->rolled_back = true;
        else if (!streq_ptr(event, "restarting") && !streq_ptr(event, "failed"))
                hosts_on_object(run, o, &hr->h);
}

static bool on_reload_exit(HostRun *run, void *userdata) {
        return hosts_on_exit_stop_on_failure(run, &((HostsReload *) userdata)->h);
}

/* --- the rollout's id, kept until it finished everywhere -------------------------------- */

static int rollout_id_path(const char *app, const char *config_text, char **ret) {
        _cleanup_free_ char *lockfile = NULL;
        _cleanup_buffer_ Buffer key = {};

        /* The same app, hosts, scope and config make the same rollout. */
        for (size_t i = 0; i < arg_hosts.n; i++)
                if (buffer_printf(&key, "%s\n", arg_hosts.hosts[i].display) < 0)
                        return -ENOMEM;
        if (buffer_printf(&key, "%d\n%s", arg_scope, strempty(config_text)) < 0)
                return -ENOMEM;
        if (app_runtime_file(arg_scope, app, ".rollout", &lockfile) < 0)
                return -ENOMEM;
        return asprintf_safe(ret, "%s-hosts-%016llx", lockfile,
                             (unsigned long long) hash64(key.data, key.len)) < 0 ? -ENOMEM : 0;
}

static int rollout_id_get(const char *path, char ret[static 33], bool *ret_resumed) {
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        uint8_t bytes[16];

        if (f && fscanf(f, "%32s", ret) == 1 && strlen(ret) == 32) {
                *ret_resumed = true;
                return 0;
        }
        if (getrandom(bytes, sizeof(bytes), 0) != sizeof(bytes))
                return -errno;
        for (size_t i = 0; i < sizeof(bytes); i++)
                snprintf(ret + 2 * i, 3, "%02x", bytes[i]);
        char line[34];
        snprintf(line, sizeof(line), "%s\n", ret);
        int r = write_file_atomic(path, line, 0644);
        if (r < 0)
                return r;
        *ret_resumed = false;
        return 0;
}

/* --- the summary ----------------------------------------------------------------------- */

static void print_summary(HostsReload *hr, const char *app) {
        for (size_t i = 0; i < hr->h.n; i++) {
                HostReload *p = &hr->per_host[i];
                HostRun *run = &hr->h.runs[i];
                const char *name = run->host->display;
                int w = hr->h.name_width;

                if (!host_run_reached(run))
                        log_info("%-*s  not reached: still on the old version, untouched", w, name);
                else if (hr->h.outcomes[i].failure)
                        log_info("%-*s  %s", w, name, hr->h.outcomes[i].failure);
                else if (p->already)
                        log_info("%-*s  already on the new version (finished before)", w, name);
                else if (p->done)
                        log_info("%-*s  %zu instance%s reloaded in %.2fs", w, name, p->new_, p->new_ == 1 ? "" : "s",
                                 p->seconds);
                else if (p->rolled_back)
                        log_info("%-*s  failed, rolled back: every instance on the previous version", w, name);
                else if (p->summarized && p->spare_failed)
                        log_info("%-*s  the new version failed on a spare: all %zu still on the old one", w, name,
                                 p->old);
                else if (p->summarized)
                        log_info("%-*s  %zu on the new version, %zu still on the old one, %zu failed", w, name, p->new_,
                                 p->old, p->failed);
                else
                        log_info("%-*s  stopped before it finished (exit status %d)", w, name, host_exit_code(&hr->h, i));
        }
        (void) app;
}

int hosts_reload(int argc, char **argv) {
        _cleanup_strv_free_ char **args = NULL;
        _cleanup_free_ char *text = NULL, *config_app = NULL, *id_path = NULL;
        _cleanup_free_ HostReload *per_host = NULL;
        HostsReload hr = {};
        const char *app = argv[1];
        unsigned batch_count = 1, batch_percent = 0;
        char id[33] = "", batch[16];
        bool resumed = false;
        uint64_t begin = now_usec();
        int r;
        (void) argc;

        if (check_app_name(app) < 0)
                return EXIT_USAGE;
        /* A canary pauses one machine's rollout; across hosts it would pause a different state
         * on each. */
        if (arg_canary_count || arg_canary_percent || arg_override_pause) {
                log_error("--canary and --override-pause work on one machine; across hosts, --host-batch 1 "
                          "reloads one host first and stops at its failure");
                return EXIT_USAGE;
        }
        if (arg_host_batch && batch_spec_parse(arg_host_batch, &batch_count, &batch_percent) < 0) {
                log_error("--host-batch: '%s' is not a count or a percentage (\"2\", \"25%%\")", arg_host_batch);
                return EXIT_USAGE;
        }
        if (arg_config) {
                if ((r = read_config_for_hosts(arg_config, &text, &config_app)))
                        return r;
                if (!streq(config_app, app)) {
                        log_error("%s defines '%s', not '%s'", arg_config, config_app, app);
                        return EXIT_USAGE;
                }
        }
        if (!(per_host = calloc(arg_hosts.n, sizeof(HostReload))))
                return EXIT_FAILURE_;
        hr.per_host = per_host;
        if (!arg_dry_run && (r = check_hosts(&hr, app)))
                return r;

        if (!arg_dry_run) {
                if ((r = rollout_id_path(app, text, &id_path)) < 0 || (r = rollout_id_get(id_path, id, &resumed)) < 0) {
                        log_error("%s: cannot record the rollout across hosts: %s", app, strerror(-r));
                        return EXIT_FAILURE_;
                }
                if (resumed && !arg_quiet)
                        log_info("%s: resuming an unfinished rollout across %zu hosts: hosts and instances already on "
                                 "the new version are not restarted", app, arg_hosts.n);
        }
        snprintf(batch, sizeof(batch), arg_batch_percent ? "%u%%" : "%u", arg_batch_percent ? arg_batch_percent : arg_batch_count);
        char *base[] = { "reload", (char *) app, "--json", "--wait", NULL };
        for (size_t i = 0; base[i]; i++)
                if (strv_extend(&args, base[i]) < 0)
                        return EXIT_FAILURE_;
        if ((id[0] && (strv_extend(&args, "--rollout-id") < 0 || strv_extend(&args, id) < 0)) ||
            ((arg_batch_count || arg_batch_percent) &&
             (strv_extend(&args, "--batch") < 0 || strv_extend(&args, batch) < 0)) ||
            (arg_on_failure >= 0 && (strv_extend(&args, "--on-failure") < 0 ||
                                     strv_extend(&args, on_failure_to_string(arg_on_failure)) < 0)) ||
            (arg_force && strv_extend(&args, "--force") < 0) || (arg_dry_run && strv_extend(&args, "--dry-run") < 0) ||
            (text && strv_extend(&args, "--config-stdin") < 0))
                return EXIT_FAILURE_;
        if ((r = hosts_run_new(args, text, &hr.h)))
                return r;

        /* Hosts batch by batch; within a batch, at the same time. */
        size_t per_batch = batch_percent ? (arg_hosts.n * batch_percent + 99) / 100 : batch_count;
        if (per_batch == 0)
                per_batch = 1;
        FanoutOps ops = { .on_object = on_reload_object, .on_text = on_text, .on_exit = on_reload_exit };
        bool failed = false, interrupted = false;
        for (size_t first = 0; first < hr.h.n && !failed && !interrupted; first += per_batch) {
                size_t n = first + per_batch > hr.h.n ? hr.h.n - first : per_batch;
                r = fanout_run(hr.h.runs + first, n, n, &ops, &hr);
                if (r == -EINTR)
                        interrupted = true;
                else if (r < 0) {
                        log_error("cannot run ssh: %s", strerror(-r));
                        failed = true;
                }
                for (size_t i = first; i < first + n; i++)
                        if (host_run_reached(&hr.h.runs[i]) && host_exit_code(&hr.h, i) != EXIT_OK)
                                failed = true;
        }
        if (arg_dry_run)
                return failed ? EXIT_FAILURE_ : EXIT_OK;

        print_summary(&hr, app);
        char took[32];
        format_duration(now_usec() - begin, took, sizeof(took));
        if (interrupted) {
                log_error("%s: interrupted; every host keeps running (old or new version); run the same command again "
                          "to finish without restarting what is already new", app);
                hosts_run_done(&hr.h);
                return EXIT_FAILURE_;
        }
        if (failed) {
                size_t done = 0;
                for (size_t i = 0; i < hr.h.n; i++)
                        done += hr.per_host[i].done;
                log_error("%s: rollout stopped: %zu of %zu hosts on the new version; hosts not reached keep the old one",
                          app, done, hr.h.n);
                hosts_run_done(&hr.h);
                return EXIT_FAILURE_;
        }
        (void) unlink(id_path);
        if (!arg_quiet)
                log_info("%s: reloaded on %zu host%s in %s", app, hr.h.n, hr.h.n == 1 ? "" : "s", took);
        hosts_run_done(&hr.h);
        return EXIT_OK;
}
