/* loadgen: a load client for zero-downtime tests. Every request opens a new connection, so a
 * restart that refuses, resets or stalls even one connection shows up as a counted failure.
 *
 *   loadgen --host 127.0.0.1 --port P [--unix PATH] [--concurrency C] [--duration SECS]
 *           [--stop-file F] [--max-requests N] [--timeout SECS] [--path /P] [--json]
 *           [--timeline FILE]
 *
 * Stops after --duration (default 30 s), when the stop file appears, after --max-requests, or on
 * SIGINT/SIGTERM; requests in flight then finish (each has its own --timeout, default 5 s).
 * Latency percentiles cover successful requests. The timeline has one line per request,
 * "t_ms latency_ms ok", t_ms being when the request started, sorted by t_ms.
 * Only loopback targets are accepted. Exit codes: 0 no failures, 1 failures, 2 usage. */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE  /* strcasestr, strerrorname_np; the top level may define it too */
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "numbers.h"

#define CONCURRENCY_MAX 1024
#define DURATION_MAX_S 3600.0
#define RESPONSE_MAX (64 * 1024)
/* Enough for hours at test rates; beyond it counts stay exact and only percentiles thin out. */
#define SAMPLES_MAX (8 * 1024 * 1024)
#define KEY_MAX 64

static const char *arg_host = "127.0.0.1";
static long arg_port = -1;
static const char *arg_unix;
static long arg_concurrency = 1;
static double arg_duration = 30.0;
static const char *arg_stop_file;
static long long arg_max_requests = -1;
static double arg_timeout = 5.0;
static const char *arg_path = "/";
static bool arg_json;
static const char *arg_timeline;

static struct sockaddr_storage target;
static socklen_t target_len;
static char request[512];
static size_t request_len;

static atomic_bool stop_requested;
static atomic_llong requests_claimed;
static atomic_int workers_done;
static atomic_long samples_stored;
static int64_t start_us;

typedef struct Sample {
        uint32_t start_us;    /* since loadgen start */
        uint32_t latency_us;
        bool ok;
} Sample;

/* A small string -> count map; the key sets (reasons, instances, pids) stay tiny. */
typedef struct Count {
        char key[KEY_MAX];
        uint64_t n;
} Count;

typedef struct Tally {
        Count *items;
        size_t n, cap;
} Tally;

typedef struct Worker {
        pthread_t thread;
        uint64_t ok, failed, samples_dropped;
        Sample *samples;
        size_t n_samples, cap_samples;
        Tally failures, instances, pids;
        char response[RESPONSE_MAX + 1];
} Worker;

