/* One ssh per host, multiplexed with poll(). Each ssh dies with the controller
 * (PR_SET_PDEATHSIG), so a killed controller never leaves one behind; the remote clusterctl
 * then sees its output go nowhere and stops between two batches. */
#include "fanout.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "printable.h"

#define LINE_MAX_BYTES (1024 * 1024)

static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig) {
        (void) sig;
        interrupted = 1;
}

void fanout_stop(void) {
        interrupted = 1;
}

bool fanout_stopping(void) {
        return interrupted;
}

void host_run_done(HostRun *run) {
        strv_free(run->argv);
        buffer_done(&run->out);
        buffer_done(&run->err);
        free(run->last_stderr);
        free(run->version);
        for (int *fd = &run->out_fd; fd <= &run->in_fd; fd++)
                if (*fd > 0)
                        close(*fd);
        run->argv = NULL;
        run->last_stderr = run->version = NULL;
}

int fanout_commands(char ***ret_ssh, char ***ret_remote) {
        _cleanup_strv_free_ char **ssh = NULL, **remote = NULL;
        const char *s = getenv("CLUSTERCTL_SSH"), *c = getenv("CLUSTERCTL_REMOTE");
        int r;

        if ((r = split_command_words(s && *s ? s : "ssh", &ssh)) < 0)
                return r;
        if ((r = split_command_words(c && *c ? c : "clusterctl", &remote)) < 0)
                return r;
        *ret_ssh = TAKE_PTR(ssh);
        *ret_remote = TAKE_PTR(remote);
        return 0;
}

static int spawn(HostRun *run) {
        int out[2] = { -1, -1 }, err[2] = { -1, -1 }, in[2] = { -1, -1 };
        pid_t parent = getpid();
        int r;

        if (pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0 || (run->input && pipe2(in, O_CLOEXEC) < 0)) {
                r = -errno;
                goto fail;
        }
        pid_t pid = fork();
        if (pid < 0) {
                r = -errno;
                goto fail;
        }
        if (pid == 0) {
                int devnull = run->input ? -1 : open("/dev/null", O_RDONLY | O_CLOEXEC);
                (void) prctl(PR_SET_PDEATHSIG, SIGTERM);
                if (getppid() != parent)
                        _exit(255);
                signal(SIGPIPE, SIG_DFL);
                signal(SIGINT, SIG_DFL);
                signal(SIGTERM, SIG_DFL);
                signal(SIGHUP, SIG_DFL);
                if (dup2(run->input ? in[0] : devnull, STDIN_FILENO) < 0 || dup2(out[1], STDOUT_FILENO) < 0 ||
                    dup2(err[1], STDERR_FILENO) < 0)
                        _exit(255);
                execvp(run->argv[0], run->argv);
                dprintf(STDERR_FILENO, "cannot run %s: %s\n", run->argv[0], strerror(errno));
                _exit(255);
        }
        close(out[1]);
        close(err[1]);
        if (in[0] >= 0)
                close(in[0]);
        run->pid = pid;
        run->out_fd = out[0];
        run->err_fd = err[0];
        run->in_fd = in[1];
        for (int *fd = &run->out_fd; fd <= &run->in_fd; fd++)
                if (*fd >= 0)
                        (void) fcntl(*fd, F_SETFL, fcntl(*fd, F_GETFL) | O_NONBLOCK);
        run->started = true;
        return 0;
fail:
        for (int i = 0; i < 2; i++) {
                if (out[i] >= 0)
                        close(out[i]);
                if (err[i] >= 0)
                        close(err[i]);
                if (in[i] >= 0)
                        close(in[i]);
        }
        return r;
}

static void handle_stdout_line(HostRun *run, char *line, const FanoutOps *ops, void *userdata) {
        json_object *o = line[0] == '{' ? json_tokener_parse(line) : NULL;

        if (!o || !json_object_is_type(o, json_type_object)) {
                json_object_put(o);
                if (*line && ops->on_text)
                        ops->on_text(run, line, userdata);
                return;
        }
        json_object *ev = NULL, *v = NULL;
        if (json_object_object_get_ex(o, "event", &ev) && streq(strempty(json_object_get_string(ev)), "hello")) {
                run->greeted = true;
                if (json_object_object_get_ex(o, "protocol", &v))
                        run->protocol = (unsigned) json_object_get_int(v);
                if (json_object_object_get_ex(o, "version", &v)) {
                        free(run->version);
                        run->version = strdup(strempty(json_object_get_string(v)));
                }
        } else if (run->greeted && run->protocol == REMOTE_PROTOCOL && ops->on_object)
                ops->on_object(run, o, userdata);
        json_object_put(o);
}

static void handle_stderr_line(HostRun *run, char *line, const FanoutOps *ops, void *userdata) {
        if (!*line)
                return;
        free(run->last_stderr);
        run->last_stderr = printable_text(line); /* quoted in the failure reason */
        if (ops->on_text)
                ops->on_text(run, line, userdata);
}

