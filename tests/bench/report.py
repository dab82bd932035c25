"""Turns bench.py's measurements into bench-results.json, bench-results.md and the plots.
Every figure: the median over the rounds, its spread (min–max), and clusterctl ÷ PM2."""
import json
import math
import os
import platform
import re
import statistics
import subprocess
import time
from pathlib import Path

from bench import PM2_LISTEN_TIMEOUT_MS, SYSTEM_NAMES, SYSTEMS, LOAD_CONCURRENCY, WRK_CONNECTIONS, WRK_THREADS

CC_SYSTEMS = ("ccs", "ccr")


def sh(cmd, cwd=None):
    try:
        return subprocess.run(cmd, cwd=cwd, text=True, capture_output=True, timeout=30).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return ""


def machine(bench):
    cpu = ""
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = int(re.search(r"MemTotal:\s+(\d+)", open("/proc/meminfo").read()).group(1))
    os_name = ""
    if Path("/etc/os-release").exists():
        m = re.search(r'^PRETTY_NAME="?([^"\n]*)', Path("/etc/os-release").read_text(), re.M)
        os_name = m.group(1) if m else ""
    commit = sh(["git", "rev-parse", "--short=12", "HEAD"], cwd=bench.top) or os.environ.get("BENCH_COMMIT", "")
    dirty = bool(sh(["git", "status", "--porcelain", "--untracked-files=no"], cwd=bench.top))
    pm2_pkg = bench.pm2.resolve().parent.parent / "package.json"
    return {
        "cpu": cpu, "cpus": os.cpu_count(), "usable_cpus": len(os.sched_getaffinity(0)),
        "memory_gib": round(mem_kb / 1048576, 1), "kernel": platform.release(), "os": os_name,
        "systemd": sh(["systemctl", "--version"]).splitlines()[0] if sh(["systemctl", "--version"]) else "",
        "node": sh(["node", "--version"]),
        "pm2": json.loads(pm2_pkg.read_text())["version"] if pm2_pkg.exists() else "",
        "wrk": (sh(["wrk", "--version"]) or "").split(" [")[0].removeprefix("wrk "),
        "clusterctl": sh([str(bench.clusterctl), "--version"]),
        "commit": commit + ("-dirty" if dirty else ""),
    }


def spread(values):
    values = [v for v in values if v is not None]
    if not values:
        return None
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "n": len(values),
            "values": values}


class Figures:
    def __init__(self):
        self.items = []

    def add(self, section, key, label, unit, better, per_system):
        """per_system: system -> list of per-round values."""
        vals = {s: spread(v) for s, v in per_system.items() if spread(v)}
        if not vals:
            return
        fig = {"section": section, "key": key, "label": label, "unit": unit, "better": better, "values": vals}
        pm2 = vals.get("pm2")
        fig["ratio"] = {s: (vals[s]["median"] / pm2["median"] if pm2 and pm2["median"] else None)
                        for s in CC_SYSTEMS if s in vals}
        self.items.append(fig)

    def get(self, key):
        return next((f for f in self.items if f["key"] == key), None)


def rows(bench, phase, system=None, **match):
    out = []
    for r in bench.results:
        if r["phase"] != phase or (system and r["system"] != system):
            continue
        if all(r.get(k) == v for k, v in match.items()):
            out.append(r)
    return out


