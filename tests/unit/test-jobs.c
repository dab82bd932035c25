/* Tests of jobs.c: which JobRemoved signal finishes which job, whatever the order of the replies
 * and signals, and of cluster_run_jobs() giving up when an enqueue fails midway.
 *
 * The manager here is a fake: a forked process serving sd-bus on one end of a socketpair, a
 * direct connection with no bus daemon, as clusterctl's to the manager's private socket is. It
 * sends exactly the order a case needs — a JobRemoved before the reply naming its job, more early
 * removals than are kept, a connection gone mid-wait — which the real manager does only by chance.
 * This is jobs.c's ordering logic alone; the integration tests drive the real manager. */
#include "test.h"

#include <inttypes.h>
#include <stdarg.h>
#include <sys/socket.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-id128.h>

#include "bus.h"
#include "cluster.h"
#include "jobs.h"
#include "util.h"

#define JOB_PATH "/org/freedesktop/systemd1/job/"
/* jobs.c's EARLY_REMOVALS_MAX: how many JobRemoved signals it keeps for calls not answered yet. */
#define EARLY_REMOVALS 64

/* The fake's marker signal: once the client has dispatched it, it has dispatched everything the
 * fake sent before it. Waiting for it replaces any sleep. */
#define FAKE_INTERFACE "org.clusterctl.test.FakeManager"

/* Waits that should end early: generous, for a loaded machine. */
#define LONG_WAIT_USEC (10ULL * 1000000ULL)
/* A wait that is meant to run out: nothing more will come. */
#define SHORT_WAIT_USEC (200ULL * 1000ULL)
/* How long the fake waits for the client before it gives up on the case. */
#define FAKE_WAIT_USEC (60ULL * 1000000ULL)

static uint64_t after_usec(uint64_t usec) {
        return now_usec() + usec;
}

/* ---- The fake manager, in the child process ---------------------------------------------- */

typedef struct Manager {
        sd_bus *bus;
        sd_bus_message *calls[16]; /* Manager method calls not answered by the filter, in order */
        size_t n_calls;
        bool hung_up;
} Manager;

typedef void (*ManagerScript)(Manager *m, const void *arg);

static _Noreturn _printf_(1, 2) void manager_fail(const char *fmt, ...) {
        va_list ap;

        printf("fake manager: ");
        va_start(ap, fmt);
        vprintf(fmt, ap);
        va_end(ap);
        putchar('\n');
        fflush(stdout);
        _exit(EXIT_FAILURE);
}

/* Subscribe and ResetFailedUnit are answered here; other Manager calls wait for the script.
 * Anything else (Properties.Get of a unit) falls through to sd-bus, which answers that there is
 * no such object: the unit's timeouts are unknown. */
static int manager_filter(sd_bus_message *call, void *userdata, sd_bus_error *ret_error) {
        Manager *m = userdata;
        (void) ret_error;

        if (!sd_bus_message_is_method_call(call, SD_MANAGER, NULL))
                return 0;
        if (sd_bus_message_is_method_call(call, SD_MANAGER, "Subscribe") ||
            sd_bus_message_is_method_call(call, SD_MANAGER, "ResetFailedUnit")) {
                if (sd_bus_reply_method_return(call, NULL) < 0)
                        manager_fail("cannot answer %s", sd_bus_message_get_member(call));
                return 1;
        }
        if (m->n_calls >= ELEMENTSOF(m->calls))
                manager_fail("too many calls");
        m->calls[m->n_calls++] = sd_bus_message_ref(call);
        return 1;
}

/* The next Manager call, which must be member(unit, …). The caller answers it. */
static sd_bus_message *manager_next_call(Manager *m, const char *member, const char *unit) {
        uint64_t deadline = after_usec(FAKE_WAIT_USEC);
        sd_bus_message *call;
        const char *got = NULL;
        int r;

        while (m->n_calls == 0) {
                r = sd_bus_process(m->bus, NULL);
                if (r < 0)
                        manager_fail("the connection ended before %s(%s): %s", member, unit, strerror(-r));
                if (r == 0 && bus_wait_until(m->bus, deadline) < 0)
                        manager_fail("no call of %s(%s)", member, unit);
        }
        call = m->calls[0];
        memmove(m->calls, m->calls + 1, sizeof(m->calls[0]) * --m->n_calls);
        if (!sd_bus_message_is_method_call(call, SD_MANAGER, member) || sd_bus_message_read(call, "s", &got) < 0 ||
            !streq(got, unit))
                manager_fail("expected %s(%s), got %s(%s)", member, unit, sd_bus_message_get_member(call), strna(got));
        return call;
}

