#!/usr/bin/env python3
"""Galley against nginx serving the same bytes, side by side in one run, on loopback.

    python3 Benchmarks/web/bench.py [--posts 1000] [--seconds 5] [--rounds 3] [--connections 64] [--no-build]

Builds galley in release mode, writes a corpus of realistic technical posts (about 1,200 words,
code blocks in several languages, a table), imports it, and then measures:

  * wrk against galley: a post page, the home page and the Atom feed;
  * wrk against nginx (Debian's package, started here on loopback and stopped after) serving the
    very bytes of that post page from a file, with the same headers and keep-alive;
  * the four wrk runs take turns for several rounds (each row is the median), with the CPU each
    server spent per request;
  * the time to render one typical post (Markdown + highlighting), with `galley render --repeat`;
  * galley's resident memory after it served every page of the corpus once;
  * galley's startup time (process start to listening) with the corpus in its database;
  * the post page while the site changes every second (the site revision bumped in the database,
    as a write by another process or replica does): every write makes every page miss once.

Every process it starts listens on 127.0.0.1 and is stopped by its PID before the script ends.
"""

import argparse
import http.client
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GALLEY = ROOT / ".build" / "release" / "galley"
sys.path.insert(0, str(ROOT / "Tests" / "deploy"))
from harness import free_port, stop, wait_for_port  # noqa: E402

WORDS = """
request response server client cache latency throughput buffer socket thread actor task async
await concurrency memory allocation pointer reference value struct protocol generic closure
compiler optimizer benchmark profile query index table column transaction migration schema
deploy container image cluster replica proxy header cookie session token route handler
middleware template render markdown parser lexer token stream byte string array dictionary
error failure retry timeout backoff queue worker scheduler event loop channel pipeline
""".split()

PROSE = """the a of to in and that is for with on as it this by be are from at or an which
when we can will not but you if all so more one into than then only how what our their""".split()

SNIPPETS = {
    "python": '''import asyncio
from dataclasses import dataclass


@dataclass
class @Name@:
    """A @word@ that remembers its @word2@."""
    size: int = 0
    items: list[str] | None = None

    def add(self, item: str) -> int:
        # Keep the newest first.
        self.items = [item] + (self.items or [])
        self.size += len(item)
        return self.size


async def main() -> None:
    cache = @Name@()
    for n in range(10):
        cache.add(f"entry-{@n@}")
    await asyncio.sleep(0.1)
    print(cache.size, "bytes")
''',
    "swift": '''import Foundation

/// A @word@ that keeps the last `limit` @word2@s.
struct @Name@<Element: Sendable>: Sendable {
    private(set) var items: [Element] = []
    let limit: Int

    mutating func append(_ item: Element) {
        items.append(item)
        if items.count > limit { items.removeFirst(items.count - limit) }
    }
}

var recent = @Name@<String>(limit: 3)
for name in ["a", "b", "c", "d"] {
    recent.append(name)
}
print(recent.items) // ["b", "c", "d"]
''',
    "bash": '''#!/usr/bin/env bash
set -euo pipefail

# Rotate the @word@ logs and keep a week of them.
LOG_DIR="${LOG_DIR:-/var/log/@lower@}"
for file in "$LOG_DIR"/*.log; do
  [ -s "$file" ] || continue
  gzip -c "$file" > "$file.$(date +%F).gz" && : > "$file"
done
find "$LOG_DIR" -name '*.gz' -mtime +7 -delete
echo "rotated $(ls "$LOG_DIR" | wc -l) files"
''',
    "go": '''package main

import (
	"fmt"
	"sync"
)

// @Name@ counts @word2@s from many goroutines.
type @Name@ struct {
	mu    sync.Mutex
	count map[string]int
}

func (c *@Name@) Add(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.count[key]++
}

func main() {
	c := &@Name@{count: map[string]int{}}
	var wg sync.WaitGroup
	for i := 0; i < 100; i++ {
		wg.Add(1)
		go func(n int) { defer wg.Done(); c.Add(fmt.Sprint(n % 7)) }(i)
	}
	wg.Wait()
	fmt.Println(len(c.count), "keys")
}
''',
    "json": '''{
  "name": "@lower@",
  "version": "1.@n@.0",
  "replicas": 3,
  "cache": { "enabled": true, "budget_mb": 64, "ttl": null },
  "routes": ["/", "/posts/:slug", "/feed.xml"]
}
''',
    "sql": '''-- The @word@s with the most @word2@s this month.
SELECT p.slug, COUNT(c.id) AS comments
FROM posts AS p
LEFT JOIN comments AS c ON c.post_id = p.id
WHERE p.published_at >= DATE '2024-01-01'
GROUP BY p.slug
HAVING COUNT(c.id) > @n@
ORDER BY comments DESC
LIMIT 10;
''',
    "rust": '''use std::collections::HashMap;

/// Counts @word2@s, case-insensitively.
fn count_words(text: &str) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for word in text.split_whitespace() {
        *counts.entry(word.to_lowercase()).or_insert(0) += 1;
    }
    counts
}

fn main() {
    let counts = count_words("the @word@ and the @word2@");
    println!("{:?}", counts.get("the"));
}
''',
    "yaml": '''services:
  @lower@:
    image: galley:latest
    ports: ["8080:8080"]
    environment:
      GALLEY_BASE_URL: https://blog.example.com
    volumes:
      - data:/var/lib/galley
volumes:
  data: {}
''',
}