def build_figures(bench):
    F = Figures()
    # Steady state.
    for n in ("4", "max"):
        resolved = sorted({r["instances"] for r in rows(bench, "steady", n=n)})
        n_label = n if n != "max" else f"max (= {'/'.join(map(str, resolved))})"
        for mode, mode_label in (("close", "new connection per request"), ("keepalive", "keep-alive")):
            for metric, label, unit, better in (("rps", "throughput", "req/s", "higher"),
                                                ("p50_ms", "p50 latency", "ms", "lower"),
                                                ("p99_ms", "p99 latency", "ms", "lower")):
                F.add("steady", f"steady.{n}.{mode}.{metric}", f"{label}, {mode_label}, {n_label} instances", unit, better,
                      {s: [r[mode][metric] for r in rows(bench, "steady", s, n=n)] for s in SYSTEMS})
            F.add("steady", f"steady.{n}.{mode}.errors", f"wrk socket errors + non-2xx, {mode_label}, {n_label} instances",
                  "", "lower", {s: [r[mode]["socket_errors"] + r[mode]["non_2xx"] for r in rows(bench, "steady", s, n=n)]
                                for s in SYSTEMS})

    # Rolling reload under load.
    for n in bench.reload_counts:
        default = {s: rows(bench, "reload", s, n=n, grace=None if s == "pm2" else 0.5) for s in SYSTEMS}
        zero = {s: rows(bench, "reload", s, n=n, grace=0.0) for s in CC_SYSTEMS}
        F.add("reload", f"reload.{n}.failed", f"failed requests, {n} instances", "", "lower",
              {s: [r["failed_total"] for r in v] for s, v in default.items()})
        for metric, label in (("p50_ms", "p50"), ("p99_ms", "p99"), ("max_ms", "max")):
            F.add("reload", f"reload.{n}.{metric}", f"{label} latency during the reload, {n} instances", "ms", "lower",
                  {s: [r["window"][metric] for r in v] for s, v in default.items()})
        F.add("reload", f"reload.{n}.idle_max", f"max latency under the same load without a reload (as long as "
              f"the reload, just before it), {n} instances", "ms", "lower",
              {s: [r["idle"]["max_ms"] for r in v if r.get("idle")] for s, v in default.items()})
        F.add("reload", f"reload.{n}.duration", f"reload duration, {n} instances (clusterctl: its defaults)",
              "s", "lower", {s: [r["reload_s"] for r in v] for s, v in default.items()})
        F.add("reload", f"reload.{n}.capacity", f"fewest instances serving during the reload, of {n} (from "
              "clusterctl's events; spares count)", "", "higher",
              {s: [r["capacity"]["lowest"] for r in v if r.get("capacity")] for s, v in default.items()})
        F.add("reload", f"reload.{n}.duration0", f"reload duration, {n} instances, rollout.grace 0", "s", "lower",
              {s: [r["reload_s"] for r in v] for s, v in zero.items()} | {"pm2": [r["reload_s"] for r in default["pm2"]]})
        F.add("reload", f"reload.{n}.failed0", f"failed requests, {n} instances, rollout.grace 0", "", "lower",
              {s: [r["failed_total"] for r in v] for s, v in zero.items()})
        F.add("reload", f"reload.{n}.startup", f"Σ instances' own start-up (exec → READY=1), {n} instances", "s",
              "lower", {s: [r["overhead"].get("startup_sum_s") for r in v] for s, v in zero.items()})
        F.add("reload", f"reload.{n}.stops", f"Σ instances' stop (leaves active → new process runs), {n} instances",
              "s", "lower", {s: [r["overhead"].get("stop_sum_s") for r in v] for s, v in zero.items()})
        F.add("reload", f"reload.{n}.beyond_startup", f"reload time beyond the instances' own start-up, {n} instances "
              "(grace 0: duration − Σ start-up)", "s", "lower",
              {s: [r["overhead"].get("beyond_startup_s") for r in v] for s, v in zero.items()})
        F.add("reload", f"reload.{n}.overhead", f"clusterctl's own time, {n} instances (grace 0: duration − Σ stop − "
              "Σ start-up)", "s", "lower",
              {s: [r["overhead"].get("beyond_restart_s") for r in v] for s, v in zero.items()})

    # Bad deploy.
    F.add("bad-deploy", "bad.failed", "failed requests (reload + settle)", "", "lower",
          {s: [r["failed_total"] for r in rows(bench, "bad-deploy", s)] for s in SYSTEMS})
    F.add("bad-deploy", "bad.ok", "requests served (reload + settle)", "", "higher",
          {s: [r["requests_total"] - r["failed_total"] for r in rows(bench, "bad-deploy", s)] for s in SYSTEMS})
    F.add("bad-deploy", "bad.serving", "instances still serving afterwards (of 4)", "", "higher",
          {s: [r["serving_instances"] for r in rows(bench, "bad-deploy", s)] for s in SYSTEMS})
    F.add("bad-deploy", "bad.probe_failed", "failed requests of a 2 s probe afterwards", "", "lower",
          {s: [r["probe_failed"] for r in rows(bench, "bad-deploy", s)] for s in SYSTEMS})
    F.add("bad-deploy", "bad.active", "instances the supervisor calls active/online afterwards", "", "",
          {s: [r["active_after"] for r in rows(bench, "bad-deploy", s)] for s in SYSTEMS})
    F.add("bad-deploy", "bad.exit", "exit status of the reload command", "", "",
          {s: [r["exit"] for r in rows(bench, "bad-deploy", s)] for s in SYSTEMS})
    F.add("bad-deploy", "bad.duration", "reload command duration", "s", "lower",
          {s: [r["reload_s"] for r in rows(bench, "bad-deploy", s)] for s in SYSTEMS})

    # Control plane (clusterctl in shared mode; reuseport changes nothing here).
    ctl = {s: rows(bench, "control", s) for s in ("ccs", "pm2")}
    for n in bench.counts:
        F.add("control", f"control.status.{n}", f"status latency, {n} instances (`status` / `pm2 ls`)", "ms", "lower",
              {s: [r[f"status_{n}"]["median_ms"] for r in v if f"status_{n}" in r] for s, v in ctl.items()})
        F.add("control", f"control.status_json.{n}", f"status latency, {n} instances (`status --json` / `pm2 jlist`)",
              "ms", "lower",
              {s: [r[f"status_json_{n}"]["median_ms"] for r in v if f"status_json_{n}" in r] for s, v in ctl.items()})
    F.add("control", "control.start", f"start {bench.counts[0]} instances, until ready", "s", "lower",
          {s: [r["start_s"] for r in v] for s, v in ctl.items()})
    for a, b in zip(bench.counts, bench.counts[1:]):
        F.add("control", f"control.scale.{a}.{b}", f"scale {a} → {b}, until ready", "s", "lower",
              {s: [r.get(f"scale_{a}_{b}_s") for r in v] for s, v in ctl.items()})
    last = bench.counts[-1]
    F.add("control", "control.stop", f"stop {last} instances", "s", "lower",
          {s: [r.get(f"stop_{last}_s") for r in v] for s, v in ctl.items()})

    # Memory.
    god4 = [r["god_rss_kb"] / 1024 for r in rows(bench, "memory-steady", "pm2") if r.get("god_rss_kb")]
    F.add("memory", "memory.supervisor", "resident memory of the supervisor (PM2: God daemon, after load, 4 instances)",
          "MB", "lower", {"ccs": [0.0] * len(god4), "pm2": god4})
    F.add("memory", "memory.supervisor.last", f"PM2 God daemon at {last} instances", "MB", "lower",
          {"ccs": [0.0 for _ in ctl["pm2"]], "pm2": [r[f"god_rss_kb_{last}"] / 1024 for r in ctl["pm2"]
                                                    if r.get(f"god_rss_kb_{last}")]})
    first = bench.counts[0]
    F.add("memory", "memory.per_instance", f"supervisor growth per instance, {first} → {last} "
          "(clusterctl: the systemd user manager)", "KB", "lower",
          {"ccs": [(r[f"manager_rss_kb_{last}"] - r[f"manager_rss_kb_{first}"]) / (last - first) for r in ctl["ccs"]
                   if r.get(f"manager_rss_kb_{last}")],
           "pm2": [(r[f"god_rss_kb_{last}"] - r[f"god_rss_kb_{first}"]) / (last - first) for r in ctl["pm2"]
                   if r.get(f"god_rss_kb_{last}")]})
    F.add("memory", "memory.worker", "resident memory per app instance (4 instances, after load)", "MB", "lower",
          {s: [statistics.mean(r["worker_rss_kb"]) / 1024 for r in rows(bench, "memory-steady", s)
               if r.get("worker_rss_kb") and all(r["worker_rss_kb"])] for s in SYSTEMS})
    return F