static void manager_reply_job(sd_bus_message *call, uint32_t id) {
        char path[64];

        snprintf(path, sizeof(path), JOB_PATH "%" PRIu32, id);
        if (sd_bus_reply_method_return(call, "o", path) < 0)
                manager_fail("cannot reply with %s", path);
        sd_bus_message_unref(call);
}

static void manager_reply_error(sd_bus_message *call, const char *name, const char *message) {
        if (sd_bus_reply_method_error(call, &SD_BUS_ERROR_MAKE_CONST(name, message)) < 0)
                manager_fail("cannot reply with %s", name);
        sd_bus_message_unref(call);
}

static void manager_job_removed(Manager *m, uint32_t id, const char *unit, const char *result) {
        char path[64];

        snprintf(path, sizeof(path), JOB_PATH "%" PRIu32, id);
        if (sd_bus_emit_signal(m->bus, SD_PATH, SD_MANAGER, "JobRemoved", "uoss", id, path, unit, result) < 0)
                manager_fail("cannot send JobRemoved for %s", path);
}

static void manager_sync(Manager *m) {
        if (sd_bus_emit_signal(m->bus, SD_PATH, FAKE_INTERFACE, "Synced", NULL) < 0)
                manager_fail("cannot send the marker");
}

/* Closes the connection once everything sent so far is out. */
static void manager_hang_up(Manager *m) {
        if (sd_bus_flush(m->bus) < 0)
                manager_fail("cannot flush");
        sd_bus_close(m->bus);
        m->hung_up = true;
}

/* Answers what the filter answers until the client closes; a Manager call the script did not
 * expect fails the case. */
static void manager_serve_until_closed(Manager *m) {
        uint64_t deadline = after_usec(FAKE_WAIT_USEC);
        int r;

        for (;;) {
                r = sd_bus_process(m->bus, NULL);
                if (m->n_calls > 0)
                        manager_fail("unexpected call of %s", sd_bus_message_get_member(m->calls[0]));
                if (r < 0) {
                        if (sd_bus_is_open(m->bus) > 0)
                                manager_fail("cannot process the bus: %s", strerror(-r));
                        return; /* the client closed its end */
                }
                if (r == 0 && bus_wait_until(m->bus, deadline) < 0)
                        manager_fail("the client did not close the connection");
        }
}

/* As the manager serves its private socket: there is no bus daemon to name the sender, so it
 * names itself, and jobs.c's match on the sender org.freedesktop.systemd1 holds. */
static _Noreturn void manager_run(int fd, ManagerScript script, const void *arg) {
        const sd_id128_t id = SD_ID128_MAKE(6a, 0b, 5e, 3c, 1d, 44, 4e, 7f, 9a, 21, 0c, 8d, 77, e2, 13, 5f);
        Manager m = {};

        if (sd_bus_new(&m.bus) < 0 || sd_bus_set_fd(m.bus, fd, fd) < 0 || sd_bus_set_server(m.bus, 1, id) < 0 ||
            sd_bus_set_sender(m.bus, SD_DEST) < 0 || sd_bus_add_filter(m.bus, NULL, manager_filter, &m) < 0 ||
            sd_bus_start(m.bus) < 0)
                manager_fail("cannot serve on the socket");
        script(&m, arg);
        if (!m.hung_up)
                manager_serve_until_closed(&m);
        sd_bus_close_unref(m.bus);
        exit(EXIT_SUCCESS); /* exit(), not _exit(): the leak checkers look at the fake too */
}

/* ---- The client's side --------------------------------------------------------------------- */

typedef struct FakeManager {
        pid_t pid;
        sd_bus *bus; /* our end, as bus_connect() would return it */
        sd_bus_slot *marker;
        unsigned synced, want_synced;
} FakeManager;

static int on_marker(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        FakeManager *f = userdata;
        (void) m;
        (void) ret_error;

        f->synced++;
        return 0;
}

