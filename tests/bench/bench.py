#!/usr/bin/env python3
"""clusterctl vs PM2, side by side, on one machine. Run through tests/bench/run.sh, which
installs the tools, builds clusterctl, starts the private systemd manager and cleans up.

The same Node app (tests/apps/testapp.js) runs under both: on fd 3 under systemd, on a port
under PM2's cluster mode (wait_ready, so both wait for the app's own readiness signal). Every
phase measures the systems in alternation, round after round (A B A B …), so that drift of
the machine cancels out; the summary gives the median and the spread (min–max) of the rounds.
Load only ever goes to 127.0.0.1, and every load is bounded in time.

Systems: "ccs" clusterctl with socket_mode = "shared", "ccr" with "reuseport", "pm2".
"""
import argparse
import json
import os
import re
import shlex
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

SYSTEMS = ("ccs", "ccr", "pm2")
SYSTEM_NAMES = {"ccs": "clusterctl (shared)", "ccr": "clusterctl (reuseport)", "pm2": "PM2"}
PORTS = {"ccs": 18711, "ccr": 18712, "pm2": 18713}
PM2_LISTEN_TIMEOUT_MS = 3000  # PM2's default; the bad-deploy settle time follows from it
LOAD_CONCURRENCY = 8  # loadgen workers during reloads (a new connection per request)
# Before each reload, the same load without one: its worst request over a window as long as the
# reload is the noise floor the reload's worst request stands against. The last IDLE_GAP_S before
# the reload stays out of it.
IDLE_WINDOW_S, IDLE_GAP_S = 5.0, 0.2
WRK_THREADS, WRK_CONNECTIONS = 2, 16


class Interrupted(Exception):
    pass


def on_signal(signum, _frame):
    raise Interrupted(signal.Signals(signum).name)


def log(msg):
    print(f"bench: {msg}", file=sys.stderr, flush=True)


def run(cmd, env=None, check=True, timeout=600, capture=True):
    """Runs cmd; returns (seconds, CompletedProcess)."""
    t0 = time.monotonic()
    cp = subprocess.run(cmd, env=env, timeout=timeout, text=True,
                        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
                        stderr=subprocess.PIPE if capture else subprocess.DEVNULL)
    dt = time.monotonic() - t0
    if check and cp.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))}: exit {cp.returncode}\n{cp.stdout or ''}{cp.stderr or ''}")
    return dt, cp


def rss_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return None