# --- targets ----------------------------------------------------------------------------------

def targets(F, bench):
    out = []

    def add(name, met, detail):
        out.append({"target": name, "met": met, "detail": detail})

    for key, what in (("reload", "reload"), ("bad", "bad deploy")):
        figs = [f for f in F.items if f["key"].startswith(key + ".") and "failed" in f["key"]
                and not f["key"].endswith("probe_failed")]
        worst = {s: max((max(f["values"][s]["values"]) for f in figs if s in f["values"]), default=None)
                 for s in CC_SYSTEMS}
        pm2 = max((max(f["values"]["pm2"]["values"]) for f in figs if "pm2" in f["values"]), default=None)
        if all(v is None for v in worst.values()):
            continue
        met = all(v == 0 for v in worst.values() if v is not None)
        add(f"zero failed requests during {what}", met,
            ", ".join(f"{SYSTEM_NAMES[s]}: at most {v}" for s, v in worst.items() if v is not None)
            + (f" (PM2: at most {pm2})" if pm2 is not None else ""))
    for n in bench.reload_counts:
        d, m = F.get(f"reload.{n}.duration"), F.get(f"reload.{n}.max_ms")
        if d and "pm2" in d["values"]:
            r = {s: d["ratio"].get(s) for s in CC_SYSTEMS}
            add(f"reload with the defaults no longer than PM2's, {n} instances",
                all(v is not None and v <= 1 for v in r.values()),
                ", ".join(f"{SYSTEM_NAMES[s]} {v:.2f}×" for s, v in r.items() if v is not None))
        if m and "pm2" in m["values"]:
            r = {s: m["ratio"].get(s) for s in CC_SYSTEMS}
            idle = F.get(f"reload.{n}.idle_max")
            floor = "" if not idle else "; the same load without a reload: " + ", ".join(
                f"{SYSTEM_NAMES[s]} {idle['values'][s]['median']:.0f} ms" for s in SYSTEMS if s in idle["values"])
            add(f"worst request during the reload waits no longer than PM2's, {n} instances",
                all(v is not None and v <= 1 for v in r.values()),
                ", ".join(f"{SYSTEM_NAMES[s]} {v:.2f}×" for s, v in r.items() if v is not None) + floor)
        c = F.get(f"reload.{n}.capacity")
        if c:
            # Defaults: batch 1, so one instance out at most; with a spare (shared socket) none.
            low = {s: c["values"][s]["min"] for s in CC_SYSTEMS if s in c["values"]}
            add(f"capacity during the reload never below what the batch allows ({n} − 1), {n} instances",
                all(v >= n - 1 for v in low.values()),
                ", ".join(f"{SYSTEM_NAMES[s]}: at least {v}" for s, v in low.items()))
    for n in ("4", "max"):
        f = F.get(f"steady.{n}.close.rps")
        if f:
            r = {s: f["ratio"].get(s) for s in CC_SYSTEMS}
            add(f"throughput ≥ 1.8× PM2, new connection per request, {n} instances",
                all(v is not None and v >= 1.8 for v in r.values()),
                ", ".join(f"{SYSTEM_NAMES[s]} {v:.2f}×" for s, v in r.items() if v is not None))
    for n in bench.counts:
        f = F.get(f"control.status.{n}")
        g = F.get(f"control.status_json.{n}")
        if f and g and f["ratio"].get("ccs") and g["ratio"].get("ccs"):
            a, b = 1 / f["ratio"]["ccs"], 1 / g["ratio"]["ccs"]
            add(f"status ≥ 20× faster, {n} instances", a >= 20 and b >= 20,
                f"{a:.0f}× vs `pm2 ls`, {b:.0f}× vs `pm2 jlist`")
    f = F.get("memory.supervisor")
    if f:
        add("supervisor memory 0 vs PM2's ~90 MB", True,
            f"0 vs {f['values']['pm2']['median']:.0f} MB (God daemon, after load)")
    return out


