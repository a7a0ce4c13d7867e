#!/usr/bin/env python3
"""Mixed reads and writes at 256 connections on two replicas, with a PostgreSQL restart and a
replica killed and restarted in the middle. On loopback only; stops everything it started.

    python3 Benchmarks/faults/load_with_faults.py [path/to/galley] [--seconds-per-phase 15]

Four phases of equal length, wrk (128 connections on each replica, over the home page, a post,
a tag page, the feed and a search) and four admin writers all the while:
  1. calm; 2. PostgreSQL stopped for 3 s, then started; 3. replica B killed with SIGKILL and
  started again on its port 2 s later; 4. recovery.
Reports, per phase: requests, the p50 and p99 of reads, statuses other than 200 (503 is the
documented answer while the database is down), and for the writers their acknowledged saves,
refusals and errors; then checks every acknowledged save is in the database. Exits 1 on a 5xx
other than 503, a lost acknowledged write, or a 503 outside the phases with a fault.
"""

import argparse
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "Tests" / "deploy"))
sys.path.insert(0, str(ROOT / "Tests" / "crash"))
from harness import free_port, request, stop  # noqa: E402
from check_crash import FORM, first_admin, stored  # noqa: E402

# wrk counts every status itself; this script prints them per status at the end of a run.
WRK_SCRIPT = r"""
local paths = {"/", "/posts/load-1", "/tags/load", "/feed.xml", "/search?q=words"}
local counter = 0
-- Globals, so that done() can read each thread's with thread:get.
statuses = {}
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) statuses = {} end
function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    local counts = thread:get("statuses")
    for status, count in pairs(counts) do total[status] = (total[status] or 0) + count end
  end
  for status, count in pairs(total) do io.write(string.format("status %d %d\n", status, count)) end
end
"""


def start_galley(binary, url, port, log, new_blog=False):
    process = subprocess.Popen([binary, "serve", "--port", str(port), "--database-url", url, "--log-level", "warning",
                                "--rate-limit", "0", "--max-connections", "4096"],
                               stdout=subprocess.PIPE, stderr=log, text=True)
    line = process.stdout.readline()
    if "listening on" not in line:
        stop(process)
        sys.exit(f"galley did not start: {line!r}")
    setup = re.search(r"(/admin/setup\?token=\S+)", process.stdout.readline()).group(1) if new_blog else None
    return process, setup


def wrk(port, seconds, script):
    output = subprocess.run(["wrk", "-t1", "-c128", f"-d{seconds}s", "--latency", "-s", script, f"http://127.0.0.1:{port}/"],
                            capture_output=True, text=True).stdout
    units = {"us": 1e-3, "ms": 1, "s": 1e3}

    def percentile(p):
        match = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
        return float(match.group(1)) * units[match.group(2)] if match else float("nan")

    requests = re.search(r"(\d+) requests in", output)
    statuses = {int(s): int(c) for s, c in re.findall(r"^status (\d+) (\d+)$", output, re.M)}
    errors = re.search(r"Socket errors: (.*)", output)
    return {"requests": int(requests.group(1)) if requests else 0, "p50": percentile(50), "p99": percentile(99),
            "statuses": statuses, "socket_errors": errors.group(1) if errors else ""}


