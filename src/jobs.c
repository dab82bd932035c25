/* Enqueue manager jobs and wait for their JobRemoved signals against one deadline. */
#include "jobs.h"

#include "bus.h"
#include "util.h"

/* JobRemoved signals for units whose call is still unanswered are kept (the reply naming the
 * job may be queued behind them); this many at most, the oldest dropped first. */
#define EARLY_REMOVALS_MAX 64

typedef struct EarlyRemoval {
        char *path;
        char *result;
} EarlyRemoval;

typedef struct OwnedJob {
        Job job; /* first: what job_waiter_get() hands out */
        JobWaiter *waiter;
        sd_bus_slot *call; /* the unanswered method call: unref'd, it is cancelled */
} OwnedJob;

struct JobWaiter {
        sd_bus *bus;
        sd_bus_slot *job_removed;
        sd_bus_slot *disconnected;
        OwnedJob **jobs;
        size_t n_jobs;
        EarlyRemoval early[EARLY_REMOVALS_MAX]; /* a ring */
        size_t n_early, next_early;
        bool lost; /* the connection to the manager went away */
        JobFinishedFn on_finished;
        void *userdata;
};

static void early_removal_done(EarlyRemoval *e) {
        free(e->path);
        free(e->result);
        *e = (EarlyRemoval) {};
}

static void job_ended(JobWaiter *w, Job *job) {
        job->finished_usec = now_usec();
        if (w->on_finished)
                w->on_finished(job, w->userdata);
}

static void job_finish(JobWaiter *w, Job *job, const char *result) {
        job->state = JOB_FINISHED;
        free(job->result);
        job->result = strdup(result);
        job_ended(w, job);
}

static void job_call_failed(JobWaiter *w, Job *job, int r, char *error) {
        job->state = JOB_CALL_FAILED;
        job->call_errno = r < 0 ? r : -EBADMSG;
        free(job->error);
        job->error = error;
        job_ended(w, job);
}

static bool calling_for_unit(const JobWaiter *w, const char *unit) {
        for (size_t i = 0; i < w->n_jobs; i++)
                if (w->jobs[i]->job.state == JOB_CALLING && streq(w->jobs[i]->job.unit, unit))
                        return true;
        return false;
}

/* The ring overwrites its oldest slot; one a reply emptied waits until the ring comes round to it,
 * so fewer may be kept after some were taken, never a wrong one. */
static void remember_early_removal(JobWaiter *w, const char *path, const char *result) {
        EarlyRemoval *e = &w->early[w->next_early];
        char *p = strdup(path), *r = strdup(result);

        if (!p || !r) {
                free(p);
                free(r);
                return;
        }
        early_removal_done(e);
        *e = (EarlyRemoval) { .path = p, .result = r };
        w->next_early = (w->next_early + 1) % EARLY_REMOVALS_MAX;
        if (w->n_early < EARLY_REMOVALS_MAX)
                w->n_early++;
}

static int on_job_removed(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        JobWaiter *w = userdata;
        const char *path, *unit, *result;
        uint32_t id;
        (void) ret_error;

        if (sd_bus_message_read(m, "uoss", &id, &path, &unit, &result) < 0)
                return 0;
        for (size_t i = 0; i < w->n_jobs; i++) {
                Job *job = &w->jobs[i]->job;
                if (job->state == JOB_RUNNING && streq_ptr(job->path, path)) {
                        job_finish(w, job, result);
                        return 0;
                }
        }
        /* Not ours yet: the reply carrying this path may still be queued. Other clients' jobs
         * on other units never are, so only those of units we wait on are kept. */
        if (calling_for_unit(w, unit))
                remember_early_removal(w, path, result);
        return 0;
}

static int on_disconnected(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        JobWaiter *w = userdata;
        (void) m;
        (void) ret_error;

        w->lost = true;
        return 0;
}

static int on_call_reply(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        OwnedJob *owned = userdata;
        JobWaiter *w = owned->waiter;
        Job *job = &owned->job;
        const char *path;
        (void) ret_error;

        owned->call = sd_bus_slot_unref(owned->call); /* sd-bus holds it for this callback */
        if (sd_bus_message_is_method_error(m, NULL)) {
                int r = -sd_bus_message_get_errno(m);
                job_call_failed(w, job, r, bus_error_message(sd_bus_message_get_error(m), r));
                return 0;
        }
        if (sd_bus_message_read(m, "o", &path) < 0) {
                job_call_failed(w, job, -EBADMSG, strdup("unexpected reply from the manager"));
                return 0;
        }
        job->path = strdup(path);
        if (!job->path) {
                job_call_failed(w, job, -ENOMEM, NULL);
                return 0;
        }
        job->state = JOB_RUNNING;
        /* streq_ptr: a removal another reply took left its slot without a path. */
        for (size_t i = 0; i < w->n_early; i++)
                if (streq_ptr(w->early[i].path, path)) {
                        job_finish(w, job, w->early[i].result);
                        early_removal_done(&w->early[i]); /* a job path is never reused */
                        break;
                }
        return 0;
}