# --- output -----------------------------------------------------------------------------------

def fmt(v, unit):
    if v is None:
        return "—"
    if unit in ("", "instances") and float(v).is_integer():
        return f"{int(v)}"
    if unit == "req/s":
        return f"{v:,.0f}"
    if unit == "s":
        return f"{v:.2f}"
    if unit in ("MB", "KB"):
        return f"{v:.1f}" if abs(v) < 100 else f"{v:.0f}"
    if unit == "ms":
        return f"{v:.2f}" if v < 10 else f"{v:.1f}" if v < 100 else f"{v:.0f}"
    return f"{v:.2f}" if isinstance(v, float) else str(v)


def cell(fig, s):
    v = fig["values"].get(s)
    if not v:
        return "—"
    text = fmt(v["median"], fig["unit"])
    if v["n"] > 1 and v["min"] != v["max"]:
        text += f" ({fmt(v['min'], fig['unit'])}–{fmt(v['max'], fig['unit'])})"
    return text


def ratio_cell(fig, s):
    r = fig["ratio"].get(s)
    if r is None:
        return "—"
    return f"{r:.2f}" if r < 100 else f"{r:.0f}"


SECTIONS = (("steady", "Steady state (wrk, %d threads, %d connections)" % (WRK_THREADS, WRK_CONNECTIONS)),
            ("reload", "Rolling reload under load (loadgen, %d workers, a new connection per request)"
             % LOAD_CONCURRENCY),
            ("bad-deploy", "Bad deploy under load: the new version exits before it is ready (4 instances)"),
            ("control", "Control plane (hyperfine medians)"),
            ("memory", "Memory"))