def sentence(rng, words):
    length = rng.randint(8, 22)
    chosen = [rng.choice(PROSE) if rng.random() < 0.45 else rng.choice(WORDS) for _ in range(length)]
    if rng.random() < 0.2:
        chosen[rng.randrange(length)] = f"`{rng.choice(WORDS)}()`"
    if rng.random() < 0.1:
        index = rng.randrange(length)
        chosen[index] = f"[{chosen[index]}](https://example.com/{rng.choice(WORDS)})"
    text = " ".join(chosen)
    words[0] += length
    return text[0].upper() + text[1:] + "."


def paragraph(rng, words):
    return " ".join(sentence(rng, words) for _ in range(rng.randint(3, 6)))


def post_markdown(rng, date, tags):
    words = [0]
    title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 7))).capitalize()
    parts = [paragraph(rng, words), paragraph(rng, words)]
    languages = rng.sample(sorted(SNIPPETS), 3)
    section = 0
    while words[0] < 1_150:
        section += 1
        parts.append(f"## {rng.choice(WORDS).capitalize()} {rng.choice(WORDS)} {section}")
        parts.append(paragraph(rng, words))
        if languages:
            language = languages.pop()
            name = rng.choice(WORDS).capitalize() + rng.choice(WORDS).capitalize()
            code = SNIPPETS[language]
            for key, value in (("Name", name), ("word2", rng.choice(WORDS)), ("word", rng.choice(WORDS)), ("lower", name.lower()), ("n", str(rng.randint(1, 99)))):
                code = code.replace(f"@{key}@", value)
            parts.append(f"```{language}\n{code}```")
        elif section == 4:
            rows = [f"| {rng.choice(WORDS)} | {rng.randint(1, 999)} | {rng.randint(1, 99)} ms |" for _ in range(5)]
            parts.append("| Name | Requests | p99 |\n|:-----|-----:|----:|\n" + "\n".join(rows))
        elif section == 5:
            parts.append("\n".join(f"- {sentence(rng, words)}" for _ in range(4)))
        parts.append(paragraph(rng, words))
    front = f"---\ntitle: \"{title}\"\ndate: {date:%Y-%m-%d %H:%M:%S}\ntags: [{', '.join(tags)}]\n---\n"
    return front + "\n\n".join(parts) + "\n"


def write_corpus(folder, count, seed=1):
    rng = random.Random(seed)
    tags = [f"{rng.choice(WORDS)}-{n}" for n in range(40)]
    posts = folder / "_posts"
    posts.mkdir(parents=True)
    start = time.mktime((2014, 1, 1, 0, 0, 0, 0, 0, 0))
    span = time.mktime((2025, 6, 1, 0, 0, 0, 0, 0, 0)) - start
    slugs = []
    for n in range(count):
        date = time.localtime(start + span * n / count)
        moment = datetime(*date[:6])
        slug = f"post-{n:05d}"
        text = post_markdown(rng, moment, rng.sample(tags, rng.randint(1, 3)))
        (posts / f"{moment:%Y-%m-%d}-{slug}.md").write_text(text)
        slugs.append(slug)
    return slugs, tags