/* Forks the fake, which runs script(arg), and connects to it. */
static void fake_start(FakeManager *f, ManagerScript script, const void *arg) {
        int fds[2];

        ASSERT_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds));
        fflush(NULL);
        f->pid = fork();
        ASSERT_OK(f->pid);
        if (f->pid == 0) {
                close(fds[0]);
                manager_run(fds[1], script, arg);
        }
        close(fds[1]);
        ASSERT_OK(sd_bus_new(&f->bus));
        ASSERT_OK(sd_bus_set_fd(f->bus, fds[0], fds[0]));
        ASSERT_OK(sd_bus_start(f->bus));
        ASSERT_OK(sd_bus_match_signal(f->bus, &f->marker, NULL, SD_PATH, FAKE_INTERFACE, "Synced", on_marker, f));
}

/* Cleanup: closes our end and checks that the fake ran its script to the end. */
static void fake_stop(FakeManager *f) {
        int status;

        f->marker = sd_bus_slot_unref(f->marker);
        f->bus = sd_bus_flush_close_unref(f->bus);
        if (f->pid <= 0)
                return;
        ASSERT_EQ_INT(waitpid(f->pid, &status, 0), f->pid);
        f->pid = 0;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
                FAIL("the fake manager failed (wait status %d), see above", status);
}

static bool synced_enough(void *userdata) {
        const FakeManager *f = userdata;
        return f->synced >= f->want_synced;
}

/* Dispatches what the fake sent up to its next marker, and nothing after it: sd_bus_process()
 * dispatches one message at a time. */
static void fake_wait_sync(FakeManager *f) {
        f->want_synced = f->synced + 1;
        ASSERT_OK(bus_run_until(f->bus, after_usec(LONG_WAIT_USEC), synced_enough, f));
}

static void count_finished(const Job *job, void *userdata) {
        (void) job;
        (*(unsigned *) userdata)++;
}

static void expect_finished(const JobWaiter *w, size_t i, const char *unit, const char *path, const char *result,
                            int error) {
        const Job *job = job_waiter_get(w, i);

        ASSERT_TRUE(job);
        ASSERT_STREQ(job->unit, unit);
        ASSERT_EQ_INT(job->state, JOB_FINISHED);
        ASSERT_STREQ(job->path, path);
        ASSERT_STREQ(job->result, result);
        ASSERT_EQ_INT(job_errno(job), error);
        ASSERT_TRUE(job->finished_usec > 0);
}

/* ---- JobRemoved after the reply: the usual order ------------------------------------------ */

static void script_removed_after_reply(Manager *m, const void *arg) {
        sd_bus_message *web0 = manager_next_call(m, "StartUnit", "web@0.service");
        sd_bus_message *web1 = manager_next_call(m, "StartUnit", "web@1.service");
        (void) arg;

        manager_reply_job(web0, 1);
        manager_reply_job(web1, 2);
        /* The second job ends first. */
        manager_job_removed(m, 2, "web@1.service", "failed");
        manager_job_removed(m, 1, "web@0.service", "done");
}

TEST(job_removed_after_the_reply) {
        _cleanup_(fake_stop) FakeManager fake = {};
        _cleanup_(job_waiter_freep) JobWaiter *w = NULL;
        unsigned finished = 0;

        CHECK(fake_start(&fake, script_removed_after_reply, NULL));
        ASSERT_OK(job_waiter_new(fake.bus, &w));
        ASSERT_OK(job_waiter_enqueue(w, "StartUnit", "web@0.service", "replace"));
        ASSERT_OK(job_waiter_enqueue(w, "StartUnit", "web@1.service", "replace"));
        ASSERT_EQ_INT(job_waiter_wait(w, after_usec(LONG_WAIT_USEC), count_finished, &finished), 0);

        ASSERT_EQ_INT(job_waiter_count(w), 2);
        CHECK(expect_finished(w, 0, "web@0.service", JOB_PATH "1", "done", 0));
        CHECK(expect_finished(w, 1, "web@1.service", JOB_PATH "2", "failed", -EREMOTEIO));
        ASSERT_EQ_INT(finished, 2);
        ASSERT_FALSE(job_waiter_all_done(w));
}

/* ---- JobRemoved before the reply: kept until the reply names the job ---------------------- */

static void script_removed_before_reply(Manager *m, const void *arg) {
        sd_bus_message *call = manager_next_call(m, "StartUnit", "web@1.service");
        (void) arg;

        manager_job_removed(m, 5, "web@1.service", "failed");
        manager_reply_job(call, 5);
}

/* The reply is the last thing the fake sends: unless the removal was kept, the job would wait
 * to the deadline (-ETIME). */