def markdown(F, T, meta, bench):
    lines = [f"# clusterctl vs PM2 — {time.strftime('%Y-%m-%d', time.gmtime(bench.started))}", ""]
    m = meta["machine"]
    lines += [f"Machine: {m['cpu']}, {m['usable_cpus']} CPUs usable, {m['memory_gib']} GiB, {m['os']}, "
              f"kernel {m['kernel']}; {m['systemd']}; Node {m['node']}; PM2 {m['pm2']}; wrk {m['wrk']}; "
              f"{m['clusterctl']} at {m['commit']}.",
              f"Run: `{meta['command']}` — {meta['rounds']} round(s) of A/B alternation, "
              f"{meta['duration_min']:.0f} min; cells are median (min–max) over the rounds; "
              f"ratio = clusterctl ÷ PM2. clusterctl's apps run with hardening = "
              f"{bench.hardening or 'its default'}; PM2 has no sandboxing.",
              f"Load average during the run: median {meta['loadavg_median']:.2f}; another private systemd manager "
              f"(the test suite's) was running during {meta['others_share']:.0%} of the measurements.", ""]
    for section, title in SECTIONS:
        figs = [f for f in F.items if f["section"] == section]
        if not figs:
            continue
        lines += [f"### {title}", "",
                  "| figure | unit | clusterctl shared | clusterctl reuseport | PM2 | shared ÷ PM2 | reuseport ÷ PM2 |",
                  "|---|---|---|---|---|---|---|"]
        for f in figs:
            lines.append(f"| {f['label']} | {f['unit']} | {cell(f, 'ccs')} | {cell(f, 'ccr')} | {cell(f, 'pm2')} | "
                         f"{ratio_cell(f, 'ccs')} | {ratio_cell(f, 'ccr')} |")
        lines.append("")
    lines += ["### Targets", ""]
    for t in T:
        lines.append(f"- {'met' if t['met'] else '**missed**'}: {t['target']} — {t['detail']}")
    if bench.errors:
        lines += ["", "### Errors during the run", ""]
        for e in bench.errors:
            lines.append(f"- round {e['round']}, {e['phase']}: `{e['error'].splitlines()[0][:300]}`")
    lines.append("")
    return "\n".join(lines)


