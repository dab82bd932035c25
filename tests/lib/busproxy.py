#!/usr/bin/env python3
"""A D-Bus proxy in front of a manager's private socket that makes replies late.

    busproxy.py LISTEN UPSTREAM [--hold METHOD --release-on METHOD [--max-hold SECONDS]]

Forwards every connection made to the socket LISTEN to UPSTREAM, byte for byte. With --hold,
replies to calls of METHOD (e.g. RestartUnit) are held back until the client sends a call of
the --release-on method (or --max-hold seconds passed): the client sees those replies arrive
long after it sent the calls, as from a manager that was busy. Everything else (other replies,
signals such as JobRemoved) passes at once. Prints "ready" when it listens; killed, it drops
every connection, as a manager that went away.
"""
import argparse
import os
import socket
import struct
import sys
import threading
import time

METHOD_CALL, METHOD_RETURN, ERROR = 1, 2, 3
FIELD_MEMBER, FIELD_REPLY_SERIAL = 3, 5


def align(n, a):
    return (n + a - 1) // a * a


def message_length(buf):
    """Length of the first message in buf, or None while it is incomplete."""
    if len(buf) < 16:
        return None
    e = "<" if buf[0:1] == b"l" else ">"
    body_len, _, fields_len = struct.unpack(e + "III", buf[4:16])
    n = align(16 + fields_len, 8) + body_len
    return n if len(buf) >= n else None


def parse_header(msg):
    """(type, serial, member, reply_serial) of one whole message."""
    e = "<" if msg[0:1] == b"l" else ">"
    mtype = msg[1]
    serial, fields_len = struct.unpack(e + "II", msg[8:16])
    member = reply_serial = None
    pos, end = 16, 16 + fields_len
    while pos < end:
        pos = align(pos, 8)
        code = msg[pos]
        sig_len = msg[pos + 1]
        sig = msg[pos + 2:pos + 2 + sig_len].decode()
        pos += 2 + sig_len + 1
        if sig in ("s", "o"):
            pos = align(pos, 4)
            (n,) = struct.unpack(e + "I", msg[pos:pos + 4])
            value = msg[pos + 4:pos + 4 + n].decode()
            pos += 4 + n + 1
        elif sig == "g":
            n = msg[pos]
            value = msg[pos + 1:pos + 1 + n].decode()
            pos += 1 + n + 1
        elif sig == "u":
            pos = align(pos, 4)
            (value,) = struct.unpack(e + "I", msg[pos:pos + 4])
            pos += 4
        else:
            raise ValueError(f"header field signature {sig!r}")
        if code == FIELD_MEMBER:
            member = value
        elif code == FIELD_REPLY_SERIAL:
            reply_serial = value
    return mtype, serial, member, reply_serial


class Connection:
    def __init__(self, client, args):
        self.client = client
        self.upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.upstream.connect(args.upstream)
        self.args = args
        self.lock = threading.Lock()
        self.held_serials = set()
        self.held = []
        self.released = False
        self.first_hold = None

    def release(self):
        with self.lock:
            if self.released:
                return
            self.released = True
            for msg in self.held:
                self.client.sendall(msg)
            self.held = []

    def client_to_upstream(self):
        buf, authenticated = b"", False
        while True:
            data = self.client.recv(65536)
            if not data:
                break
            buf += data
            if not authenticated:
                i = buf.find(b"BEGIN\r\n")
                if i < 0:
                    continue
                self.upstream.sendall(buf[:i + 7])
                buf, authenticated = buf[i + 7:], True
            while (n := message_length(buf)) is not None:
                msg, buf = buf[:n], buf[n:]
                mtype, serial, member, _ = parse_header(msg)
                if mtype == METHOD_CALL and member == self.args.hold and not self.released:
                    with self.lock:
                        self.held_serials.add(serial)
                        self.first_hold = self.first_hold or time.monotonic()
                if mtype == METHOD_CALL and member == self.args.release_on:
                    self.release()
                self.upstream.sendall(msg)
        self.upstream.shutdown(socket.SHUT_WR)

    def upstream_to_client(self):
        buf = b""
        while True:
            data = self.upstream.recv(65536)
            if not data:
                break
            buf += data
            # The manager's answers to the authentication are lines; messages start with l or B.
            while buf and buf[0:1] not in (b"l", b"B") and b"\r\n" in buf:
                i = buf.index(b"\r\n") + 2
                self.client.sendall(buf[:i])
                buf = buf[i:]
            while buf[0:1] in (b"l", b"B") and (n := message_length(buf)) is not None:
                msg, buf = buf[:n], buf[n:]
                mtype, _, _, reply_serial = parse_header(msg)
                with self.lock:
                    if not self.released and mtype in (METHOD_RETURN, ERROR) and reply_serial in self.held_serials:
                        self.held.append(msg)
                        continue
                self.client.sendall(msg)
        self.release()
        self.client.close()

    def watchdog(self):
        while not self.released:
            time.sleep(0.2)
            if self.first_hold and time.monotonic() - self.first_hold > self.args.max_hold:
                self.release()

    def run(self):
        for target in (self.client_to_upstream, self.upstream_to_client, self.watchdog):
            threading.Thread(target=target, daemon=True).start()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("listen")
    ap.add_argument("upstream")
    ap.add_argument("--hold")
    ap.add_argument("--release-on")
    ap.add_argument("--max-hold", type=float, default=60)
    args = ap.parse_args()

    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    if os.path.exists(args.listen):
        os.unlink(args.listen)
    server.bind(args.listen)
    server.listen(16)
    print("ready", flush=True)
    while True:
        client, _ = server.accept()
        Connection(client, args).run()


if __name__ == "__main__":
    sys.exit(main())