TEST(job_removed_before_the_reply) {
        _cleanup_(fake_stop) FakeManager fake = {};
        _cleanup_(job_waiter_freep) JobWaiter *w = NULL;
        unsigned finished = 0;

        CHECK(fake_start(&fake, script_removed_before_reply, NULL));
        ASSERT_OK(job_waiter_new(fake.bus, &w));
        ASSERT_OK(job_waiter_enqueue(w, "StartUnit", "web@1.service", "replace"));
        ASSERT_EQ_INT(job_waiter_wait(w, after_usec(LONG_WAIT_USEC), count_finished, &finished), 0);

        CHECK(expect_finished(w, 0, "web@1.service", JOB_PATH "5", "failed", -EREMOTEIO));
        ASSERT_EQ_INT(finished, 1);
}

/* Two jobs' removals, both before their replies: each reply takes its own, and the one taken
 * first leaves the other to be found. */
static void script_two_removed_before_replies(Manager *m, const void *arg) {
        sd_bus_message *web0 = manager_next_call(m, "StartUnit", "web@0.service");
        sd_bus_message *web1 = manager_next_call(m, "StartUnit", "web@1.service");
        (void) arg;

        manager_job_removed(m, 1, "web@0.service", "done");
        manager_job_removed(m, 2, "web@1.service", "failed");
        manager_reply_job(web0, 1);
        manager_reply_job(web1, 2);
}

TEST(two_jobs_removed_before_their_replies) {
        _cleanup_(fake_stop) FakeManager fake = {};
        _cleanup_(job_waiter_freep) JobWaiter *w = NULL;

        CHECK(fake_start(&fake, script_two_removed_before_replies, NULL));
        ASSERT_OK(job_waiter_new(fake.bus, &w));
        ASSERT_OK(job_waiter_enqueue(w, "StartUnit", "web@0.service", "replace"));
        ASSERT_OK(job_waiter_enqueue(w, "StartUnit", "web@1.service", "replace"));
        ASSERT_EQ_INT(job_waiter_wait(w, after_usec(LONG_WAIT_USEC), NULL, NULL), 0);

        CHECK(expect_finished(w, 0, "web@0.service", JOB_PATH "1", "done", 0));
        CHECK(expect_finished(w, 1, "web@1.service", JOB_PATH "2", "failed", -EREMOTEIO));
}

/* ---- A removal for a unit we are not calling for is not kept ------------------------------ */

static void script_other_units_removal(Manager *m, const void *arg) {
        sd_bus_message *call = manager_next_call(m, "StartUnit", "web@1.service");
        (void) arg;

        /* Someone else's job on another unit, with the path ours is about to get. */
        manager_job_removed(m, 7, "other.service", "failed");
        manager_reply_job(call, 7);
        manager_sync(m);
        manager_job_removed(m, 7, "web@1.service", "done");
}

TEST(removal_for_another_unit_is_not_ours) {
        _cleanup_(fake_stop) FakeManager fake = {};
        _cleanup_(job_waiter_freep) JobWaiter *w = NULL;
        const Job *job;

        CHECK(fake_start(&fake, script_other_units_removal, NULL));
        ASSERT_OK(job_waiter_new(fake.bus, &w));
        ASSERT_OK(job_waiter_enqueue(w, "StartUnit", "web@1.service", "replace"));

        /* The reply came and found nothing kept: the job runs. */
        CHECK(fake_wait_sync(&fake));
        job = job_waiter_get(w, 0);
        ASSERT_EQ_INT(job->state, JOB_RUNNING);
        ASSERT_STREQ(job->path, JOB_PATH "7");
        ASSERT_STREQ(job->result, NULL);

        /* … until its own signal. */
        ASSERT_EQ_INT(job_waiter_wait(w, after_usec(LONG_WAIT_USEC), NULL, NULL), 0);
        CHECK(expect_finished(w, 0, "web@1.service", JOB_PATH "7", "done", 0));
}

/* ---- More early removals than are kept: the oldest goes ----------------------------------- */

/* Removals of jobs 1 … EARLY_REMOVALS + 1 for the unit being called, then the reply naming
 * job *arg. */
static void script_early_removals_overflow(Manager *m, const void *arg) {
        sd_bus_message *call = manager_next_call(m, "StartUnit", "web@1.service");

        for (uint32_t id = 1; id <= EARLY_REMOVALS + 1; id++)
                manager_job_removed(m, id, "web@1.service", "done");
        manager_reply_job(call, *(const uint32_t *) arg);
        manager_sync(m);
}