int job_waiter_new(sd_bus *bus, JobWaiter **ret) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(job_waiter_freep) JobWaiter *w = NULL;
        int r;

        w = calloc(1, sizeof(*w));
        if (!w)
                return -ENOMEM;
        w->bus = sd_bus_ref(bus);
        /* Match before Subscribe and before any job exists: no JobRemoved can slip past. */
        r = sd_bus_match_signal(bus, &w->job_removed, SD_DEST, SD_PATH, SD_MANAGER, "JobRemoved", on_job_removed, w);
        if (r < 0)
                return r;
        /* sd-bus tells its own matches when the connection is gone: the jobs' signals will not
         * come, so the wait ends there rather than at its deadline. */
        r = sd_bus_match_signal(bus, &w->disconnected, "org.freedesktop.DBus.Local", NULL, "org.freedesktop.DBus.Local",
                                "Disconnected", on_disconnected, w);
        if (r < 0)
                return r;
        r = sd_bus_call_method(bus, SD_DEST, SD_PATH, SD_MANAGER, "Subscribe", &error, NULL, "");
        /* Already subscribed on this connection is fine. */
        if (r < 0 && !sd_bus_error_has_name(&error, "org.freedesktop.systemd1.AlreadySubscribed"))
                return r;
        *ret = TAKE_PTR(w);
        return 0;
}

static OwnedJob *owned_job_free(OwnedJob *j) {
        if (!j)
                return NULL;
        sd_bus_slot_unref(j->call);
        free(j->job.unit);
        free(j->job.method);
        free(j->job.path);
        free(j->job.result);
        free(j->job.error);
        free(j);
        return NULL;
}

void job_waiter_reset(JobWaiter *w) {
        for (size_t i = 0; i < w->n_jobs; i++)
                owned_job_free(w->jobs[i]);
        free(w->jobs);
        w->jobs = NULL;
        w->n_jobs = 0;
        for (size_t i = 0; i < EARLY_REMOVALS_MAX; i++)
                early_removal_done(&w->early[i]);
        w->n_early = w->next_early = 0;
}

JobWaiter *job_waiter_free(JobWaiter *w) {
        if (!w)
                return NULL;
        job_waiter_reset(w);
        sd_bus_slot_unref(w->job_removed);
        sd_bus_slot_unref(w->disconnected);
        sd_bus_unref(w->bus);
        free(w);
        return NULL;
}

int job_waiter_enqueue(JobWaiter *w, const char *method, const char *unit, const char *mode) {
        OwnedJob **jobs, *j;
        int r;

        jobs = realloc(w->jobs, sizeof(OwnedJob *) * (w->n_jobs + 1));
        if (!jobs)
                return -ENOMEM;
        w->jobs = jobs;
        j = calloc(1, sizeof(*j));
        if (!j)
                return -ENOMEM;
        *j = (OwnedJob) {
                .job = { .unit = strdup(unit), .method = strdup(method), .state = JOB_CALLING },
                .waiter = w,
        };
        if (!j->job.unit || !j->job.method) {
                owned_job_free(j);
                return -ENOMEM;
        }
        r = sd_bus_call_method_async(w->bus, &j->call, SD_DEST, SD_PATH, SD_MANAGER, method, on_call_reply, j, "ss",
                                     unit, mode);
        if (r < 0) {
                owned_job_free(j);
                return r;
        }
        jobs[w->n_jobs++] = j;
        return 0;
}

static bool jobs_pending(const JobWaiter *w) {
        for (size_t i = 0; i < w->n_jobs; i++)
                if (w->jobs[i]->job.state == JOB_CALLING || w->jobs[i]->job.state == JOB_RUNNING)
                        return true;
        return false;
}

static bool wait_over(void *userdata) {
        const JobWaiter *w = userdata;
        return w->lost || !jobs_pending(w);
}

int job_waiter_wait(JobWaiter *w, uint64_t deadline_usec, JobFinishedFn on_finished, void *userdata) {
        int r;

        w->on_finished = on_finished;
        w->userdata = userdata;
        r = bus_run_until(w->bus, deadline_usec, wait_over, w);
        w->on_finished = NULL;
        w->userdata = NULL;
        if (r >= 0 && jobs_pending(w))
                return -ECONNRESET; /* what ended the wait early: the connection is gone */
        return r;
}

size_t job_waiter_count(const JobWaiter *w) {
        return w->n_jobs;
}

const Job *job_waiter_get(const JobWaiter *w, size_t i) {
        return i < w->n_jobs ? &w->jobs[i]->job : NULL;
}

bool job_waiter_all_done(const JobWaiter *w) {
        for (size_t i = 0; i < w->n_jobs; i++)
                if (job_errno(&w->jobs[i]->job) != 0)
                        return false;
        return true;
}

int job_errno(const Job *job) {
        static const struct {
                const char *result;
                int error;
        } table[] = {
                { "done", 0 },          { "skipped", 0 },          { "canceled", -ECANCELED },
                { "collected", -ECANCELED }, { "timeout", -ETIME }, { "dependency", -EIO },
                { "invalid", -ENOEXEC }, { "assert", -EPROTO },     { "unsupported", -EOPNOTSUPP },
                { "once", -ESTALE },
        };

        switch (job->state) {
        case JOB_CALLING:
        case JOB_RUNNING:
                return -EINPROGRESS;
        case JOB_CALL_FAILED:
                return job->call_errno < 0 ? job->call_errno : -EBADMSG;
        case JOB_FINISHED:
                break;
        }
        for (size_t i = 0; i < ELEMENTSOF(table); i++)
                if (streq_ptr(job->result, table[i].result))
                        return table[i].error;
        return -EREMOTEIO; /* "failed", or a result newer than this code: the unit itself failed */
}