class Galley:
    def __init__(self, data, log_path, log_level):
        self.data, self.log_path, self.log_level = data, log_path, log_level
        self.process = None
        self.port = None

    def start(self):
        """Starts galley and returns seconds from spawn until it listens."""
        log = open(self.log_path, "ab")
        began = time.perf_counter()
        self.process = subprocess.Popen(
            [str(GALLEY), "serve", "--port", "0", "--data", str(self.data), "--log-level", self.log_level],
            stdout=subprocess.PIPE, stderr=log,
        )
        line = self.process.stdout.readline().decode()
        elapsed = time.perf_counter() - began
        match = re.search(r"listening on [^ ]+:(\d+)", line)
        if not match:
            self.stop()
            sys.exit(f"galley did not start: {line!r}; see {self.log_path}")
        self.port = int(match.group(1))
        threading.Thread(target=self.process.stdout.read, daemon=True).start()
        return elapsed

    def rss_mb(self, field="VmRSS"):
        """Resident memory now, or at its highest so far with field="VmHWM"."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def stop(self):
        stop(self.process, signal.SIGTERM)


class Nginx:
    def __init__(self, folder, body, headers):
        self.folder = folder
        self.port = free_port()
        (folder / "html").mkdir(parents=True)
        (folder / "html" / "post").write_bytes(body)
        added = "\n".join(
            f"            add_header {name} '{value}';" for name, value in headers
        )
        (folder / "nginx.conf").write_text(f"""