static void check_early_removals_overflow(uint32_t named, bool kept) {
        _cleanup_(fake_stop) FakeManager fake = {};
        _cleanup_(job_waiter_freep) JobWaiter *w = NULL;
        char path[64];

        snprintf(path, sizeof(path), JOB_PATH "%" PRIu32, named);
        CHECK(fake_start(&fake, script_early_removals_overflow, &named));
        ASSERT_OK(job_waiter_new(fake.bus, &w));
        ASSERT_OK(job_waiter_enqueue(w, "StartUnit", "web@1.service", "replace"));
        CHECK(fake_wait_sync(&fake)); /* every removal and the reply are in */

        if (kept) {
                CHECK(expect_finished(w, 0, "web@1.service", path, "done", 0));
                ASSERT_EQ_INT(job_waiter_wait(w, after_usec(LONG_WAIT_USEC), NULL, NULL), 0);
        } else {
                ASSERT_EQ_INT(job_waiter_wait(w, after_usec(SHORT_WAIT_USEC), NULL, NULL), -ETIME);
                ASSERT_EQ_INT(job_waiter_get(w, 0)->state, JOB_RUNNING);
                ASSERT_STREQ(job_waiter_get(w, 0)->path, path);
        }
}

TEST(early_removals_keep_the_newest) {
        CHECK(check_early_removals_overflow(1, false));                  /* dropped for the newest */
        CHECK(check_early_removals_overflow(2, true));                   /* the oldest kept */
        CHECK(check_early_removals_overflow(EARLY_REMOVALS + 1, true));  /* the newest */
}

/* ---- The manager refuses the call ---------------------------------------------------------- */

static void script_refuse(Manager *m, const void *arg) {
        (void) arg;
        manager_reply_error(manager_next_call(m, "StartUnit", "web@1.service"), "org.freedesktop.systemd1.UnitMasked",
                            "Unit web@1.service is masked.");
}

TEST(refused_call) {
        _cleanup_(fake_stop) FakeManager fake = {};
        _cleanup_(job_waiter_freep) JobWaiter *w = NULL;
        unsigned finished = 0;
        const Job *job;

        CHECK(fake_start(&fake, script_refuse, NULL));
        ASSERT_OK(job_waiter_new(fake.bus, &w));
        ASSERT_OK(job_waiter_enqueue(w, "StartUnit", "web@1.service", "replace"));
        ASSERT_EQ_INT(job_waiter_wait(w, after_usec(LONG_WAIT_USEC), count_finished, &finished), 0);

        job = job_waiter_get(w, 0);
        ASSERT_EQ_INT(job->state, JOB_CALL_FAILED);
        ASSERT_TRUE(job_errno(job) < 0);
        ASSERT_TRUE(job_errno(job) != -EINPROGRESS);
        ASSERT_STREQ(job->error, "Unit web@1.service is masked.");
        ASSERT_STREQ(job->path, NULL);
        ASSERT_EQ_INT(finished, 1);
        ASSERT_FALSE(job_waiter_all_done(w));
}

/* ---- The connection goes away while a job runs --------------------------------------------- */

static void script_hang_up(Manager *m, const void *arg) {
        (void) arg;
        manager_reply_job(manager_next_call(m, "StartUnit", "web@1.service"), 3);
        manager_hang_up(m);
}

/* Its JobRemoved cannot come: the wait ends with -ECONNRESET, not at the deadline with -ETIME. */
TEST(connection_lost_mid_wait) {
        _cleanup_(fake_stop) FakeManager fake = {};
        _cleanup_(job_waiter_freep) JobWaiter *w = NULL;

        CHECK(fake_start(&fake, script_hang_up, NULL));
        ASSERT_OK(job_waiter_new(fake.bus, &w));
        ASSERT_OK(job_waiter_enqueue(w, "StartUnit", "web@1.service", "replace"));
        ASSERT_EQ_INT(job_waiter_wait(w, after_usec(LONG_WAIT_USEC), NULL, NULL), -ECONNRESET);
        ASSERT_EQ_INT(job_waiter_get(w, 0)->state, JOB_RUNNING);
        ASSERT_STREQ(job_waiter_get(w, 0)->path, JOB_PATH "3");
}