def pctl(sorted_values, p):
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return None
    k = max(0, min(len(sorted_values) - 1, int(round(p / 100.0 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[k]


def read_loadavg():
    try:
        return float(open("/proc/loadavg").read().split()[0])
    except (OSError, ValueError):
        return None


# --- load generators --------------------------------------------------------------------------

def parse_duration_ms(text):
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not m:
        return None
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[m.group(2)]
    return float(m.group(1)) * scale


def wrk(port, seconds, keepalive):
    cmd = ["wrk", f"-t{WRK_THREADS}", f"-c{WRK_CONNECTIONS}", f"-d{seconds}s", "--latency", "--timeout", "5s"]
    if not keepalive:
        cmd += ["-H", "Connection: close"]
    cmd.append(f"http://127.0.0.1:{port}/")
    _, cp = run(cmd, timeout=seconds + 30)
    out = cp.stdout
    res = {"rps": None, "p50_ms": None, "p99_ms": None, "requests": None, "socket_errors": 0, "non_2xx": 0}
    if m := re.search(r"Requests/sec:\s+([\d.]+)", out):
        res["rps"] = float(m.group(1))
    if m := re.search(r"^\s+50%\s+(\S+)", out, re.M):
        res["p50_ms"] = parse_duration_ms(m.group(1))
    if m := re.search(r"^\s+99%\s+(\S+)", out, re.M):
        res["p99_ms"] = parse_duration_ms(m.group(1))
    if m := re.search(r"(\d+) requests in", out):
        res["requests"] = int(m.group(1))
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        res["socket_errors"] = sum(int(x) for x in m.groups())
    if m := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        res["non_2xx"] = int(m.group(1))
    if res["rps"] is None:
        raise RuntimeError(f"cannot parse wrk output:\n{out}")
    return res


def warm_up(port, seconds=2):
    """Fresh Node processes serve slowly until V8 has compiled the hot paths: load them
    first, so what follows measures the supervisors rather than the JIT."""
    wrk(port, seconds, keepalive=False)


class Loadgen:
    """loadgen in the background (a new connection per request), with a per-request timeline.
    Time 0 of the timeline is (within a millisecond or so) self.t0 on our monotonic clock."""

    def __init__(self, bench, port, tag, max_seconds=120, concurrency=LOAD_CONCURRENCY):
        self.stop_file = bench.work / f"{tag}.stop"
        self.timeline = bench.work / f"{tag}.timeline"
        self.stop_file.unlink(missing_ok=True)
        cmd = [bench.loadgen, "--host", "127.0.0.1", "--port", str(port), "--concurrency", str(concurrency),
               "--duration", str(max_seconds), "--stop-file", str(self.stop_file), "--timeout", "5",
               "--json", "--timeline", str(self.timeline)]
        self.t0 = time.monotonic()
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        bench.children.append(self.proc)

    def stop(self):
        self.stop_file.touch()
        out, err = self.proc.communicate(timeout=60)
        self.stop_file.unlink(missing_ok=True)
        try:
            return json.loads(out)
        except json.JSONDecodeError:
            raise RuntimeError(f"loadgen said: {out}{err}")

    def samples(self):
        """[(t_s, latency_ms, ok)] on our monotonic clock."""
        rows = []
        with open(self.timeline) as f:
            for line in f:
                t, lat, ok = line.split()
                rows.append((self.t0 + float(t) / 1000.0, float(lat), ok == "1"))
        return rows


def reload_capacity(events, n):
    """Fewest instances serving at any moment of a clusterctl reload, from its --json events (in
    the order they happened): an instance is out from the moment its restart is asked for until it
    is ready again; a spare counts from ready until its stop is asked for. Both err on the low
    side: the old process still serves a little after the request, the spare a little after."""
    serving = lowest = n
    spares_up = set()
    for e in events:
        kind, unit = e.get("event"), e.get("unit")
        if kind == "restarting":
            serving -= 1
        elif kind == "ready":
            serving += 1
        elif kind == "spare_started":
            serving += 1
            spares_up.add(unit)
        elif kind == "spare_stopping" and unit in spares_up:
            serving -= 1
            spares_up.discard(unit)
        elif kind == "failed" and e.get("reason") == "unstable":
            serving -= 1
            spares_up.discard(unit)
        lowest = min(lowest, serving)
    return {"lowest": lowest, "spares": sum(1 for e in events if e.get("event") == "spare_started")}


def covered(intervals):
    """Length of the union of [a, b] intervals."""
    total, end = 0.0, None
    for a, b in sorted(intervals):
        if end is None or a > end:
            total += b - a
            end = b
        elif b > end:
            total += b - end
            end = b
    return total


def window_stats(samples, t_from, t_to):
    """Requests started in [t_from, t_to]: counts and latency of the successful ones."""
    inside = [s for s in samples if t_from <= s[0] <= t_to]
    lat = sorted(s[1] for s in inside if s[2])
    return {"requests": len(inside), "failed": sum(1 for s in inside if not s[2]),
            "p50_ms": pctl(lat, 50), "p99_ms": pctl(lat, 99), "max_ms": lat[-1] if lat else None}


# --- the two supervisors ----------------------------------------------------------------------

class ClusterctlApp:
    def __init__(self, bench, system, n, flags="", grace=None):
        self.bench, self.system = bench, system
        self.name = f"b{system}"
        self.port = PORTS[system]
        self.mode = "shared" if system == "ccs" else "reuseport"
        self.n, self.flags, self.grace = n, flags, grace
        self.conf = bench.work / f"{self.name}.conf"
        self.write_config()

    def write_config(self):
        lines = [
            f'name = "{self.name}";',
            f'script = "{self.bench.testapp_js}";',
            f'listen = "127.0.0.1:{self.port}";',
            f'socket_mode = "{self.mode}";',
            f"instances = {self.n};" if isinstance(self.n, int) else f'instances = "{self.n}";',
            f'env = {{ TESTAPP_FLAGS = "{self.flags}"; }};',
            "ready_timeout = 10;",
        ]
        if self.bench.hardening:
            lines.append(f'hardening = "{self.bench.hardening}";')
        if self.grace is not None:
            lines.append(f"rollout = {{ grace = {self.grace:.1f}; }};")
        self.conf.write_text("\n".join(lines) + "\n")

    def cc(self, *args, check=True, timeout=600):
        return run([self.bench.clusterctl, "--user", *args], env=self.bench.cc_env, check=check, timeout=timeout)

    def start(self):
        self.bench.cc_apps.add(self.name)
        return self.cc("start", str(self.conf))[0]

    def reload(self, check=True):
        # --json: one event per line with the manager's clock, from which capacity follows.
        return self.cc("reload", self.name, "--json", check=check)

    def scale(self, n):
        self.n = n
        return self.cc("scale", self.name, str(n))[0]

    def stop(self):
        return self.cc("stop", self.name)[0]

    def delete(self):
        self.cc("delete", self.name, check=False)
        self.bench.cc_apps.discard(self.name)

    def status_cmds(self):
        base = [str(self.bench.clusterctl), "--user", "status", self.name]
        return {"table": base, "json": base + ["--json"]}

    def units(self):
        _, cp = run(["systemctl", "--user", "list-units", "--plain", "--no-legend", "--all", f"{self.name}@*.service"],
                    env=self.bench.cc_env)
        return [line.split()[0] for line in cp.stdout.splitlines() if line.strip()]

    def unit_props(self, props):
        units = sorted(self.units(), key=lambda u: int(u.split("@")[1].split(".")[0]))
        _, cp = run(["systemctl", "--user", "show", "-p", ",".join(["Id"] + props), *units], env=self.bench.cc_env)
        out = []
        for block in cp.stdout.strip().split("\n\n"):
            kv = dict(line.split("=", 1) for line in block.splitlines() if "=" in line)
            out.append(kv)
        return out

    def pids(self):
        return [int(p["MainPID"]) for p in self.unit_props(["MainPID"]) if p.get("MainPID", "0") != "0"]

    def active_count(self):
        return sum(1 for p in self.unit_props(["ActiveState"]) if p.get("ActiveState") == "active")


class Pm2App:
    system = "pm2"

    def __init__(self, bench, n, flags=""):
        self.bench = bench
        self.name = "bpm2"
        self.port = PORTS["pm2"]
        self.n, self.flags = n, flags
        self.eco = bench.work / "bpm2.config.js"
        self.write_config()

    def write_config(self):
        app = {
            "name": self.name, "script": str(self.bench.testapp_js), "exec_mode": "cluster",
            "instances": self.n, "wait_ready": True, "listen_timeout": PM2_LISTEN_TIMEOUT_MS,
            "kill_timeout": 5000, "autorestart": True, "merge_logs": True,
            "env": {"PORT": str(self.port), "TESTAPP_FLAGS": self.flags},
        }
        self.eco.write_text("module.exports = " + json.dumps({"apps": [app]}, indent=2) + ";\n")

    def pm2(self, *args, check=True, timeout=600):
        return run([self.bench.pm2, *args], env=self.bench.pm2_env, check=check, timeout=timeout)

    def start(self):
        self.bench.pm2_used = True
        return self.pm2("start", str(self.eco))[0]

    def reload(self, check=True):
        return self.pm2("reload", str(self.eco), "--update-env", check=check)

    def scale(self, n):
        self.n = n
        return self.pm2("scale", self.name, str(n))[0]

    def stop(self):
        return self.pm2("stop", self.name)[0]

    def delete(self):
        self.pm2("delete", self.name, check=False)

    def status_cmds(self):
        return {"table": [str(self.bench.pm2), "ls"], "json": [str(self.bench.pm2), "jlist"]}

    def jlist(self):
        _, cp = self.pm2("jlist")
        # pm2 may print notices before the JSON document.
        return json.loads(cp.stdout[cp.stdout.index("["):])

    def pids(self):
        return [p["pid"] for p in self.jlist() if p.get("name") == self.name and p.get("pid")]

    def active_count(self):
        return sum(1 for p in self.jlist() if p.get("name") == self.name and p["pm2_env"].get("status") == "online")


# --- the benchmark ----------------------------------------------------------------------------

class Bench:
    def __init__(self, args):
        self.args = args
        self.top = Path(args.top)
        self.clusterctl = Path(args.clusterctl)
        self.loadgen = Path(args.loadgen)
        self.pm2 = Path(args.pm2)
        self.pm2_home = Path(args.pm2_home)
        self.work = Path(args.work)
        self.out = Path(args.out) if args.out else self.top / "tests/bench/results"
        self.testapp_js = self.top / "tests/apps/testapp.js"
        self.quick = args.quick
        self.hardening = args.hardening  # None: clusterctl's default
        self.rounds = 1 if args.quick and args.rounds is None else (args.rounds or 5)
        self.phases = args.only.split(",") if args.only else ["steady", "reload", "bad-deploy", "control"]
        self.steady_s = 2 if self.quick else 8
        self.counts = [4, 16] if self.quick else [4, 16, 64]
        self.reload_counts = [4, 16]
        self.hyperfine_runs = 5 if self.quick else 20
        self.children = []
        self.cc_apps = set()
        self.pm2_used = False
        self.results = []  # one dict per measurement
        self.errors = []
        self.timelines = {}  # (phase, system) -> [(t_rel_s, latency_ms, ok)], last round
        self.manager_env = self.read_env(Path(args.manager_state) / "env")
        self.cc_env = dict(os.environ, **self.manager_env)
        self.pm2_env = {k: v for k, v in os.environ.items() if k not in self.manager_env}
        self.pm2_env["PM2_HOME"] = str(self.pm2_home)
        self.manager_pid = int(self.manager_env["MANAGER_PID"])

    @staticmethod
    def read_env(path):
        env = {}
        for line in path.read_text().splitlines():
            if line.startswith("export "):
                k, v = line[len("export "):].split("=", 1)
                env[k] = shlex.split(v)[0] if v else ""
        return env

    def record(self, phase, system, rnd, **values):
        row = {"phase": phase, "system": system, "round": rnd, "loadavg": read_loadavg(),
               "other_managers": self.other_managers(), **values}
        self.results.append(row)
        flat = {}
        for k, v in values.items():
            if isinstance(v, dict) and k in ("close", "keepalive", "window"):
                flat.update({f"{k}.{kk}": vv for kk, vv in v.items() if kk in ("rps", "p99_ms", "max_ms")})
            elif not isinstance(v, (list, dict)) and k != "reload_output":
                flat[k] = v
        shown = {k: (round(v, 3) if isinstance(v, float) else v) for k, v in flat.items()}
        log(f"  {phase} {system} r{rnd}: {shown}")

    def other_managers(self):
        """How many other private systemd managers run (the test suite's, …): their load skews ours."""
        n = 0
        for p in Path("/proc").glob("[0-9]*"):
            try:
                if (p / "cmdline").read_bytes().split(b"\0")[:2] == [b"/lib/systemd/systemd", b"--user"]:
                    n += int(p.name) != self.manager_pid
            except OSError:
                pass
        return n

    def app(self, system, n, flags="", grace=None):
        if system == "pm2":
            return Pm2App(self, n, flags)
        return ClusterctlApp(self, system, n, flags, grace)

    def god_pid(self):
        try:
            return int((self.pm2_home / "pm2.pid").read_text())
        except (OSError, ValueError):
            return None

    def instances_resolved(self, app):
        return len(app.pids())

    # --- phases ---

    def phase_steady(self, rnd):
        for n in (4, "max"):
            for system in SYSTEMS:
                app = self.app(system, n)
                try:
                    app.start()
                    warm_up(app.port, 1)
                    close = wrk(app.port, self.steady_s, keepalive=False)
                    keep = wrk(app.port, self.steady_s, keepalive=True)
                    self.record("steady", system, rnd, n=str(n), instances=self.instances_resolved(app),
                                close=close, keepalive=keep)
                    if system == "pm2" and n == 4:
                        self.record("memory-steady", "pm2", rnd, god_rss_kb=rss_kb(self.god_pid()),
                                    worker_rss_kb=[rss_kb(p) for p in app.pids()])
                    elif n == 4:
                        self.record("memory-steady", system, rnd, manager_rss_kb=rss_kb(self.manager_pid),
                                    worker_rss_kb=[rss_kb(p) for p in app.pids()])
                finally:
                    app.delete()

    def reload_under_load(self, app, tag, phase, rnd, n, **extra):
        lg = Loadgen(self, app.port, tag)
        time.sleep(1.0 + IDLE_WINDOW_S)
        t_a = time.monotonic()
        _, cp = app.reload(check=False)
        t_b = time.monotonic()
        time.sleep(1.0)
        summary = lg.stop()
        samples = lg.samples()
        win = window_stats(samples, t_a, t_b)
        idle_to = t_a - IDLE_GAP_S
        idle = window_stats(samples, idle_to - min(t_b - t_a, IDLE_WINDOW_S - IDLE_GAP_S), idle_to)
        row = dict(n=n, reload_s=t_b - t_a, exit=cp.returncode, failed_total=summary["failed"],
                   failures=summary["failures"], window=win, idle=idle, **extra)
        if cp.returncode != 0:
            row["reload_output"] = (cp.stdout + cp.stderr)[-2000:]
        if isinstance(app, ClusterctlApp):
            row["overhead"] = self.cc_overhead(app, t_a, t_b)
            events = []
            for line in cp.stdout.splitlines():
                try:
                    events.append(json.loads(line))
                except json.JSONDecodeError:
                    pass
            row["capacity"] = reload_capacity(events, n)
        self.record(phase, app.system, rnd, **row)
        self.timelines[(phase, app.system, n, extra.get("grace"))] = [(t - t_a, lat, ok) for t, lat, ok in samples]
        self.timelines[(phase, app.system, n, extra.get("grace"), "window")] = (0.0, t_b - t_a)
        return row

    def cc_overhead(self, app, t_a, t_b):
        """What clusterctl adds to a reload beyond the instances' own stop and start.
        For each instance (batch = 1, so one after another): ActiveExit = the old one leaves
        active, ExecMainStart = the new process runs, ActiveEnter = it sent READY=1. All on
        CLOCK_MONOTONIC, like time.monotonic()."""
        props = app.unit_props(["ActiveExitTimestampMonotonic", "ExecMainStartTimestampMonotonic",
                                "ActiveEnterTimestampMonotonic"])
        inst = []
        for p in props:
            ex = int(p["ActiveExitTimestampMonotonic"]) / 1e6
            st = int(p["ExecMainStartTimestampMonotonic"]) / 1e6
            en = int(p["ActiveEnterTimestampMonotonic"]) / 1e6
            if not (t_a <= ex <= en <= t_b):
                return {"error": f"{p['Id']} was not restarted within the reload"}
            inst.append((ex, st, en))
        inst.sort()
        wall = t_b - t_a
        startup = sum(en - st for ex, st, en in inst)
        restart = sum(en - ex for ex, st, en in inst)
        gaps = [inst[i + 1][0] - inst[i][2] for i in range(len(inst) - 1)]
        # Restarts may overlap (several at once): what clusterctl adds is the time no instance was
        # stopping or starting, and the time none was starting.
        return {"wall_s": wall, "startup_sum_s": startup, "stop_sum_s": sum(st - ex for ex, st, en in inst),
                "restart_sum_s": restart, "beyond_startup_s": wall - covered([(st, en) for ex, st, en in inst]),
                "beyond_restart_s": wall - covered([(ex, en) for ex, st, en in inst]),
                "head_s": inst[0][0] - t_a, "tail_s": t_b - inst[-1][2],
                "gap_median_s": statistics.median(gaps) if gaps else 0.0}

    def phase_reload(self, rnd):
        for n in self.reload_counts:
            for system in SYSTEMS:
                app = self.app(system, n)
                try:
                    app.start()
                    warm_up(app.port)
                    self.reload_under_load(app, f"reload-{system}-{n}", "reload", rnd, n,
                                           grace=None if system == "pm2" else 0.5)
                    if system != "pm2":
                        app.grace = 0.0
                        app.write_config()
                        self.reload_under_load(app, f"reload0-{system}-{n}", "reload", rnd, n, grace=0.0)
                finally:
                    app.delete()

    def phase_bad_deploy(self, rnd):
        settle = PM2_LISTEN_TIMEOUT_MS / 1000.0 + 2.0
        for system in SYSTEMS:
            app = self.app(system, 4)
            try:
                app.start()
                warm_up(app.port)
                app.flags = "--fail-before-ready"
                app.write_config()
                lg = Loadgen(self, app.port, f"bad-{system}")
                time.sleep(1.0)
                t_a = time.monotonic()
                _, cp = app.reload(check=False)
                t_b = time.monotonic()
                time.sleep(settle)
                summary = lg.stop()
                samples = lg.samples()
                # Then: who still answers? A short probe after everything settled.
                probe = Loadgen(self, app.port, f"probe-{system}", concurrency=4)
                time.sleep(2.0)
                psum = probe.stop()
                self.record("bad-deploy", system, rnd, reload_s=t_b - t_a, exit=cp.returncode,
                            failed_total=summary["failed"], failures=summary["failures"],
                            requests_total=summary["ok"] + summary["failed"],
                            serving_instances=len([k for k, v in psum["instances"].items() if v > 0]),
                            probe_ok=psum["ok"], probe_failed=psum["failed"],
                            active_after=app.active_count(),
                            reload_output=(cp.stdout + cp.stderr)[-1500:])
                self.timelines[("bad-deploy", system)] = [(t - t_a, lat, ok) for t, lat, ok in samples]
                self.timelines[("bad-deploy", system, "window")] = (0.0, t_b - t_a)
            finally:
                app.delete()

    def hyperfine(self, cmds, env):
        out = self.work / "hyperfine.json"
        cmd = ["hyperfine", "-N", "--style", "none", "--warmup", "2", "--runs", str(self.hyperfine_runs),
               "--export-json", str(out)] + [" ".join(shlex.quote(a) for a in c) for c in cmds]
        run(cmd, env=env)
        data = json.loads(out.read_text())["results"]
        return [{"median_ms": r["median"] * 1000, "mean_ms": r["mean"] * 1000, "stddev_ms": r["stddev"] * 1000,
                 "min_ms": r["min"] * 1000, "max_ms": r["max"] * 1000} for r in data]

    def phase_control(self, rnd):
        for system in ("ccs", "pm2"):
            app = self.app(system, self.counts[0])
            env = self.pm2_env if system == "pm2" else self.cc_env
            try:
                row = {"start_s": app.start()}
                prev = self.counts[0]
                for n in self.counts:
                    if n != prev:
                        row[f"scale_{prev}_{n}_s"] = app.scale(n)
                        prev = n
                    row[f"active_{n}"] = app.active_count()
                    cmds = app.status_cmds()
                    table, js = self.hyperfine([cmds["table"], cmds["json"]], env)
                    row[f"status_{n}"] = table
                    row[f"status_json_{n}"] = js
                    pids = app.pids()
                    row[f"worker_rss_kb_{n}"] = sum(rss_kb(p) or 0 for p in pids) / max(1, len(pids))
                    if system == "pm2":
                        row[f"god_rss_kb_{n}"] = rss_kb(self.god_pid())
                    else:
                        row[f"manager_rss_kb_{n}"] = rss_kb(self.manager_pid)
                row[f"stop_{prev}_s"] = app.stop()
                self.record("control", system, rnd, **row)
            finally:
                app.delete()

    def run(self):
        self.work.mkdir(parents=True, exist_ok=True)
        for f in self.work.iterdir():
            f.unlink()
        self.started = time.time()
        self.manager_rss_fresh_kb = rss_kb(self.manager_pid)
        log(f"{self.rounds} round(s) of {', '.join(self.phases)}; load only to 127.0.0.1")
        phases = {"steady": self.phase_steady, "reload": self.phase_reload,
                  "bad-deploy": self.phase_bad_deploy, "control": self.phase_control}
        for rnd in range(1, self.rounds + 1):
            for name in self.phases:
                log(f"round {rnd}/{self.rounds}: {name}")
                try:
                    phases[name](rnd)
                except Interrupted:
                    raise
                except Exception as e:  # keep measuring the rest; reported at the end
                    self.errors.append({"phase": name, "round": rnd, "error": str(e)[-3000:]})
                    log(f"  {name} failed in round {rnd}: {e}")
        self.finished = time.time()

    def cleanup(self):
        for p in self.children:
            if p.poll() is None:
                p.kill()
                p.wait()
        for name in list(self.cc_apps):
            run([self.clusterctl, "--user", "delete", name], env=self.cc_env, check=False, timeout=120)
        if self.pm2_used or (self.pm2_home / "pm2.pid").exists():
            run([self.pm2, "kill"], env=self.pm2_env, check=False, timeout=60)
            pid = self.god_pid()
            try:  # a stale pid file must not name someone else's process
                if pid and str(self.pm2_home).encode() in Path(f"/proc/{pid}/cmdline").read_bytes():
                    os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        # PM2's workers carry PM2_HOME in their environment: none may outlive us.
        needle = f"PM2_HOME={self.pm2_home}".encode() + b"\0"
        for p in Path("/proc").glob("[0-9]*"):
            try:
                if needle in (p / "environ").read_bytes() and int(p.name) != os.getpid():
                    os.kill(int(p.name), signal.SIGKILL)
            except (OSError, ValueError):
                pass


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--top", required=True)
    ap.add_argument("--clusterctl", required=True)
    ap.add_argument("--loadgen", required=True)
    ap.add_argument("--pm2", required=True)
    ap.add_argument("--pm2-home", required=True)
    ap.add_argument("--manager-state", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--out")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--rounds", type=int)
    ap.add_argument("--only")
    ap.add_argument("--hardening", choices=("none", "default", "strict"))
    args = ap.parse_args()
    # SIGINT too: started in the background by a non-interactive shell, we inherit it ignored.
    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, on_signal)

    bench = Bench(args)
    status = 0
    try:
        bench.run()
    except Interrupted as e:
        log(f"interrupted ({e}); cleaning up, no results written")
        status = 130
    finally:
        # A second Ctrl-C must not cut the clean-up short.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        bench.cleanup()
    if status:
        return status

    import report  # tests/bench/report.py: summary, Markdown table, plots
    report.write(bench)
    return 1 if bench.errors else 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(main())