static int64_t now_us(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int tally_add(Tally *t, const char *key, size_t key_len, uint64_t n) {
        if (key_len >= KEY_MAX)
                key_len = KEY_MAX - 1;
        for (size_t i = 0; i < t->n; i++)
                if (strncmp(t->items[i].key, key, key_len) == 0 && t->items[i].key[key_len] == '\0') {
                        t->items[i].n += n;
                        return 0;
                }
        if (t->n == t->cap) {
                size_t cap = t->cap ? t->cap * 2 : 8;
                Count *items = realloc(t->items, cap * sizeof(Count));
                if (!items)
                        return -ENOMEM;
                t->items = items;
                t->cap = cap;
        }
        Count *c = &t->items[t->n++];
        memcpy(c->key, key, key_len);
        c->key[key_len] = '\0';
        c->n = n;
        return 0;
}

static int tally_merge(Tally *into, const Tally *from) {
        for (size_t i = 0; i < from->n; i++) {
                int r = tally_add(into, from->items[i].key, strlen(from->items[i].key), from->items[i].n);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* Numeric keys (instance indexes) in numeric order, others after them alphabetically. */
static int count_compare(const void *a, const void *b) {
        const char *x = ((const Count *) a)->key, *y = ((const Count *) b)->key;
        char *ex, *ey;
        long nx = strtol(x, &ex, 10), ny = strtol(y, &ey, 10);
        bool numx = *x && !*ex, numy = *y && !*ey;
        if (numx && numy)
                return (nx > ny) - (nx < ny);
        if (numx != numy)
                return numx ? -1 : 1;
        return strcmp(x, y);
}

static const char *errno_reason(const char *phase, int err, char *buf, size_t size) {
        switch (err) {
        case ECONNREFUSED:
                return "refused";
        case ECONNRESET:
        case EPIPE:
                return "reset";
        case ENOENT:
                return "no_socket";
        }
        const char *name = strerrorname_np(err);
        snprintf(buf, size, "%s_%s", phase, name ? name : "unknown");
        return buf;
}

/* Copies the value after "name=" up to a space or line end. */
static bool find_field(const char *body, const char *name, const char **ret_value, size_t *ret_len) {
        const char *p = strstr(body, name);
        if (!p)
                return false;
        p += strlen(name);
        *ret_value = p;
        *ret_len = strcspn(p, " \r\n");
        return true;
}

/* Returns NULL when the request got a complete 200 answer, else why it failed. */
static const char *run_request(Worker *w, char *reason_buf, size_t reason_size) {
        int64_t deadline = now_us() + (int64_t) (arg_timeout * 1e6);
        const char *reason = NULL;
        int fd = socket(target.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return errno_reason("socket", errno, reason_buf, reason_size);

        /* A blocking connect bounded by SO_SNDTIMEO: a full unix-socket backlog then waits,
         * as a client should, instead of failing at once with EAGAIN. */
        struct timeval tv = { .tv_sec = (time_t) arg_timeout,
                              .tv_usec = (suseconds_t) ((arg_timeout - floor(arg_timeout)) * 1e6) };
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
        if (connect(fd, (struct sockaddr *) &target, target_len) < 0) {
                reason = errno == EINPROGRESS || errno == EAGAIN || errno == ETIMEDOUT ? "connect_timeout" :
                         errno_reason("connect", errno, reason_buf, reason_size);
                goto out;
        }

        for (size_t sent = 0; sent < request_len;) {
                ssize_t n = send(fd, request + sent, request_len - sent, MSG_NOSIGNAL);
                if (n < 0) {
                        reason = errno == EAGAIN ? "send_timeout" : errno_reason("send", errno, reason_buf, reason_size);
                        goto out;
                }
                sent += (size_t) n;
        }

        size_t len = 0;
        for (;;) {
                int64_t left = deadline - now_us();
                if (left <= 0) {
                        reason = "read_timeout";
                        goto out;
                }
                struct pollfd p = { .fd = fd, .events = POLLIN };
                int r = poll(&p, 1, (int) ((left + 999) / 1000));
                if (r < 0 && errno == EINTR)
                        continue;
                if (r == 0)
                        continue;  /* the deadline check above decides */
                if (len == RESPONSE_MAX) {
                        reason = "too_large";
                        goto out;
                }
                ssize_t n = recv(fd, w->response + len, RESPONSE_MAX - len, MSG_DONTWAIT);
                if (n < 0 && (errno == EAGAIN || errno == EINTR))
                        continue;
                if (n < 0) {
                        reason = errno_reason("read", errno, reason_buf, reason_size);
                        goto out;
                }
                if (n == 0)
                        break;
                len += (size_t) n;
        }
        w->response[len] = '\0';

        int status;
        if (sscanf(w->response, "HTTP/1.%*d %d", &status) != 1) {
                reason = len == 0 ? "short_read" : "bad_response";
                goto out;
        }
        char *body = strstr(w->response, "\r\n\r\n");
        if (!body) {
                reason = "short_read";
                goto out;
        }
        body += 4;
        const char *cl = strcasestr(w->response, "\r\ncontent-length:");
        if (cl && cl < body && strtoul(cl + 17, NULL, 10) > (size_t) (w->response + len - body)) {
                reason = "short_read";
                goto out;
        }
        if (status != 200) {
                snprintf(reason_buf, reason_size, "http_%d", status);
                reason = reason_buf;
                goto out;
        }

        const char *v;
        size_t vlen;
        if (find_field(body, "instance=", &v, &vlen))
                tally_add(&w->instances, v, vlen, 1);
        if (find_field(body, "pid=", &v, &vlen))
                tally_add(&w->pids, v, vlen, 1);
out:
        close(fd);
        return reason;
}

static void record_sample(Worker *w, int64_t t0, int64_t t1, bool ok) {
        if (atomic_fetch_add(&samples_stored, 1) >= SAMPLES_MAX) {
                w->samples_dropped++;
                return;
        }
        if (w->n_samples == w->cap_samples) {
                size_t cap = w->cap_samples ? w->cap_samples * 2 : 4096;
                Sample *s = realloc(w->samples, cap * sizeof(Sample));
                if (!s) {
                        w->samples_dropped++;
                        return;
                }
                w->samples = s;
                w->cap_samples = cap;
        }
        w->samples[w->n_samples++] = (Sample) {
                .start_us = (uint32_t) (t0 - start_us),
                .latency_us = (uint32_t) (t1 - t0),
                .ok = ok,
        };
}

static void *worker_run(void *userdata) {
        Worker *w = userdata;
        char reason_buf[KEY_MAX];

        while (!atomic_load(&stop_requested)) {
                if (arg_max_requests >= 0 && atomic_fetch_add(&requests_claimed, 1) >= arg_max_requests)
                        break;
                int64_t t0 = now_us();
                const char *reason = run_request(w, reason_buf, sizeof(reason_buf));
                record_sample(w, t0, now_us(), !reason);
                if (reason) {
                        w->failed++;
                        tally_add(&w->failures, reason, strlen(reason), 1);
                } else
                        w->ok++;
        }
        atomic_fetch_add(&workers_done, 1);
        return NULL;
}

static void usage(FILE *f) {
        fprintf(f,
                "usage: loadgen --host 127.0.0.1 --port P [--unix PATH] [--concurrency C]\n"
                "               [--duration SECS] [--stop-file F] [--max-requests N] [--timeout SECS]\n"
                "               [--path /P] [--json] [--timeline FILE]\n");
}

/* Only loopback: this tool must never be pointed at someone else's server. */
static int resolve_target(void) {
        if (arg_unix) {
                struct sockaddr_un *sun = (struct sockaddr_un *) &target;
                if (strlen(arg_unix) >= sizeof(sun->sun_path)) {
                        fprintf(stderr, "loadgen: unix socket path too long: %s\n", arg_unix);
                        return -EINVAL;
                }
                sun->sun_family = AF_UNIX;
                strcpy(sun->sun_path, arg_unix);
                target_len = sizeof(*sun);
                return 0;
        }
        if (arg_port < 0) {
                fprintf(stderr, "loadgen: --port or --unix is required\n");
                return -EINVAL;
        }
        const char *host = strcmp(arg_host, "localhost") == 0 ? "127.0.0.1" : arg_host;
        struct sockaddr_in *sin = (struct sockaddr_in *) &target;
        struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *) &target;
        if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
                if ((ntohl(sin->sin_addr.s_addr) >> 24) != 127)
                        goto not_loopback;
                sin->sin_family = AF_INET;
                sin->sin_port = htons((uint16_t) arg_port);
                target_len = sizeof(*sin);
                return 0;
        }
        if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
                if (!IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr))
                        goto not_loopback;
                sin6->sin6_family = AF_INET6;
                sin6->sin6_port = htons((uint16_t) arg_port);
                target_len = sizeof(*sin6);
                return 0;
        }
not_loopback:
        fprintf(stderr, "loadgen: --host must be a loopback address (127.0.0.0/8, ::1 or localhost), not '%s'\n", arg_host);
        return -EINVAL;
}