/* ---- cluster_run_jobs() ------------------------------------------------------------------- */

/* Linked with -Wl,--wrap=sd_bus_call_method_async, every such call of the code under test comes
 * here: the fail_at-th call of fail_member fails with fail_error, the rest go to libsystemd. */
static const char *fail_member;
static unsigned fail_at, calls_of_member;
static int fail_error;

int __wrap_sd_bus_call_method_async(sd_bus *bus, sd_bus_slot **slot, const char *destination, const char *path,
                                    const char *interface, const char *member, sd_bus_message_handler_t callback,
                                    void *userdata, const char *types, ...);
int __wrap_sd_bus_call_method_async(sd_bus *bus, sd_bus_slot **slot, const char *destination, const char *path,
                                    const char *interface, const char *member, sd_bus_message_handler_t callback,
                                    void *userdata, const char *types, ...) {
        va_list ap;
        int r;

        if (fail_member && streq(member, fail_member) && ++calls_of_member == fail_at)
                return fail_error;
        /* The va_list twin: a variadic __real_ cannot be handed our arguments. */
        va_start(ap, types);
        r = sd_bus_call_method_asyncv(bus, slot, destination, path, interface, member, callback, userdata, types, ap);
        va_end(ap);
        return r;
}

static char *const web_units[] = { "web@0.service", "web@1.service", "web@2.service", "web@3.service", NULL };

static void script_every_job_done(Manager *m, const void *arg) {
        sd_bus_message *calls[4];
        (void) arg;

        for (uint32_t i = 0; i < 4; i++)
                calls[i] = manager_next_call(m, "StartUnit", web_units[i]);
        for (uint32_t i = 0; i < 4; i++) {
                manager_reply_job(calls[i], i + 1);
                manager_job_removed(m, i + 1, web_units[i], "done");
        }
}

/* The wrapper passing calls through, and the whole path the verbs take. */
TEST(cluster_run_jobs_waits_for_every_job) {
        _cleanup_(fake_stop) FakeManager fake = {};
        _cleanup_(job_waiter_freep) JobWaiter *w = NULL;
        Cluster c = { .scope = SCOPE_USER };

        CHECK(fake_start(&fake, script_every_job_done, NULL));
        c.bus = fake.bus;
        ASSERT_EQ_INT(cluster_run_jobs(&c, "StartUnit", web_units, &w, NULL, NULL), 0);
        ASSERT_TRUE(w);
        ASSERT_EQ_INT(job_waiter_count(w), 4);
        ASSERT_TRUE(job_waiter_all_done(w));
}

/* The first two calls are sent; the third cannot be. The fake answers the two and reports their
 * jobs removed after cluster_run_jobs() gave up; then a call for web@2 or web@3 would fail it. */
static void script_answer_two_late(Manager *m, const void *arg) {
        sd_bus_message *web0 = manager_next_call(m, "StopUnit", "web@0.service");
        sd_bus_message *web1 = manager_next_call(m, "StopUnit", "web@1.service");
        (void) arg;

        manager_reply_job(web0, 1);
        manager_reply_job(web1, 2);
        manager_job_removed(m, 1, "web@0.service", "done");
        manager_job_removed(m, 2, "web@1.service", "done");
        manager_sync(m);
}

/* The waiter is freed and the error returned; the replies to the calls already sent then reach
 * nothing (a callback into the freed waiter would be a use after free, for ASan and valgrind). */
TEST(cluster_run_jobs_gives_up_at_a_failed_enqueue) {
        _cleanup_(fake_stop) FakeManager fake = {};
        static char untouched;
        JobWaiter *w = (JobWaiter *) &untouched;
        Cluster c = { .scope = SCOPE_USER };
        unsigned finished = 0;

        CHECK(fake_start(&fake, script_answer_two_late, NULL));
        c.bus = fake.bus;
        fail_member = "StopUnit";
        fail_at = 3;
        fail_error = -ENOBUFS;
        ASSERT_EQ_INT(cluster_run_jobs(&c, "StopUnit", web_units, &w, count_finished, &finished), -ENOBUFS);
        ASSERT_EQ_INT(calls_of_member, 3); /* and none after the failed one */
        ASSERT_TRUE(w == (JobWaiter *) &untouched);

        CHECK(fake_wait_sync(&fake)); /* the late replies and signals, dispatched */
        ASSERT_EQ_INT(finished, 0);
}
