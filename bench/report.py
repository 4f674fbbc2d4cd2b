#!/usr/bin/env python3
"""Turns the JSON lines scripts/bench collected into BENCHMARKS.md.

Usage: report.py RESULTS.jsonl OUT.md

Every figure in the output comes from RESULTS.jsonl or from this machine at report time
(CPU model, memory, kernel, rustc); nothing is typed in by hand. Medians over the runs; the
range (min-max) is shown where it helps to judge the noise.
"""

import datetime
import json
import os
import platform
import statistics
import subprocess
import sys

MIB = 1024 * 1024

# Targets from issue 7.
PY_CPU_RATIO_MIN = 30.0  # at least 30x less CPU per call than the Python SDK
FLOOR_RATIO_MAX = 1.2  # within 1.2x of the bare-reqwest floor
CURL_RATIO_MIN = 0.9  # at least 0.9x curl's throughput
RSS_MAX_MIB = 32.0  # peak RSS under 32 MiB
RSS_FLAT_MIB = 2.0  # "the same at every size": medians within 2 MiB of each other (allocator noise)


def sh(*cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def machine():
    model = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    mem_kib = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem_kib = int(line.split()[1])
    return {
        "nproc": os.cpu_count(),
        "cpu": model,
        "memory": "%.1f GiB" % (mem_kib / 1024 / 1024),
        "kernel": platform.release(),
        "rustc": sh("rustc", "-V"),
        "python": sh(".venv/bin/python", "-c",
                     "import sys, tencentcloud; print('Python %d.%d.%d' % sys.version_info[:3], "
                     "'tencentcloud-sdk-python', tencentcloud.__version__)"),
        "curl": sh("curl", "--version").splitlines()[0] if sh("curl", "--version") != "unknown" else "unknown",
    }


def med(xs):
    return statistics.median(xs) if xs else None


def rng(xs, fmt):
    return (fmt % min(xs)) + "–" + (fmt % max(xs)) if xs else "n/a"


def main():
    results_path, out_path = sys.argv[1], sys.argv[2]
    rows = [json.loads(line) for line in open(results_path) if line.strip()]
    meta = next((r for r in rows if r["section"] == "meta"), {})
    meta_end = next((r for r in rows if r["section"] == "meta_end"), {})
    m = machine()
    skipped = [s for s in meta.get("skip", "").split(",") if s]
    out = []
    w = out.append

    w("# Benchmarks")
    w("")
    w("Written by `scripts/bench` on %s; every figure below comes from that run. Medians of %d "
      "runs (%d for the per-call figures) unless a row says otherwise; ranges are min–max over "
      "the runs."
      % (datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
         meta.get("repeats", 0), meta.get("call_repeats", meta.get("repeats", 0))))
    w("")
    w("Reproduce: `scripts/bench` from the repository root (see the script's header for the "
      "knobs; `BENCH_WAIT_LOAD=1.0 scripts/bench` first waits for a quiet machine).")
    w("")
    w("| machine | |")
    w("|---|---|")
    w("| CPUs (nproc) | %s |" % m["nproc"])
    w("| CPU model | %s |" % m["cpu"])
    w("| memory | %s |" % m["memory"])
    w("| kernel | %s |" % m["kernel"])
    w("| rustc | %s |" % m["rustc"])
    w("| Python SDK | %s |" % m["python"])
    w("| curl | %s |" % m["curl"])
    w("| load average (1, 5, 15 min) at start | %s |" % meta.get("load_start", "n/a"))
    w("| load average at end | %s |" % meta_end.get("load_end", "n/a"))
    w("")
    loads = [r for r in rows if r["section"] == "load"]
    if loads:
        w("Load average (1, 5, 15 min) when each section started: %s."
          % "; ".join("%s %s" % (r["at"], r["load"]) for r in loads))
        w("")
    if skipped:
        w("Sections skipped in this run (`BENCH_SKIP`): %s." % ", ".join(skipped))
        w("")

    # ---- per-call cost
    calls = [r for r in rows if r["section"] == "calls"]
    by_variant = {}
    for r in calls:
        res = r["result"]
        by_variant.setdefault(r["variant"], []).append({
            "cpu_us": (res["user_s"] + res["sys_s"]) / res["calls"] * 1e6,
            "user_us": res["user_s"] / res["calls"] * 1e6,
            "sys_us": res["sys_s"] / res["calls"] * 1e6,
            "wall_us": res["wall_s"] / res["calls"] * 1e6,
        })

    def cpu(variant):
        return med([x["cpu_us"] for x in by_variant.get(variant, [])])

    def wall(variant):
        return med([x["wall_us"] for x in by_variant.get(variant, [])])

    # ---- downloads
    dl = [r for r in rows if r["section"] == "download"]
    dl_by = {}
    for r in dl:
        dl_by.setdefault((r["tool"], r["mib"]), []).append(r)

    def throughput(tool, mib):
        xs = dl_by.get((tool, mib), [])
        return med([x["bytes"] / (x["wall_ns"] / 1e9) / MIB for x in xs])

    def rss_mib(tool, mib):
        xs = dl_by.get((tool, mib), [])
        return med([x["rss_kib"] / 1024 for x in xs])

    def rss_max_mib(tool, mib):
        xs = dl_by.get((tool, mib), [])
        return max([x["rss_kib"] / 1024 for x in xs]) if xs else None

    # ---- targets summary
    w("## Targets")
    w("")
    w("| target (issue 7) | measured | target | ratio to target | met |")
    w("|---|---|---|---|---|")

    def verdict(ok):
        return "yes" if ok else "**no**"

    ours, py, floor = cpu("client-current"), cpu("python-sdk"), cpu("floor-current")
    if ours and py:
        ratio = py / ours
        w("| CPU per call: Python SDK ÷ this client | %.1fx (%.0f µs vs %.1f µs) | ≥ %.0fx | %.2f | %s |"
          % (ratio, py, ours, PY_CPU_RATIO_MIN, ratio / PY_CPU_RATIO_MIN, verdict(ratio >= PY_CPU_RATIO_MIN)))
    if floor and py:
        w("| (context, not a target) Python SDK ÷ the floor itself | %.1fx (%.0f µs vs %.1f µs) | | | |"
          % (py / floor, py, floor))
    cm, fm = cpu("client-multi"), cpu("floor-multi")
    if cm and py:
        ratio = py / cm
        w("| same, this client on a multi-thread runtime | %.1fx (%.0f µs vs %.1f µs) | ≥ %.0fx | %.2f | %s |"
          % (ratio, py, cm, PY_CPU_RATIO_MIN, ratio / PY_CPU_RATIO_MIN, verdict(ratio >= PY_CPU_RATIO_MIN)))
    if ours and floor:
        ratio = ours / floor
        w("| CPU per call: this client ÷ bare-reqwest floor | %.2fx (%.1f µs vs %.1f µs) | ≤ %.1fx | %.2f | %s |"
          % (ratio, ours, floor, FLOOR_RATIO_MAX, ratio / FLOOR_RATIO_MAX, verdict(ratio <= FLOOR_RATIO_MAX)))
    if cm and fm:
        ratio = cm / fm
        w("| same, both on a multi-thread runtime | %.2fx (%.1f µs vs %.1f µs) | ≤ %.1fx | %.2f | %s |"
          % (ratio, cm, fm, FLOOR_RATIO_MAX, ratio / FLOOR_RATIO_MAX, verdict(ratio <= FLOOR_RATIO_MAX)))
    wo, wf = wall("client-current"), wall("floor-current")
    if wo and wf:
        ratio = wo / wf
        w("| wall time per call: this client ÷ floor | %.2fx (%.1f µs vs %.1f µs) | ≤ %.1fx | %.2f | %s |"
          % (ratio, wo, wf, FLOOR_RATIO_MAX, ratio / FLOOR_RATIO_MAX, verdict(ratio <= FLOOR_RATIO_MAX)))
    tt, tc = throughput("tcredis", 1024), throughput("curl", 1024)
    if tt and tc:
        ratio = tt / tc
        w("| download throughput, 1 GiB: tcredis ÷ curl | %.2fx (%.0f vs %.0f MiB/s) | ≥ %.1fx | %.2f | %s |"
          % (ratio, tt, tc, CURL_RATIO_MIN, ratio / CURL_RATIO_MIN, verdict(ratio >= CURL_RATIO_MIN)))
    ts = throughput("curl+fsync", 1024)
    if tt and ts:
        w("| (context, not a target) same, curl followed by an fsync of its file, as tcredis does | %.2fx (%.0f vs %.0f MiB/s) | | | |"
          % (tt / ts, tt, ts))
    mt, mc = throughput("tcredis (tmpfs)", 1024), throughput("curl (tmpfs)", 1024)
    if mt and mc:
        w("| (context, not a target) same, both writing to tmpfs, so no disk in the way | %.2fx (%.0f vs %.0f MiB/s) | | | |"
          % (mt / mc, mt, mc))
    sizes = sorted({r["mib"] for r in dl if r["tool"] == "tcredis"})
    if sizes:
        peaks = {s: rss_max_mib("tcredis", s) for s in sizes}
        worst = max(peaks.values())
        w("| peak RSS of tcredis download, worst run at any size | %.1f MiB | < %.0f MiB | %.2f | %s |"
          % (worst, RSS_MAX_MIB, worst / RSS_MAX_MIB, verdict(worst < RSS_MAX_MIB)))
        medians = {s: rss_mib("tcredis", s) for s in sizes}
        lo, hi = min(medians.values()), max(medians.values())
        w("| peak RSS flat across %s: max − min of the medians | %.1f MiB (%s) | ≤ %.0f MiB | %.2f | %s |"
          % (", ".join(size_name(s) for s in sizes), hi - lo,
             ", ".join("%.1f" % medians[s] for s in sizes), RSS_FLAT_MIB,
             (hi - lo) / RSS_FLAT_MIB, verdict(hi - lo <= RSS_FLAT_MIB)))
    w("")

    if calls:
        w("## Per-call client cost")
        w("")
        w("%d sequential keep-alive `DescribeBackupUrl` calls per run against the emulator on "
          "127.0.0.1 (started with `--no-rate-limit`; clients with rate limiting and retries off), "
          "after one warm-up call. CPU is the client process's user+sys time over the timed loop "
          "(getrusage), so the emulator's own CPU is not counted. *floor*: a bare reqwest loop "
          "posting requests signed before the loop with the transport's `sign::Signer` (no JSON "
          "work while timed). *current-thread*: tokio's current-thread runtime; *multi-thread*: the "
          "multi-thread runtime with the loop in `block_on` on the main thread, as in a "
          "`#[tokio::main]` function; *spawned task*: the loop in a task on a worker thread, as in "
          "a server's request handler."
          % meta.get("calls", 0))
        w("")
        w("| client | CPU µs/call | user µs | sys µs | CPU range µs | wall µs/call | wall range µs | runs |")
        w("|---|---|---|---|---|---|---|---|")
        names = {
            "client-current": "this client (tokio current-thread)",
            "client-multi": "this client (tokio multi-thread)",
            "floor-current": "floor: bare reqwest, pre-signed (current-thread)",
            "floor-multi": "floor: bare reqwest, pre-signed (multi-thread)",
            "client-multi-spawned": "this client (multi-thread, loop in a spawned task)",
            "floor-multi-spawned": "floor: bare reqwest, pre-signed (multi-thread, spawned task)",
            "python-sdk": "official Python SDK (keepAlive=True)",
        }
        for variant in ["client-current", "floor-current", "client-multi", "floor-multi",
                        "client-multi-spawned", "floor-multi-spawned", "python-sdk"]:
            xs = by_variant.get(variant)
            if not xs:
                continue
            w("| %s | %.1f | %.1f | %.1f | %s | %.1f | %s | %d |" % (
                names[variant], med([x["cpu_us"] for x in xs]), med([x["user_us"] for x in xs]),
                med([x["sys_us"] for x in xs]), rng([x["cpu_us"] for x in xs], "%.1f"),
                med([x["wall_us"] for x in xs]), rng([x["wall_us"] for x in xs], "%.1f"), len(xs)))
        w("")

    if dl:
        w("## Downloads")
        w("")
        w("One backup file of each size served by the emulator from its data folder (in the page "
          "cache), written to a local folder. `tcredis download` (release build; streams, checks "
          "size and checksum, writes NAME.part then renames) vs `curl -sS -o` of the same public "
          "URL (from DescribeBackupUrl). tcredis fsyncs the file before the rename and curl does "
          "not, so *curl+fsync* also times `curl -o FILE` followed by `sync FILE` (an fsync). "
          "The *(tmpfs)* rows write to a folder in /dev/shm, where neither the disk nor fsync "
          "costs anything, which leaves the network, the checksum and the copies. `sync` runs "
          "before every timed run so no write-back of an earlier run is pending. Wall time from "
          "process start to exit; peak RSS is `/usr/bin/time -f %M`.")
        w("")
        w("| file | tool | median s | throughput MiB/s (median) | range MiB/s | peak RSS MiB (median) | peak RSS max | runs |")
        w("|---|---|---|---|---|---|---|---|")
        for (tool, mib), xs in sorted(dl_by.items(), key=lambda kv: (kv[0][1], kv[0][0] != "tcredis", kv[0][0])):
            secs = [x["wall_ns"] / 1e9 for x in xs]
            tps = [x["bytes"] / s / MIB for x, s in zip(xs, secs)]
            w("| %s | %s | %.2f | %.0f | %s | %.1f | %.1f | %d |" % (
                size_name(mib), tool, med(secs), med(tps), rng(tps, "%.0f"),
                rss_mib(tool, mib), rss_max_mib(tool, mib), len(xs)))
        w("")

    gen = [r for r in rows if r["section"] == "generation"]
    build = [r for r in rows if r["section"] == "build"]
    if gen or build:
        w("## Generation and build")
        w("")
        if gen:
            w("Generation: `tc-codegen render` built in the dev profile, which is the profile "
              "build.rs runs the generator in (the root Cargo.toml optimizes the generator and "
              "syn/prettyplease/proc-macro2/quote/serde_json there); it does what build.rs does: "
              "read the schema folder, validate, emit, format with prettyplease. The whole API is "
              "the vendor spec imported with `tc-codegen import-api-json`.")
            w("")
            w("| what | actions | generated lines | median ms | range ms | runs |")
            w("|---|---|---|---|---|---|")
            for which, label in [("committed", "generation, committed schema"),
                                 ("whole", "generation, whole imported Redis API")]:
                xs = [r for r in gen if r["schema"] == which]
                if xs:
                    ms = [x["wall_ns"] / 1e6 for x in xs]
                    w("| %s | %d | %d | %.0f | %s | %d |" % (
                        label, xs[0]["actions"], xs[0]["lines"], med(ms), rng(ms, "%.0f"), len(xs)))
            w("")
        if build:
            w("Builds run in a copy of the working tree with its own target folder "
              "(`cargo build -p tencentcloud-redis`, dev profile). Cold: empty target folder, "
              "dependencies already downloaded; it takes minutes, so it runs %s. Incremental: "
              "after a one-line change to the description of `schema/actions/DescribeBackupUrl.json` "
              "(build.rs reruns, the crate recompiles)."
              % ("once" if len([b for b in build if b["kind"] == "cold"]) == 1 else
                 "%d times" % len([b for b in build if b["kind"] == "cold"])))
            w("")
            w("| build | median s | range s | runs |")
            w("|---|---|---|---|")
            for kind in ["cold", "incremental"]:
                xs = [b["wall_ns"] / 1e9 for b in build if b["kind"] == kind]
                if xs:
                    w("| %s build of the root crate | %.1f | %s | %d |" % (kind, med(xs), rng(xs, "%.1f"), len(xs)))
            w("")

    users = [r for r in rows if r["section"] == "userbuild"]
    if users:
        w("## A user's cold build, beside aws-sdk-elasticache")
        w("")
        w("A throwaway binary crate depending on `tencentcloud-redis` by path (default features: "
          "the whole API, 123 actions; build.rs generates it without a parser or formatter), and "
          "one depending on `aws-config` 1.13.0 and `aws-sdk-elasticache` 1.129.0 (about 75 "
          "operations), each calling one action; cold debug builds (`cargo build`, empty target "
          "folder, dependencies downloaded), alternately in the same run, their own profiles.")
        w("")
        w("| user crate | median s | range s | runs | ratio to elasticache |")
        w("|---|---|---|---|---|")
        ec = [u["wall_ns"] / 1e9 for u in users if u["crate"] == "elasticache"]
        for crate, label in [("redis", "tencentcloud-redis (whole API)"),
                             ("elasticache", "aws-config + aws-sdk-elasticache")]:
            xs = [u["wall_ns"] / 1e9 for u in users if u["crate"] == crate]
            if xs:
                ratio = "%.2fx" % (med(xs) / med(ec)) if ec else "-"
                w("| %s | %.1f | %s | %d | %s |" % (label, med(xs), rng(xs, "%.1f"), len(xs), ratio))
        w("")

    tp = [r["result"] for r in rows if r["section"] == "throughput"]
    if tp:
        w("## Emulator throughput")
        w("")
        w("Signed `DescribeBackupUrl` calls per second the emulator (release build, "
          "`--no-rate-limit`) answered, with %d concurrent tasks of this project's client in one "
          "process (multi-thread tokio runtime) on the same %s-CPU machine, measured over %.0f s "
          "after a 1 s warm-up. Every request is signature-checked and validated against the "
          "schema; client and emulator share the CPUs, so this is a lower bound for the emulator "
          "alone." % (tp[0]["tasks"], m["nproc"], tp[0]["seconds"]))
        w("")
        rates = [t["calls_per_s"] for t in tp]
        w("| | median calls/s | range | runs |")
        w("|---|---|---|---|")
        w("| emulator, %d client tasks | %.0f | %s | %d |" % (tp[0]["tasks"], med(rates), rng(rates, "%.0f"), len(rates)))
        w("")

    crit = [r for r in rows if r["section"] == "criterion"]
    if crit:
        w("## Micro-benchmarks (criterion)")
        w("")
        w("`cargo bench -p tencentcloud-transport --bench sign` and `cargo bench -p "
          "tencentcloud-redis --bench client` (run here with `--warm-up-time 1 --measurement-time 3`). "
          "The seed request is DescribeBackupUrl; the response is the schema's documented example.")
        w("")
        w("| benchmark | median | 95% interval of the median |")
        w("|---|---|---|")
        for r in sorted(crit, key=lambda r: r["id"]):
            w("| `%s` | %s | %s–%s |" % (r["id"], dur(r["median_ns"]), dur(r["lo_ns"]), dur(r["hi_ns"])))
        w("")

    prof = [r for r in rows if r["section"] == "profile"]
    if prof:
        w("## Profiles")
        w("")
    for r in prof:
        if r["tool"] == "callgrind":
            ir, n = r["ir"], r["calls"]
            call = ir.get("call")
            w("**This client, per call** (callgrind, %d calls of `tc-bench calls --mode client`, "
              "inclusive instruction counts per call; under valgrind SHA-256 runs without the CPU's "
              "SHA extensions, so signing is over-represented here):" % n)
            w("")
            w("| function (inclusive) | instructions per call | share of `Client::send` |")
            w("|---|---|---|")
            labels = [
                ("call", "`Client::send` (the whole call)"),
                ("decode", "`envelope::decode_with_request_id` (response decoding)"),
                ("parse_value", "… of which parsing the body into a `serde_json::Value`"),
                ("reqwest", "`reqwest::Client::execute_request` (building and sending)"),
                ("url_parse", "`url::ParseOptions::parse` (URL parsing inside reqwest, redirects)"),
                ("sign", "`sign::Signer::authorization` (signing)"),
            ]
            for key, label in labels:
                if key in ir:
                    w("| %s | %.0f | %s |" % (label, ir[key] / n,
                                              ("%.0f%%" % (100.0 * ir[key] / call)) if call else "n/a"))
            w("")
        elif r["tool"] == "strace":
            w("**%s** (strace, one run under `strace -e fsync,fdatasync -T`): the file's `fsync` "
              "before the rename took %.2f s of the run's %.2f s." % (r["what"], r["fsync_s"], r["wall_s"]))
            w("")
        elif r["tool"] == "perf":
            w("**%s** (perf, self time, top symbols of the `tcredis` process):" % r["what"])
            w("")
            w("| share of samples | where | symbol |")
            w("|---|---|---|")
            for t in r["top"]:
                w("| %.1f%% | %s | `%s` |" % (t["share"], "kernel" if t["kernel"] else "user", t["symbol"]))
            w("")

    notes = os.path.join(os.path.dirname(os.path.abspath(__file__)), "NOTES.md")
    if os.path.exists(notes):
        w(open(notes).read().rstrip())
        w("")

    with open(out_path, "w") as f:
        f.write("\n".join(out))


def size_name(mib):
    return "%d GiB" % (mib // 1024) if mib % 1024 == 0 else "%d MiB" % mib


def dur(ns):
    if ns >= 1e6:
        return "%.2f ms" % (ns / 1e6)
    if ns >= 1e3:
        return "%.2f µs" % (ns / 1e3)
    return "%.0f ns" % ns


if __name__ == "__main__":
    main()
