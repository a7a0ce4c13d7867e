#!/usr/bin/env python3
"""Backup benchmark: `galley backup` of a blog of N posts (one in ten with a 27 KB image) while
`galley serve` answers a post page under wrk (backups back to back for wrk's whole window),
against the same page's throughput with no backup running, in one run. Prints the backup's wall time and peak memory, the page's requests per
second with and without the backup, and their ratio; then checks the backup with --verify.

Usage: Benchmarks/backup/run.py [N [NICE]]   (default 10000 posts, nice 0; builds the release binary)
NICE runs the backup at that CPU niceness, as a cron line on the serving machine would.
Needs wrk (Debian's package; `make bench` installs it).
"""
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "Tests", "deploy"))
from harness import free_port, stop, wait_for_port  # noqa: E402


def wrk(url, seconds):
    output = subprocess.run(["wrk", "-t2", "-c32", f"-d{seconds}s", url], check=True, capture_output=True, text=True).stdout
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    niceness = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    subprocess.run(["swift", "build", "-c", "release", "--product", "galley"], cwd=ROOT, check=True, capture_output=True)
    galley = os.path.join(subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, check=True,
                                         capture_output=True, text=True).stdout.strip(), "galley")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GALLEY_")}
    with tempfile.TemporaryDirectory() as work:
        site, data = os.path.join(work, "site"), os.path.join(work, "data")
        subprocess.run([sys.executable, os.path.join(ROOT, "Benchmarks", "import", "generate_site.py"), str(count), site, str(count // 10), "96"], check=True)
        subprocess.run([galley, "import", site, "--data", data], check=True, capture_output=True, env=env)
        port = free_port()
        server = subprocess.Popen([galley, "serve", "--port", str(port), "--data", data, "--log-level", "warning"],
                                  stdout=subprocess.DEVNULL, env=env)
        try:
            wait_for_port(port)
            page = f"http://127.0.0.1:{port}/posts/post-number-{count // 2}"
            urllib.request.urlopen(page).read()
            wrk(page, 2)  # warm
            alone = wrk(page, 10)
            results = []
            done = threading.Event()

            def backups():
                # Back to back for the whole of wrk's window, so that every request meets one.
                while not done.is_set():
                    file = os.path.join(work, f"backup-{len(results)}.sqlite")
                    timed = subprocess.run(["nice", "-n", str(niceness), "/usr/bin/time", "-f", "%e %M", galley, "backup", file, "--data", data],
                                           capture_output=True, text=True, env=env)
                    seconds, kilobytes = timed.stderr.strip().splitlines()[-1].split()
                    results.append(dict(status=timed.returncode, seconds=float(seconds), mb=int(kilobytes) // 1024, file=file,
                                        size=os.path.getsize(file) if os.path.exists(file) else 0, output=timed.stdout + timed.stderr))

            runner = threading.Thread(target=backups)
            runner.start()
            during = wrk(page, 10)
            done.set()
            runner.join()
            failed = [r for r in results if r["status"] != 0]
            if failed:
                print(failed[0]["output"])
                return 1
            result = results[0]
            verify = subprocess.run([galley, "backup", "--verify", result["file"]], capture_output=True, text=True, env=env)
            times = ", ".join(f"{r['seconds']:.2f}" for r in results)
            print(f"backup of {count} posts ({count // 10} images) at nice {niceness}, {len(results)} back to back: {times} s; "
                  f"peak memory {max(r['mb'] for r in results)} MB, {result['size'] // 1048576} MiB file, "
                  f"verify: {'ok' if verify.returncode == 0 else verify.stderr.strip()}")
            print(f"post page: {alone:.0f} req/s alone, {during:.0f} req/s while backups ran: {during / alone:.2f}x")
        finally:
            stop(server)
    return 0


if __name__ == "__main__":
    sys.exit(main())