def bucketize(samples, t_lo, t_hi, width=0.1):
    nb = int((t_hi - t_lo) / width) + 1
    buckets = [[] for _ in range(nb)]
    failed = [0] * nb
    for t, lat, ok in samples:
        if t_lo <= t < t_hi:
            k = int((t - t_lo) / width)
            if ok:
                buckets[k].append(lat)
            else:
                failed[k] += 1
    out = []
    for k in range(nb):
        lat = sorted(buckets[k])
        mid = t_lo + (k + 0.5) * width
        p99 = lat[min(len(lat) - 1, int(0.99 * len(lat)))] if lat else None
        out.append((mid, p99, lat[-1] if lat else None, failed[k], len(lat) / width))
    return out


def write_dat(path, rows_):
    with open(path, "w") as f:
        for mid, p99, mx, failed, rate in rows_:
            f.write(f"{mid:.3f} {p99 if p99 is not None else 'NaN'} {mx if mx is not None else 'NaN'} "
                    f"{failed} {rate:.0f}\n")


def plot(bench, out_dir):
    """Two PNGs: latency over the reload window (4 instances), and the bad deploy."""
    made = []
    panels, keys = [], []
    for s in SYSTEMS:
        key = ("reload", s, 4, None if s == "pm2" else 0.5)
        if key in bench.timelines:
            keys.append(key)
            w = bench.timelines[key + ("window",)]
            dat = bench.work / f"plot-reload-{s}.dat"
            write_dat(dat, bucketize(bench.timelines[key], -1.0, w[1] + 1.0))
            panels.append((s, dat, w[1]))
    if panels:
        xmax = max(p[2] for p in panels) + 1.0
        ymax = 10 ** math.ceil(math.log10(max(max((lat for _, lat, ok in bench.timelines[k] if ok), default=1.0)
                                              for k in keys) * 1.5))
        gp = [f'set terminal pngcairo size 1100,{260 * len(panels) + 60} font "sans,10"',
              f'set output "{out_dir / "reload-latency.png"}"',
              f"set multiplot layout {len(panels)},1 title "
              f'"Latency during a rolling reload of 4 instances under load (per 100 ms; shaded: the reload command)"',
              "set logscale y", f"set yrange [0.1:{ymax:.0f}]", f"set xrange [-1:{xmax:.2f}]",
              'set ylabel "latency (ms)"', "set y2range [0:*]", 'set y2label "failed / 100 ms"', "set y2tics",
              "set ytics nomirror", "set grid ytics", "set key top left"]
        for s, dat, end in panels:
            gp += ["unset object", f"set object 1 rect from 0,graph 0 to {end:.3f},graph 1 fc rgb '#eeeeee' behind",
                   f'set title "{SYSTEM_NAMES[s]}: reload took {end:.2f} s"',
                   'set xlabel "seconds since the reload command started"' if s == panels[-1][0] else "unset xlabel",
                   f'plot "{dat}" u 1:3 w steps lw 1.5 lc rgb "#c0392b" t "max", '
                   f'"{dat}" u 1:2 w steps lw 1.5 lc rgb "#2c3e50" t "p99", '
                   f'"{dat}" u 1:($4>0?$4:NaN) axes x1y2 w impulses lw 3 lc rgb "#e67e22" t "failed"']
        gp.append("unset multiplot")
        (bench.work / "reload.gp").write_text("\n".join(gp) + "\n")
        subprocess.run(["gnuplot", str(bench.work / "reload.gp")], check=True)
        made.append("reload-latency.png")

    panels = []
    for s in SYSTEMS:
        key = ("bad-deploy", s)
        if key in bench.timelines:
            w = bench.timelines[key + ("window",)]
            dat = bench.work / f"plot-bad-{s}.dat"
            end = max(t for t, _, _ in bench.timelines[key])
            write_dat(dat, bucketize(bench.timelines[key], -1.0, end))
            panels.append((s, dat, w[1], end))
    if panels:
        xmax = max(p[3] for p in panels)
        gp = [f'set terminal pngcairo size 1100,{220 * len(panels) + 60} font "sans,10"',
              f'set output "{out_dir / "bad-deploy.png"}"',
              f"set multiplot layout {len(panels)},1 title "
              f'"Bad deploy under load (4 instances; per 100 ms; shaded: the reload command)"',
              f"set xrange [-1:{xmax:.2f}]", "set yrange [0:*]", 'set ylabel "ok requests/s"', "set grid ytics",
              "set y2range [0:*]", 'set y2label "failed / 100 ms"', "set y2tics", "set ytics nomirror",
              "set key bottom left"]
        for s, dat, end, _ in panels:
            gp += ["unset object", f"set object 1 rect from 0,graph 0 to {end:.3f},graph 1 fc rgb '#eeeeee' behind",
                   f'set title "{SYSTEM_NAMES[s]}"',
                   'set xlabel "seconds since the reload command started"' if s == panels[-1][0] else "unset xlabel",
                   f'plot "{dat}" u 1:5 w steps lw 1.5 lc rgb "#27ae60" t "ok", '
                   f'"{dat}" u 1:4 axes x1y2 w steps lw 1.5 lc rgb "#c0392b" t "failed"']
        gp.append("unset multiplot")
        (bench.work / "bad.gp").write_text("\n".join(gp) + "\n")
        subprocess.run(["gnuplot", str(bench.work / "bad.gp")], check=True)
        made.append("bad-deploy.png")
    return made