static int parse_argv(int argc, char **argv) {
        enum { ARG_HOST = 0x100, ARG_PORT, ARG_UNIX, ARG_CONCURRENCY, ARG_DURATION, ARG_STOP_FILE,
               ARG_MAX_REQUESTS, ARG_TIMEOUT, ARG_PATH, ARG_JSON, ARG_TIMELINE, ARG_HELP };
        static const struct option options[] = {
                { "host",         required_argument, NULL, ARG_HOST },
                { "port",         required_argument, NULL, ARG_PORT },
                { "unix",         required_argument, NULL, ARG_UNIX },
                { "concurrency",  required_argument, NULL, ARG_CONCURRENCY },
                { "duration",     required_argument, NULL, ARG_DURATION },
                { "stop-file",    required_argument, NULL, ARG_STOP_FILE },
                { "max-requests", required_argument, NULL, ARG_MAX_REQUESTS },
                { "timeout",      required_argument, NULL, ARG_TIMEOUT },
                { "path",         required_argument, NULL, ARG_PATH },
                { "json",         no_argument,       NULL, ARG_JSON },
                { "timeline",     required_argument, NULL, ARG_TIMELINE },
                { "help",         no_argument,       NULL, ARG_HELP },
                {}
        };

        long long v;
        int c, idx = 0;
        while ((c = getopt_long(argc, argv, "", options, &idx)) >= 0) {
                int r = 0;
                switch (c) {
                case ARG_HOST:
                        arg_host = optarg;
                        break;
                case ARG_PORT:
                        r = parse_ll_in(optarg, 1, 65535, &v);
                        arg_port = (long) v;
                        break;
                case ARG_UNIX:
                        arg_unix = optarg;
                        break;
                case ARG_CONCURRENCY:
                        r = parse_ll_in(optarg, 1, CONCURRENCY_MAX, &v);
                        arg_concurrency = (long) v;
                        break;
                case ARG_DURATION:
                        r = parse_double_in(optarg, 0.001, DURATION_MAX_S, &arg_duration);
                        break;
                case ARG_STOP_FILE:
                        arg_stop_file = optarg;
                        break;
                case ARG_MAX_REQUESTS:
                        r = parse_ll_in(optarg, 0, 1000000000LL, &arg_max_requests);
                        break;
                case ARG_TIMEOUT:
                        r = parse_double_in(optarg, 0.001, 600, &arg_timeout);
                        break;
                case ARG_PATH:
                        arg_path = optarg;
                        if (arg_path[0] != '/' || strpbrk(arg_path, " \r\n") || strlen(arg_path) > 256)
                                r = -EINVAL;
                        break;
                case ARG_JSON:
                        arg_json = true;
                        break;
                case ARG_TIMELINE:
                        arg_timeline = optarg;
                        break;
                case ARG_HELP:
                        usage(stdout);
                        exit(0);
                default:
                        usage(stderr);
                        return -EINVAL;
                }
                if (r < 0) {
                        fprintf(stderr, "loadgen: invalid value for --%s: '%s'\n", options[idx].name, optarg);
                        return r;
                }
        }
        if (optind < argc) {
                fprintf(stderr, "loadgen: unexpected argument '%s'\n", argv[optind]);
                return -EINVAL;
        }
        request_len = (size_t) snprintf(request, sizeof(request),
                                        "GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", arg_path);
        return resolve_target();
}

