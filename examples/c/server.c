/* A C HTTP app run by clusterctl: it takes its listening socket from systemd (sd_listen_fds),
 * says when it is ready (sd_notify), and on SIGTERM stops accepting, answers the request it is
 * in, and exits. One request at a time per instance; clusterctl runs as many instances as asked.
 *
 *   cc -O2 -Wall -o server server.c $(pkg-config --cflags --libs libsystemd)
 *   clusterctl start app.conf
 *
 * Outside systemd (no LISTEN_FDS) it listens on 127.0.0.1:$PORT itself, for a quick try. */
#define _GNU_SOURCE /* accept4, ppoll */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

static volatile sig_atomic_t stopping;

static void on_sigterm(int sig) {
        (void) sig;
        stopping = 1;
}

/* Without systemd: bind 127.0.0.1:$PORT (default 8080). */
static int listen_on_port(void) {
        const char *port = getenv("PORT");
        struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port ? atoi(port) : 8080),
                                 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
        int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

        if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
            bind(fd, (struct sockaddr *) &a, sizeof(a)) < 0 || listen(fd, 128) < 0)
                return -1;
        return fd;
}

static void serve(int conn, const char *instance) {
        char req[4096], body[128], resp[256];
        struct timeval timeout = { .tv_sec = 5 };
        size_t got = 0;

        /* Read the request head; a client that sends nothing for 5 s is dropped. */
        setsockopt(conn, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
        while (got < sizeof(req) - 1) {
                ssize_t n = read(conn, req + got, sizeof(req) - 1 - got);
                if (n <= 0)
                        return;
                got += (size_t) n;
                req[got] = 0;
                if (strstr(req, "\r\n\r\n"))
                        break;
        }
        int len = snprintf(body, sizeof(body), "hello from C instance %s (pid %d)\n", instance, (int) getpid());
        int n = snprintf(resp, sizeof(resp),
                         "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n"
                         "Connection: close\r\n\r\n%s",
                         len, body);
        (void) !write(conn, resp, (size_t) n);
}

int main(void) {
        const char *instance = getenv("NODE_APP_INSTANCE") ? getenv("NODE_APP_INSTANCE") : "-";
        struct sigaction sa = { .sa_handler = on_sigterm };
        sigset_t stop_signals, waiting;
        int fd;

        setvbuf(stdout, NULL, _IOLBF, 0); /* one journal line per printf, as it happens */
        sigaction(SIGTERM, &sa, NULL);
        sigaction(SIGINT, &sa, NULL);
        /* SIGTERM is delivered only while waiting for a connection (ppoll below): never in the
         * middle of a request, and never between the check of `stopping` and the wait. */
        sigemptyset(&stop_signals);
        sigaddset(&stop_signals, SIGTERM);
        sigaddset(&stop_signals, SIGINT);
        sigprocmask(SIG_BLOCK, &stop_signals, &waiting);

        int n = sd_listen_fds(0);
        if (n < 0) {
                fprintf(stderr, "sd_listen_fds: %s\n", strerror(-n));
                return 1;
        }
        fd = n > 0 ? SD_LISTEN_FDS_START : listen_on_port();
        if (fd < 0) {
                perror("listen");
                return 1;
        }

        /* READY=1: clusterctl start/reload wait for this before going on. */
        sd_notifyf(0, "READY=1\nSTATUS=serving as instance %s", instance);
        printf("instance %s serving\n", instance);

        while (!stopping) {
                struct pollfd p = { .fd = fd, .events = POLLIN };
                if (ppoll(&p, 1, NULL, &waiting) < 0)
                        continue; /* EINTR: the loop condition sees SIGTERM */
                /* The socket is shared by every instance (and non-blocking): another one may
                 * have taken the connection first, then accept() says EAGAIN. */
                int conn = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
                if (conn < 0)
                        continue;
                serve(conn, instance);
                close(conn);
        }

        sd_notify(0, "STOPPING=1");
        printf("instance %s stopping\n", instance);
        return 0;
}
