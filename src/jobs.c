/* Enqueue manager jobs and wait for their JobRemoved signals against one deadline. */
#include "jobs.h"

#include "bus.h"
#include "util.h"

/* A JobRemoved that arrived before we knew the job's path (kept so no signal is lost). */
typedef struct EarlyRemoval {
        char *path;
        char *result;
} EarlyRemoval;

struct JobWaiter {
        sd_bus *bus;
        sd_bus_slot *match;
        Job *jobs;
        size_t n_jobs;
        EarlyRemoval *early;
        size_t n_early;
        JobFinishedFn on_finished;
        void *userdata;
};

typedef struct CallContext {
        JobWaiter *waiter;
        size_t index;
} CallContext;

static void job_finish(JobWaiter *w, Job *job, const char *result) {
        job->state = JOB_FINISHED;
        job->finished_usec = now_usec();
        free(job->result);
        job->result = strdup(result);
        if (w->on_finished)
                w->on_finished(job, w->userdata);
}

static int on_job_removed(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        JobWaiter *w = userdata;
        const char *path, *unit, *result;
        uint32_t id;
        (void) ret_error;

        if (sd_bus_message_read(m, "uoss", &id, &path, &unit, &result) < 0)
                return 0;
        for (size_t i = 0; i < w->n_jobs; i++)
                if (w->jobs[i].state == JOB_RUNNING && streq_ptr(w->jobs[i].path, path)) {
                        job_finish(w, &w->jobs[i], result);
                        return 0;
                }
        /* Not ours yet: the reply carrying this path may still be queued. */
        EarlyRemoval *e = realloc(w->early, sizeof(EarlyRemoval) * (w->n_early + 1));
        if (!e)
                return 0;
        w->early = e;
        e[w->n_early].path = strdup(path);
        e[w->n_early].result = strdup(result);
        if (e[w->n_early].path && e[w->n_early].result)
                w->n_early++;
        return 0;
}

static int on_call_reply(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        CallContext *c = userdata;
        JobWaiter *w = c->waiter;
        Job *job = &w->jobs[c->index];
        const char *path;
        (void) ret_error;

        if (sd_bus_message_is_method_error(m, NULL)) {
                const sd_bus_error *e = sd_bus_message_get_error(m);
                job->state = JOB_CALL_FAILED;
                job->error = bus_error_message(e, -sd_bus_message_get_errno(m));
                job->finished_usec = now_usec();
                if (w->on_finished)
                        w->on_finished(job, w->userdata);
                return 0;
        }
        if (sd_bus_message_read(m, "o", &path) < 0) {
                job->state = JOB_CALL_FAILED;
                job->error = strdup("unexpected reply from the manager");
                return 0;
        }
        job->path = strdup(path);
        job->state = JOB_RUNNING;
        for (size_t i = 0; i < w->n_early; i++)
                if (streq(w->early[i].path, path)) {
                        job_finish(w, job, w->early[i].result);
                        break;
                }
        return 0;
}

int job_waiter_new(sd_bus *bus, JobWaiter **ret) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        JobWaiter *w;
        int r;

        w = calloc(1, sizeof(*w));
        if (!w)
                return -ENOMEM;
        w->bus = sd_bus_ref(bus);
        /* Match before Subscribe and before any job exists: no JobRemoved can slip past. */
        r = sd_bus_match_signal(bus, &w->match, SD_DEST, SD_PATH, SD_MANAGER, "JobRemoved", on_job_removed, w);
        if (r < 0)
                goto fail;
        r = sd_bus_call_method(bus, SD_DEST, SD_PATH, SD_MANAGER, "Subscribe", &error, NULL, "");
        /* Already subscribed on this connection is fine. */
        if (r < 0 && !sd_bus_error_has_name(&error, "org.freedesktop.systemd1.AlreadySubscribed"))
                goto fail;
        *ret = w;
        return 0;
fail:
        job_waiter_free(w);
        return r;
}

void job_waiter_reset(JobWaiter *w) {
        for (size_t i = 0; i < w->n_jobs; i++) {
                free(w->jobs[i].unit);
                free(w->jobs[i].method);
                free(w->jobs[i].path);
                free(w->jobs[i].result);
                free(w->jobs[i].error);
        }
        free(w->jobs);
        w->jobs = NULL;
        w->n_jobs = 0;
        for (size_t i = 0; i < w->n_early; i++) {
                free(w->early[i].path);
                free(w->early[i].result);
        }
        free(w->early);
        w->early = NULL;
        w->n_early = 0;
}

JobWaiter *job_waiter_free(JobWaiter *w) {
        if (!w)
                return NULL;
        job_waiter_reset(w);
        sd_bus_slot_unref(w->match);
        sd_bus_unref(w->bus);
        free(w);
        return NULL;
}

int job_waiter_enqueue(JobWaiter *w, const char *method, const char *unit, const char *mode) {
        Job *jobs = realloc(w->jobs, sizeof(Job) * (w->n_jobs + 1));
        CallContext *c;
        int r;

        if (!jobs)
                return -ENOMEM;
        w->jobs = jobs;
        jobs[w->n_jobs] = (Job) { .unit = strdup(unit), .method = strdup(method), .state = JOB_CALLING };
        if (!jobs[w->n_jobs].unit || !jobs[w->n_jobs].method)
                return -ENOMEM;
        c = malloc(sizeof(*c));
        if (!c)
                return -ENOMEM;
        *c = (CallContext) { .waiter = w, .index = w->n_jobs };
        w->n_jobs++;
        /* A floating slot frees the context with the call, whether it is answered or not. */
        sd_bus_slot *slot = NULL;
        r = sd_bus_call_method_async(w->bus, &slot, SD_DEST, SD_PATH, SD_MANAGER, method, on_call_reply, c, "ss",
                                     unit, mode);
        if (r < 0) {
                free(c);
                w->n_jobs--;
                free(jobs[w->n_jobs].unit);
                free(jobs[w->n_jobs].method);
                return r;
        }
        sd_bus_slot_set_destroy_callback(slot, free);
        sd_bus_slot_set_floating(slot, 1);
        sd_bus_slot_unref(slot);
        return 0;
}

static bool all_finished(void *userdata) {
        const JobWaiter *w = userdata;
        for (size_t i = 0; i < w->n_jobs; i++)
                if (w->jobs[i].state == JOB_CALLING || w->jobs[i].state == JOB_RUNNING)
                        return false;
        return true;
}

int job_waiter_wait(JobWaiter *w, uint64_t deadline_usec, JobFinishedFn on_finished, void *userdata) {
        int r;

        w->on_finished = on_finished;
        w->userdata = userdata;
        r = bus_run_until(w->bus, deadline_usec, all_finished, w);
        w->on_finished = NULL;
        w->userdata = NULL;
        return r;
}

size_t job_waiter_count(const JobWaiter *w) {
        return w->n_jobs;
}

const Job *job_waiter_get(const JobWaiter *w, size_t i) {
        return i < w->n_jobs ? &w->jobs[i] : NULL;
}

bool job_waiter_all_done(const JobWaiter *w) {
        for (size_t i = 0; i < w->n_jobs; i++)
                if (w->jobs[i].state != JOB_FINISHED || !streq_ptr(w->jobs[i].result, "done"))
                        return false;
        return true;
}
