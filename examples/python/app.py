"""A Python HTTP app run by clusterctl, standard library only: it takes its listening socket
from systemd (socket activation, fd 3), says when it is ready (READY=1 on $NOTIFY_SOCKET), and
on SIGTERM stops accepting, finishes the requests in flight, and exits.

Outside systemd (no LISTEN_FDS) it listens on 127.0.0.1:$PORT itself, for a quick try."""
import os
import signal
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SD_LISTEN_FDS_START = 3
INSTANCE = os.environ.get("NODE_APP_INSTANCE", "-")


def notify(message):
    """sd_notify(3) without libsystemd: one datagram to $NOTIFY_SOCKET."""
    path = os.environ.get("NOTIFY_SOCKET")
    if not path:
        return
    if path.startswith("@"):  # abstract namespace
        path = "\0" + path[1:]
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as s:
        s.sendto(message.encode(), path)


def systemd_socket():
    """The first socket systemd passed, or None when not socket-activated."""
    if os.environ.get("LISTEN_PID") != str(os.getpid()) or int(os.environ.get("LISTEN_FDS", "0")) < 1:
        return None
    sock = socket.socket(fileno=SD_LISTEN_FDS_START)  # family and type are read from the fd
    os.set_inheritable(sock.fileno(), False)
    # Shared by every instance: another one may take a connection first. Non-blocking, so
    # accept() then fails with EAGAIN (which the server ignores) instead of hanging.
    sock.setblocking(False)
    return sock


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        body = f"hello from Python instance {INSTANCE} (pid {os.getpid()})\n".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt, *args):  # one line per request, to the journal
        print(f"instance {INSTANCE}: {self.command} {self.path}", flush=True)


def main():
    sock = systemd_socket()
    if sock:
        server = ThreadingHTTPServer(sock.getsockname(), Handler, bind_and_activate=False)
        server.socket.close()
        server.socket = sock
    else:
        server = ThreadingHTTPServer(("127.0.0.1", int(os.environ.get("PORT", "8080"))), Handler)
    server.daemon_threads = False  # server_close() waits for the requests in flight

    def stop(signum, frame):
        notify("STOPPING=1")
        print(f"instance {INSTANCE} stopping", flush=True)
        # shutdown() waits for serve_forever() to return: call it from another thread.
        threading.Thread(target=server.shutdown).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    notify(f"READY=1\nSTATUS=serving as instance {INSTANCE}")
    print(f"instance {INSTANCE} serving", flush=True)
    server.serve_forever()
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