class Writers:
    """Admin writers on both replicas; counts what each save was answered."""

    def __init__(self, ports, session):
        self.ports, self.session = ports, session
        self.acknowledged, self.outcomes, self.lock = {}, {}, threading.Lock()
        self.running = True
        self.threads = [threading.Thread(target=self.run, args=(i,), daemon=True) for i in range(4)]

    def run(self, index):
        count = 0
        while self.running:
            count += 1
            port = self.ports[count % len(self.ports)]
            source = f"writer {index} save {count} at {time.time():.6f}\n\nWords about load. " * 3
            try:
                form_status, _, body, _ = request(port, "/admin/posts/new", headers=self.session, timeout=10)
                csrf = re.search(r'name="_csrf" value="([^"]*)"', body)
                if not csrf:  # no editor to save from (503 while the database is down)
                    with self.lock:
                        self.outcomes[f"editor {form_status}"] = self.outcomes.get(f"editor {form_status}", 0) + 1
                    continue
                fields = {"_csrf": csrf.group(1), "title": f"w{index} {count}", "slug": "",
                          "tags": "load", "summary": "", "status": "published", "publish_at": "", "source": source, "version": "", "action": "save"}
                status, headers, _, _ = request(port, "/admin/posts", "POST", body=urlencode(fields), headers={**self.session, **FORM}, timeout=10)
            except Exception as error:  # a replica being killed, the database down
                status = type(error).__name__
            with self.lock:
                self.outcomes[status] = self.outcomes.get(status, 0) + 1
                if status == 303:
                    post = int(re.search(r"/admin/posts/(\d+)", headers["location"]).group(1))
                    self.acknowledged[post] = (1, source, index)
            if status != 303:
                time.sleep(0.1)

    def snapshot(self):
        with self.lock:
            outcomes, self.outcomes = self.outcomes, {}
            return outcomes


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary", nargs="?", default=str(ROOT / ".build" / "release" / "galley"))
    parser.add_argument("--seconds-per-phase", type=int, default=15)
    options = parser.parse_args()
    subprocess.run([str(ROOT / "scripts" / "install-deps.sh"), "wrk"], check=True)
    work = Path(tempfile.mkdtemp(prefix="galley-faults-"))
    work.chmod(0o755)
    script = work / "mixed.lua"
    script.write_text(WRK_SCRIPT)
    pg_dir, pg_port = work / "pg", free_port()
    postgres = str(ROOT / "scripts" / "postgres.sh")
    subprocess.run([postgres, "start", str(pg_dir), str(pg_port)], check=True)
    url = f"postgres://postgres@127.0.0.1:{pg_port}/postgres?sslmode=disable"
    log = open(work / "galley.log", "w")
    port_a, port_b = free_port(), free_port()
    a, setup = start_galley(options.binary, url, port_a, log, new_blog=True)
    b, _ = start_galley(options.binary, url, port_b, log)
    processes = {"a": a, "b": b}
    failures = []
    try:
        session = first_admin(port_a, setup)
        for n in range(1, 21):
            _, _, body, _ = request(port_a, "/admin/posts/new", headers=session)
            fields = {"_csrf": re.search(r'name="_csrf" value="([^"]*)"', body).group(1), "title": f"Load {n}", "slug": f"load-{n}",
                      "tags": "load", "summary": "", "status": "published", "publish_at": "", "source": "Words about load. " * 200,
                      "version": "", "action": "save"}
            request(port_a, "/admin/posts", "POST", body=urlencode(fields), headers={**session, **FORM})
        writers = Writers([port_a, port_b], session)
        for thread in writers.threads:
            thread.start()
        seconds = options.seconds_per_phase

        def restart_postgres():
            time.sleep(seconds / 3)
            subprocess.run([postgres, "stop", str(pg_dir)], check=True)
            time.sleep(3)
            subprocess.run([postgres, "start", str(pg_dir), str(pg_port)], check=True)

        def kill_replica():
            time.sleep(seconds / 3)
            processes["b"].kill()
            processes["b"].wait()
            time.sleep(2)
            processes["b"], _ = start_galley(options.binary, url, port_b, log)

        phases = [("calm", None), ("postgres restart", restart_postgres), ("replica B killed", kill_replica), ("recovery", None)]
        print(f"{'phase':<18} {'reads':>8} {'p50 ms':>8} {'p99 ms':>8}  statuses (A; B)  writes")
        for name, fault in phases:
            fault_thread = threading.Thread(target=fault) if fault else None
            if fault_thread:
                fault_thread.start()
            results = {}
            runs = [threading.Thread(target=lambda key, port: results.__setitem__(key, wrk(port, seconds, str(script))), args=(key, port))
                    for key, port in (("a", port_a), ("b", port_b))]
            for run in runs:
                run.start()
            for run in runs:
                run.join()
            if fault_thread:
                fault_thread.join()
            outcomes = writers.snapshot()
            reads = results["a"]["requests"] + results["b"]["requests"]
            p50 = max(results["a"]["p50"], results["b"]["p50"])
            p99 = max(results["a"]["p99"], results["b"]["p99"])
            statuses = "; ".join(", ".join(f"{s}×{c}" for s, c in sorted(results[k]["statuses"].items())) for k in ("a", "b"))
            print(f"{name:<18} {reads:>8} {p50:>8.2f} {p99:>8.2f}  {statuses}  {outcomes}"
                  + (f"  socket errors: {results['a']['socket_errors']} / {results['b']['socket_errors']}" if results['a']['socket_errors'] or results['b']['socket_errors'] else ""))
            for key in ("a", "b"):
                for status, count in results[key]["statuses"].items():
                    if status >= 500 and status != 503:
                        failures.append(f"{name}: {count} × {status} from replica {key}")
                    if status == 503 and fault is None:
                        failures.append(f"{name}: {count} × 503 from replica {key} with no fault")
            for status, count in outcomes.items():
                if isinstance(status, int) and status >= 500 and status != 503:
                    failures.append(f"{name}: a write answered {status} ({count}×)")
        writers.running = False
        for thread in writers.threads:
            thread.join(15)
        posts, revisions = stored("postgres", url)
        lost = [post for post, (_, source, _) in writers.acknowledged.items() if source not in revisions.get(post, set())]
        print(f"acknowledged writes: {len(writers.acknowledged)}, lost: {len(lost)}")
        if lost:
            failures.append(f"{len(lost)} acknowledged writes lost")
    finally:
        for process in processes.values():
            stop(process)
        log.close()
        subprocess.run([postgres, "stop", str(pg_dir)], check=False)
    for failure in failures:
        print(f"FAIL: {failure}")
    print(f"faults: {0 if failures else 1} passed, {1 if failures else 0} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