/* The main thread only watches the clock, the stop file and the signals. */
static void wait_for_stop(void) {
        int64_t deadline = start_us + (int64_t) (arg_duration * 1e6);
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGINT);
        sigaddset(&set, SIGTERM);
        const struct timespec tick = { .tv_nsec = 20 * 1000 * 1000 };

        while (now_us() < deadline && atomic_load(&workers_done) < arg_concurrency) {
                if (sigtimedwait(&set, NULL, &tick) > 0)
                        break;
                if (arg_stop_file && access(arg_stop_file, F_OK) == 0)
                        break;
        }
        atomic_store(&stop_requested, true);
}

static int compare_u32(const void *a, const void *b) {
        uint32_t x = *(const uint32_t *) a, y = *(const uint32_t *) b;
        return (x > y) - (x < y);
}

static int compare_sample_start(const void *a, const void *b) {
        return compare_u32(&((const Sample *) a)->start_us, &((const Sample *) b)->start_us);
}

static double percentile_ms(const uint32_t *sorted, size_t n, double q) {
        if (n == 0)
                return 0;
        size_t i = (size_t) ceil(q * (double) n);
        return sorted[i == 0 ? 0 : i - 1] / 1000.0;
}

static void json_string(FILE *f, const char *s) {
        fputc('"', f);
        for (; *s; s++) {
                unsigned char ch = (unsigned char) *s;
                if (ch == '"' || ch == '\\')
                        fprintf(f, "\\%c", ch);
                else if (ch < 0x20)
                        fprintf(f, "\\u%04x", ch);
                else
                        fputc(ch, f);
        }
        fputc('"', f);
}

static void json_tally(FILE *f, const Tally *t) {
        fputc('{', f);
        for (size_t i = 0; i < t->n; i++) {
                if (i > 0)
                        fputc(',', f);
                json_string(f, t->items[i].key);
                fprintf(f, ":%" PRIu64, t->items[i].n);
        }
        fputc('}', f);
}

static int write_timeline(const Sample *samples, size_t n) {
        FILE *f = fopen(arg_timeline, "we");
        if (!f)
                return -errno;
        for (size_t i = 0; i < n; i++)
                fprintf(f, "%.3f %.3f %d\n", samples[i].start_us / 1000.0, samples[i].latency_us / 1000.0,
                        samples[i].ok ? 1 : 0);
        int r = ferror(f) ? -EIO : 0;
        if (fclose(f) != 0 && r == 0)
                r = -errno;
        return r;
}