/* Reads what is there; calls back for every whole line. Returns 0 at end of file, 1 otherwise. */
static int drain(HostRun *run, bool is_stdout, const FanoutOps *ops, void *userdata) {
        Buffer *b = is_stdout ? &run->out : &run->err;
        int fd = is_stdout ? run->out_fd : run->err_fd;
        char chunk[16384];

        for (;;) {
                ssize_t k = read(fd, chunk, sizeof(chunk));
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0 && errno == EAGAIN)
                        return 1;
                if (k <= 0) {
                        /* End of file: a last line without its newline still counts. */
                        if (b->len > 0) {
                                char *line = buffer_steal(b);
                                (is_stdout ? handle_stdout_line : handle_stderr_line)(run, line, ops, userdata);
                                free(line);
                        }
                        return 0;
                }
                if (buffer_append(b, chunk, (size_t) k) < 0)
                        return -ENOMEM;
                char *nl;
                while (b->data && (nl = memchr(b->data, '\n', b->len))) {
                        size_t n = (size_t) (nl - b->data);
                        *nl = 0;
                        (is_stdout ? handle_stdout_line : handle_stderr_line)(run, b->data, ops, userdata);
                        memmove(b->data, nl + 1, b->len - n - 1);
                        b->len -= n + 1;
                        b->data[b->len] = 0;
                }
                if (b->len > LINE_MAX_BYTES) {
                        b->len = 0; /* a runaway line: drop it rather than grow without end */
                        b->data[0] = 0;
                }
        }
}

static void feed_input(HostRun *run) {
        size_t total = strlen(run->input);
        while (run->input_done < total) {
                ssize_t k = write(run->in_fd, run->input + run->input_done, total - run->input_done);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0 && errno == EAGAIN)
                        return;
                if (k < 0)
                        break; /* ssh is gone: its exit says why */
                run->input_done += (size_t) k;
        }
        close(run->in_fd);
        run->in_fd = -1;
}

static void reap(HostRun *run) {
        int status = 0;
        while (waitpid(run->pid, &status, 0) < 0 && errno == EINTR)
                ;
        run->wait_status = status;
        run->finished = true;
}

int fanout_run(HostRun *runs, size_t n, size_t max_parallel, const FanoutOps *ops, void *userdata) {
        struct sigaction sa = { .sa_handler = on_interrupt }, old_int, old_term, old_hup;
        _cleanup_free_ struct pollfd *pfds = calloc(3 * (n ? n : 1), sizeof(struct pollfd));
        _cleanup_free_ size_t *owner = calloc(3 * (n ? n : 1), sizeof(size_t));
        size_t next = 0, running = 0;
        bool stop = false, killed = false;
        int r = 0;

        if (!pfds || !owner)
                return -ENOMEM;
        if (max_parallel == 0)
                max_parallel = 1;
        interrupted = 0;
        sigaction(SIGINT, &sa, &old_int);
        sigaction(SIGTERM, &sa, &old_term);
        sigaction(SIGHUP, &sa, &old_hup);
        signal(SIGPIPE, SIG_IGN);

        for (size_t i = 0; i < n; i++)
                runs[i].out_fd = runs[i].err_fd = runs[i].in_fd = -1;
        for (;;) {
                while (!stop && !interrupted && next < n && running < max_parallel) {
                        if ((r = spawn(&runs[next])) < 0) {
                                stop = true;
                                break;
                        }
                        next++;
                        running++;
                }
                if (interrupted && !killed) {
                        for (size_t i = 0; i < n; i++)
                                if (runs[i].started && !runs[i].finished)
                                        (void) kill(runs[i].pid, SIGTERM);
                        killed = true;
                }
                if (running == 0)
                        break;

                size_t m = 0;
                for (size_t i = 0; i < n; i++) {
                        HostRun *h = &runs[i];
                        if (!h->started || h->finished)
                                continue;
                        if (h->out_fd >= 0)
                                pfds[m] = (struct pollfd) { .fd = h->out_fd, .events = POLLIN }, owner[m++] = i;
                        if (h->err_fd >= 0)
                                pfds[m] = (struct pollfd) { .fd = h->err_fd, .events = POLLIN }, owner[m++] = i;
                        if (h->in_fd >= 0)
                                pfds[m] = (struct pollfd) { .fd = h->in_fd, .events = POLLOUT }, owner[m++] = i;
                }
                if (poll(pfds, m, -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        r = -errno;
                        break;
                }
                for (size_t k = 0; k < m; k++) {
                        HostRun *h = &runs[owner[k]];
                        if (!pfds[k].revents)
                                continue;
                        if (pfds[k].fd == h->in_fd) {
                                feed_input(h);
                                continue;
                        }
                        bool is_out = pfds[k].fd == h->out_fd;
                        int e = drain(h, is_out, ops, userdata);
                        if (e < 0)
                                r = e;
                        if (e <= 0) {
                                close(pfds[k].fd);
                                *(is_out ? &h->out_fd : &h->err_fd) = -1;
                        }
                        if (h->out_fd < 0 && h->err_fd < 0) {
                                if (h->in_fd >= 0) {
                                        close(h->in_fd);
                                        h->in_fd = -1;
                                }
                                reap(h);
                                running--;
                                if (ops->on_exit && !ops->on_exit(h, userdata))
                                        stop = true;
                        }
                }
        }
        sigaction(SIGINT, &old_int, NULL);
        sigaction(SIGTERM, &old_term, NULL);
        sigaction(SIGHUP, &old_hup, NULL);
        if (r < 0)
                return r;
        return interrupted ? -EINTR : 0;
}