worker_processes auto;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log {folder}/access.log combined buffer=64k;
    client_body_temp_path {folder}/body; proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi; uwsgi_temp_path {folder}/uwsgi; scgi_temp_path {folder}/scgi;
    sendfile on; tcp_nopush on; tcp_nodelay on;
    keepalive_timeout 65; keepalive_requests 1000000;
    server_tokens off;
    server {{
        listen 127.0.0.1:{self.port};
        root {folder}/html;
        etag off;
        location = /post {{
            default_type "text/html; charset=utf-8";
{added}
            add_header X-Request-Id $request_id;
        }}
    }}
}}
""")
        self.process = None

    def start(self):
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        self.process = subprocess.Popen(
            [nginx, "-p", str(self.folder), "-c", str(self.folder / "nginx.conf"), "-e", str(self.folder / "error.log"),
             "-g", "daemon off; master_process on;"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port)

    def worker_pids(self):
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        return [int(pid) for pid in children]

    def stop(self):
        stop(self.process, signal.SIGQUIT)  # nginx's graceful stop


def fetch(port, path, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers=headers or {})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, response.getheaders(), body


def crawl(port, paths, threads=4):
    """GETs every path once over keep-alive connections; returns (count, failures)."""
    failures = []
    chunks = [paths[i::threads] for i in range(threads)]

    def work(chunk):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for path in chunk:
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                failures.append((path, response.status))
        connection.close()

    workers = [threading.Thread(target=work, args=(chunk,)) for chunk in chunks]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return len(paths), failures


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def cpu_seconds(pids):
    """User and system CPU the processes have used so far."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def wrk(url, seconds, connections, threads=2):
    output = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        check=True, capture_output=True, text=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))

    def percentile(p):
        value, unit = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M).groups()
        return float(value) * UNITS[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    if errors or socket_errors:
        print(f"  warning: {url}: {errors.group(0) if errors else ''} {socket_errors.group(0) if socket_errors else ''}")
    return rps, percentile(50), percentile(99)


def metric(port, name):
    """A counter from galley's /metrics (open to loopback)."""
    text = fetch(port, "/metrics")[2].decode()
    return float(re.search(rf"^{name} ([\d.e+]+)$", text, re.M).group(1))


def while_the_site_changes(galley, path, seconds, connections):
    """wrk on one page while another writer bumps the site revision every second; returns
    (req/s, p50, p99, writes, renders, waits)."""
    import sqlite3
    before = [metric(galley.port, f"galley_cache_{name}_total") for name in ("misses", "waits")]
    writes = []
    done = threading.Event()

    def write():
        # Half a second in, then every second: each write is seen (galley polls every second)
        # and its pages asked for before wrk stops.
        database = sqlite3.connect(galley.data / "galley.sqlite", timeout=10)
        pause = 0.5
        while len(writes) < seconds - 1 and not done.wait(pause):
            database.execute("UPDATE site_state SET revision = revision + 1")
            database.commit()
            writes.append(time.time())
            pause = 1
        database.close()

    writer = threading.Thread(target=write)
    writer.start()
    try:
        rps, p50, p99 = wrk(f"http://127.0.0.1:{galley.port}{path}", seconds, connections)
    finally:
        done.set()
        writer.join()
    misses, waits = (metric(galley.port, f"galley_cache_{name}_total") - was for name, was in zip(("misses", "waits"), before))
    return rps, p50, p99, len(writes), int(misses), int(waits)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=1000, help="posts in the corpus (default 1000; try 10000)")
    parser.add_argument("--seconds", type=int, default=5, help="seconds per wrk run (default 5)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of runs taking turns (default 3)")
    parser.add_argument("--connections", type=int, default=64, help="wrk connections (default 64)")
    parser.add_argument("--log-level", default="info", help="galley's --log-level (default info: one line per request, as nginx's access log)")
    parser.add_argument("--no-build", action="store_true", help="use the release binary as it is")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args()

    for tool in ("wrk", "nginx"):
        if not shutil.which(tool) and not Path(f"/usr/sbin/{tool}").exists():
            sys.exit(f"{tool} is missing: run scripts/install-deps.sh wrk nginx-light")
    if not args.no_build:
        print("building galley (release)…", flush=True)
        subprocess.run(["swift", "build", "-c", "release", "--product", "galley"], cwd=ROOT, check=True)

    work = Path(tempfile.mkdtemp(prefix="galley-bench-"))
    work.chmod(0o755)  # nginx's workers run as another user when it starts as root
    galley = None
    nginx = None
    try:
        print(f"writing {args.posts} posts…", flush=True)
        slugs, tags = write_corpus(work / "corpus", args.posts)
        sample = sorted((work / "corpus" / "_posts").iterdir())[len(slugs) // 2]
        words = len(re.sub(r"```.*?```", "", sample.read_text(), flags=re.S).split())

        began = time.perf_counter()
        subprocess.run([str(GALLEY), "import", str(work / "corpus"), "--data", str(work / "data")], check=True, capture_output=True)
        import_seconds = time.perf_counter() - began

        render = subprocess.run([str(GALLEY), "render", str(sample), "--repeat", "300"], check=True, capture_output=True, text=True).stderr
        render_mean = float(re.search(r"mean ([\d.]+) µs", render).group(1))
        render_fastest = float(re.search(r"fastest ([\d.]+) µs", render).group(1))

        startups = []
        for _ in range(5):
            galley = Galley(work / "data", work / "galley.log", args.log_level)
            startups.append(galley.start())
            galley.stop()
        galley = Galley(work / "data", work / "galley.log", args.log_level)
        galley.start()
        rss_start = galley.rss_mb()

        post_path = f"/posts/{slugs[len(slugs) // 2]}"
        pages = (len(slugs) + 9) // 10
        paths = [f"/posts/{slug}" for slug in slugs] + ["/"] + [f"/?page={n}" for n in range(2, pages + 1)]
        paths += [f"/tags/{tag}" for tag in tags] + ["/tags", "/archive", "/feed.xml", "/rss.xml", "/feed.json", "/sitemap.xml"]
        began = time.perf_counter()
        crawled, failures = crawl(galley.port, paths)
        crawl_seconds = time.perf_counter() - began
        if failures:
            print(f"  warning: {len(failures)} pages failed, e.g. {failures[:3]}")
        rss_after = galley.rss_mb()
        rss_peak = galley.rss_mb("VmHWM")
        time.sleep(11)
        rss_settled = galley.rss_mb()

        status, headers, body = fetch(galley.port, post_path)
        assert status == 200, status
        same = [(name, value) for name, value in headers if name.lower() in ("cache-control", "etag", "vary")]
        nginx = Nginx(work / "nginx", body, same)
        nginx.start()
        nginx_status, _, nginx_body = fetch(nginx.port, "/post")
        assert nginx_status == 200 and nginx_body == body, f"nginx must serve the very same bytes: {nginx_status}, {len(nginx_body)} vs {len(body)}"

        runs = [
            ("galley", "post page", f"http://127.0.0.1:{galley.port}{post_path}"),
            ("galley", "home page", f"http://127.0.0.1:{galley.port}/"),
            ("galley", "Atom feed", f"http://127.0.0.1:{galley.port}/feed.xml"),
            ("nginx", "post page (static file)", f"http://127.0.0.1:{nginx.port}/post"),
        ]
        sizes = {}
        for _, _, url in runs:
            port = int(url.split(":")[2].split("/")[0])
            sizes[url] = len(fetch(port, "/" + url.split("/", 3)[3])[2])
        # This machine's speed drifts by a third from one run to the next, so the runs take turns
        # for several rounds and each row reports its median; the CPU each server spent per
        # request (from /proc) is steadier than req/s and says the same thing.
        measured = {url: [] for _, _, url in runs}
        for _, _, url in runs:
            wrk(url, 2, args.connections)  # warm up
        for round in range(args.rounds):
            for server, what, url in runs:
                print(f"round {round + 1}/{args.rounds}: wrk {what} on {server} ({args.seconds} s, {args.connections} connections)…", flush=True)
                pids = [galley.process.pid] if server == "galley" else nginx.worker_pids()
                before = cpu_seconds(pids)
                rps, p50, p99 = wrk(url, args.seconds, args.connections)
                cpu_us = (cpu_seconds(pids) - before) / (rps * args.seconds) * 1e6
                measured[url].append((rps, p50, p99, cpu_us))
        results = []
        for server, what, url in runs:
            columns = zip(*measured[url])
            results.append((server, what, sizes[url], *(statistics.median(column) for column in columns)))
        nginx_url = runs[-1][2]
        post_ratios = [g[0] / n[0] for g, n in zip(measured[runs[0][2]], measured[nginx_url])]
        rss_loaded = galley.rss_mb()
        print(f"wrk post page on galley while the site changes every second ({2 * args.seconds} s)…", flush=True)
        changing = while_the_site_changes(galley, post_path, 2 * args.seconds, args.connections)
    finally:
        if galley:
            galley.stop()
        if nginx:
            nginx.stop()
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)

    nginx_rps = results[-1][3]
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    print()
    print(f"Machine: {os.cpu_count()} cores ({cpu}), Linux {os.uname().release}; wrk shares the cores.")
    print(f"Command: python3 Benchmarks/web/bench.py --posts {args.posts} --seconds {args.seconds} --rounds {args.rounds} --connections {args.connections} --log-level {args.log_level}")
    print(f"Corpus: {args.posts} posts of about {words} words (sample), imported in {import_seconds:.1f} s.")
    print()
    print(f"Each row: the median of {args.rounds} rounds of {args.seconds} s; the runs took turns.")
    print()
    print("| server | what | bytes | req/s | p50 ms | p99 ms | CPU µs/request | vs nginx |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for server, what, size, rps, p50, p99, cpu_us in results:
        print(f"| {server} | {what} | {size:,} | {rps:,.0f} | {p50:.2f} | {p99:.2f} | {cpu_us:.1f} | {rps / nginx_rps:.2f}× |")
    print()
    print("Post page, galley/nginx in each round: " + ", ".join(f"{ratio:.2f}×" for ratio in post_ratios))
    print()
    print("| measure | value |")
    print("|---|---:|")
    print(f"| render one typical post (Markdown + highlighting), mean of 300 | {render_mean:.0f} µs (fastest {render_fastest:.0f} µs) |")
    print(f"| startup with {args.posts} posts, median of 5 (spawn → listening) | {statistics.median(startups) * 1000:.0f} ms |")
    print(f"| resident memory after startup | {rss_start:.1f} MB |")
    print(f"| resident memory right after serving all {crawled} pages once ({crawl_seconds:.1f} s) | {rss_after:.1f} MB |")
    print(f"| highest resident memory while serving them (VmHWM) | {rss_peak:.1f} MB |")
    print(f"| resident memory 11 s later | {rss_settled:.1f} MB |")
    print(f"| resident memory after the wrk runs | {rss_loaded:.1f} MB |")
    print()
    rps, p50, p99, writes, renders, waits = changing
    print(f"Post page on galley while the site changes every second ({2 * args.seconds} s, {writes} writes): "
          f"{rps:,.0f} req/s, p50 {p50:.2f} ms, p99 {p99:.2f} ms; {renders} renders, {waits} requests waited for one.")


if __name__ == "__main__":
    main()