static int report(Worker *workers, double duration_s) {
        uint64_t ok = 0, failed = 0, dropped = 0;
        size_t n_samples = 0;
        Tally failures = {}, instances = {}, pids = {};
        for (long i = 0; i < arg_concurrency; i++) {
                ok += workers[i].ok;
                failed += workers[i].failed;
                dropped += workers[i].samples_dropped;
                n_samples += workers[i].n_samples;
                if (tally_merge(&failures, &workers[i].failures) < 0 ||
                    tally_merge(&instances, &workers[i].instances) < 0 ||
                    tally_merge(&pids, &workers[i].pids) < 0)
                        return -ENOMEM;
        }
        if (failures.n > 0)
                qsort(failures.items, failures.n, sizeof(Count), count_compare);
        if (instances.n > 0)
                qsort(instances.items, instances.n, sizeof(Count), count_compare);

        Sample *all = malloc((n_samples + 1) * sizeof(Sample));
        uint32_t *lat = malloc((n_samples + 1) * sizeof(uint32_t));
        if (!all || !lat)
                return -ENOMEM;
        size_t n_all = 0, n_lat = 0;
        for (long i = 0; i < arg_concurrency; i++)
                for (size_t k = 0; k < workers[i].n_samples; k++) {
                        all[n_all++] = workers[i].samples[k];
                        if (workers[i].samples[k].ok)
                                lat[n_lat++] = workers[i].samples[k].latency_us;
                }
        qsort(lat, n_lat, sizeof(uint32_t), compare_u32);

        if (arg_timeline) {
                qsort(all, n_all, sizeof(Sample), compare_sample_start);
                int r = write_timeline(all, n_all);
                if (r < 0)
                        fprintf(stderr, "loadgen: cannot write timeline %s: %s\n", arg_timeline, strerror(-r));
        }

        double rps = duration_s > 0 ? (double) (ok + failed) / duration_s : 0;
        double p50 = percentile_ms(lat, n_lat, 0.50), p90 = percentile_ms(lat, n_lat, 0.90);
        double p99 = percentile_ms(lat, n_lat, 0.99), max = n_lat ? lat[n_lat - 1] / 1000.0 : 0;

        if (arg_json) {
                printf("{\"ok\":%" PRIu64 ",\"failed\":%" PRIu64 ",\"failures\":", ok, failed);
                json_tally(stdout, &failures);
                printf(",\"rps\":%.1f,\"p50_ms\":%.3f,\"p90_ms\":%.3f,\"p99_ms\":%.3f,\"max_ms\":%.3f,\"instances\":",
                       rps, p50, p90, p99, max);
                json_tally(stdout, &instances);
                printf(",\"distinct_pids\":%zu,\"duration_s\":%.3f,\"samples_dropped\":%" PRIu64 "}\n",
                       pids.n, duration_s, dropped);
        } else {
                printf("requests:  ok %" PRIu64 ", failed %" PRIu64 "\n", ok, failed);
                if (failures.n > 0) {
                        printf("failures: ");
                        for (size_t i = 0; i < failures.n; i++)
                                printf(" %s=%" PRIu64, failures.items[i].key, failures.items[i].n);
                        printf("\n");
                }
                printf("rate:      %.1f req/s over %.3f s\n", rps, duration_s);
                printf("latency:   p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, max %.3f ms (successful requests)\n",
                       p50, p90, p99, max);
                printf("instances:");
                for (size_t i = 0; i < instances.n; i++)
                        printf(" %s=%" PRIu64, instances.items[i].key, instances.items[i].n);
                printf(" (%zu distinct pids)\n", pids.n);
                if (dropped > 0)
                        printf("note:      %" PRIu64 " samples not kept for percentiles/timeline\n", dropped);
        }
        free(all);
        free(lat);
        free(failures.items);
        free(instances.items);
        free(pids.items);
        return failed == 0 ? 0 : 1;
}

int main(int argc, char **argv) {
        if (parse_argv(argc, argv) < 0)
                return 2;

        /* Signals go to the main thread's sigtimedwait(), never interrupt a worker. */
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGINT);
        sigaddset(&set, SIGTERM);
        pthread_sigmask(SIG_BLOCK, &set, NULL);

        Worker *workers = calloc((size_t) arg_concurrency, sizeof(Worker));
        if (!workers) {
                fprintf(stderr, "loadgen: out of memory\n");
                return 1;
        }

        start_us = now_us();
        long started = 0;
        for (; started < arg_concurrency; started++) {
                int r = pthread_create(&workers[started].thread, NULL, worker_run, &workers[started]);
                if (r != 0) {
                        fprintf(stderr, "loadgen: cannot start worker %ld: %s\n", started, strerror(r));
                        atomic_store(&stop_requested, true);
                        break;
                }
        }
        if (started == arg_concurrency)
                wait_for_stop();
        for (long i = 0; i < started; i++)
                pthread_join(workers[i].thread, NULL);
        double duration_s = (now_us() - start_us) / 1e6;
        if (started < arg_concurrency)
                return 1;

        int r = report(workers, duration_s);
        if (r < 0) {
                fprintf(stderr, "loadgen: %s\n", strerror(-r));
                return 1;
        }
        for (long i = 0; i < arg_concurrency; i++) {
                free(workers[i].samples);
                free(workers[i].failures.items);
                free(workers[i].instances.items);
                free(workers[i].pids.items);
        }
        free(workers);
        return r;
}