def write(bench):
    out = bench.out
    out.mkdir(parents=True, exist_ok=True)
    F = build_figures(bench)
    T = targets(F, bench)
    loads = [r["loadavg"] for r in bench.results if r.get("loadavg") is not None]
    argv = " ".join(a for a in ["tests/bench/run.sh", "--quick" if bench.quick else "",
                                f"--rounds {bench.args.rounds}" if bench.args.rounds else "",
                                f"--only {bench.args.only}" if bench.args.only else "",
                                f"--hardening {bench.hardening}" if bench.hardening else ""] if a)
    meta = {"machine": machine(bench), "command": argv, "rounds": bench.rounds,
            "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(bench.started)),
            "duration_min": (bench.finished - bench.started) / 60,
            "loadavg_median": statistics.median(loads) if loads else 0.0,
            "others_share": (sum(1 for r in bench.results if r["other_managers"]) / len(bench.results)
                             if bench.results else 0.0),
            "manager_rss_fresh_kb": bench.manager_rss_fresh_kb,
            "settings": {"wrk": f"-t{WRK_THREADS} -c{WRK_CONNECTIONS} -d{bench.steady_s}s",
                         "loadgen_concurrency": LOAD_CONCURRENCY, "pm2_listen_timeout_ms": PM2_LISTEN_TIMEOUT_MS,
                         "hyperfine_runs": bench.hyperfine_runs, "counts": bench.counts,
                         "reload_counts": bench.reload_counts,
                         "clusterctl_hardening": bench.hardening or "clusterctl's default"}}
    made = plot(bench, out)
    doc = {"meta": meta, "figures": F.items, "targets": T, "errors": bench.errors, "raw": bench.results,
           "plots": made}
    (out / "bench-results.json").write_text(json.dumps(doc, indent=1) + "\n")
    md = markdown(F, T, meta, bench)
    md += "".join(f"\n![{p}]({p})\n" for p in made)
    (out / "bench-results.md").write_text(md)
    print(md)
