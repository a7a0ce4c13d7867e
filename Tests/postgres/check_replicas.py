#!/usr/bin/env python3
"""Several galley replicas on one PostgreSQL, with the real binary, on loopback.

    python3 Tests/postgres/check_replicas.py [path/to/galley]

Starts its own throwaway PostgreSQL (scripts/postgres.sh), two `galley serve` processes on one
database at the same moment (their migrations race), and checks: a session made on replica A
works on B; a post published on A shows on B (whose response cache held the old home page) at
once, B hearing of A's commits by LISTEN/NOTIFY (100 writes timed: p99 under 100 ms, and no
poll while it listens); stopping PostgreSQL makes /readyz and uncached pages answer 503 with a request
id in bounded time, not hang; starting it again heals both replicas by themselves, and B listens again. Then
`galley db copy` moves a SQLite blog into PostgreSQL, refuses a non-empty target, and a replica
serves the copy. Last, the server is restarted to accept TLS only: `sslmode=require` connects,
`disable` is refused, and `verify-full` refuses its self-signed certificate. Stops everything it
started by PID.
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "deploy"))
from harness import Checks, cookie_value, field, free_port, request, stop  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
check = Checks("replicas")
PASSWORD = "correct horse battery"


class Galley:
    def __init__(self, binary, url, work, name):
        self.log = open(work / f"{name}.log", "w")
        self.process = subprocess.Popen(
            [binary, "serve", "--port", "0", "--database-url", url, "--log-level", "info"],
            stdout=subprocess.PIPE, stderr=self.log, text=True,
        )
        self.port = None
        self.setup = None

    def wait(self):
        line = self.process.stdout.readline()
        match = re.search(r"listening on [^ ]+:(\d+)", line)
        if not match:
            sys.exit(f"galley did not start: {line!r}")
        self.port = int(match.group(1))
        # The setup link, when this replica printed one, is on the next line.
        self.process.stdout.flush()
        return self

    def read_setup(self):
        line = self.process.stdout.readline()
        match = re.search(r"(/admin/setup\?token=\S+)", line)
        self.setup = match.group(1) if match else None

    def stop(self):
        stop(self.process)
        self.log.close()
        return self.process.returncode


def psql(port, sql):
    subprocess.run(["psql", "-q", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-d", "postgres", "-c", sql],
                   check=True, capture_output=True)


def sign_in(port, setup_path):
    """The first admin through a setup link; returns the session cookie header."""
    status, _, body, cookies = request(port, setup_path)
    form_cookie = cookie_value(cookies, "galley_form")
    fields = {"_csrf": field(body, "_csrf"), "token": field(body, "token"), "email": "ada@example.com", "name": "Ada",
              "password": PASSWORD, "password2": PASSWORD}
    status, _, _, cookies = request(port, "/admin/setup", "POST", body=urlencode(fields),
                                    headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"galley_form={form_cookie}"})
    check(status == 303, f"the first admin is created through replica A's link: {status}")
    return {"Cookie": f"galley_session={cookie_value(cookies, 'galley_session')}"}


def publish(port, session, title, slug):
    _, _, body, _ = request(port, "/admin/posts/new", headers=session)
    fields = {"_csrf": field(body, "_csrf"), "title": title, "slug": slug, "tags": "replicas", "summary": "",
              "status": "published", "publish_at": "", "source": f"Written on one replica: {title}.", "version": "", "action": "save"}
    status, headers, _, _ = request(port, "/admin/posts", "POST", body=urlencode(fields),
                                    headers={**session, "Content-Type": "application/x-www-form-urlencoded"})
    return status


PROPAGATION_WRITES = 100


def metric(port, name):
    """A value of galley's /metrics (open to loopback); None when it is not there."""
    text = request(port, "/metrics")[2]
    match = re.search(rf"^{re.escape(name)} ([0-9.e+]+)$", text, re.M)
    return float(match.group(1)) if match else None


def wait_until(predicate, timeout):
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if predicate():
            return time.monotonic() - start
        time.sleep(0.05)
    return None


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / ".build" / "debug" / "galley")
    work = Path(tempfile.mkdtemp(prefix="galley-replicas-"))
    work.chmod(0o755)
    pg_dir, pg_port = work / "pg", free_port()
    postgres = ROOT / "scripts" / "postgres.sh"
    subprocess.run([str(postgres), "start", str(pg_dir), str(pg_port)], check=True)
    replicas = []
    try:
        psql(pg_port, "CREATE DATABASE blog")
        url = f"postgres://postgres@127.0.0.1:{pg_port}/blog?sslmode=disable"

        # Two replicas at the same moment: one migrates, the other waits for its lock.
        a, b = Galley(binary, url, work, "a"), Galley(binary, url, work, "b")
        replicas = [a, b]
        a.wait(), b.wait()
        a.read_setup()
        check(a.setup is not None, "replica A printed a setup link")
        logs = (work / "a.log").read_text() + (work / "b.log").read_text()
        check(logs.count("applied migrations") == 1, f"the migrations ran once between the two replicas ({logs.count('applied migrations')})")

        session = sign_in(a.port, a.setup or "/admin/setup?token=missing")
        status, _, _, _ = request(b.port, "/admin", headers=session)
        check(status == 200, f"the session made on A works on B: {status}")

        status, _, home, _ = request(b.port, "/")
        check(status == 200 and "From replica A" not in home, "B's home page is in its cache, without the new post")
        status = publish(a.port, session, "From replica A", "from-replica-a")
        check(status == 303, f"published on A: {status}")
        seen = wait_until(lambda: "From replica A" in request(b.port, "/")[2], timeout=5)
        check(seen is not None and seen <= 0.5, f"B shows A's post at once ({seen if seen is None else round(seen, 3)} s)")
        check(request(b.port, "/posts/from-replica-a")[0] == 200, "and serves the post page")

        # Propagation, measured: each write on A, from its acknowledgement until B's cached home
        # page shows it. B hears of commits by LISTEN/NOTIFY and polls nothing meanwhile.
        check(metric(b.port, "galley_site_listening") == 1, "B listens for the other replicas' writes")
        polls_before = metric(b.port, 'galley_site_state_reads_total{reason="poll"}')
        delays = []
        for number in range(PROPAGATION_WRITES):
            title = f"Propagated {number}"
            check(publish(a.port, session, title, f"propagated-{number}") == 303, f"write {number} on A")
            start = time.monotonic()
            while title not in request(b.port, "/")[2] and time.monotonic() - start < 3:
                time.sleep(0.002)
            delays.append(time.monotonic() - start)
        delays.sort()
        p50, p99 = delays[len(delays) // 2], delays[int(len(delays) * 0.99) - 1]
        print(f"replicas: {len(delays)} writes on A reached B's pages in p50 {p50 * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms, max {delays[-1] * 1000:.1f} ms")
        check(p99 < 0.1, f"a write on A is on B's pages within 100 ms at p99 ({p99 * 1000:.1f} ms)")
        polls_after = metric(b.port, 'galley_site_state_reads_total{reason="poll"}')
        check(polls_after == polls_before, f"B polled nothing while it listened ({polls_after - polls_before} polls)")

        # The database goes away: answers stay bounded and honest.
        subprocess.run([str(postgres), "stop", str(pg_dir)], check=True)
        start = time.monotonic()
        status, headers, body, _ = request(b.port, "/readyz")
        elapsed = time.monotonic() - start
        check(status == 503 and elapsed < 7, f"B's /readyz says 503 within the timeout: {status} after {elapsed:.1f} s")
        start = time.monotonic()
        status, headers, body, _ = request(b.port, "/search?q=replica", headers={"Accept": "application/json"})
        elapsed = time.monotonic() - start
        request_id = headers.get("x-request-id", "")
        check(status == 503 and elapsed < 7, f"an uncached page answers 503, not a hang: {status} after {elapsed:.1f} s")
        check(request_id != "" and request_id in body, "the 503 carries the request id")
        check("service_unavailable" in body and "PSQL" not in body and "postgres" not in body.lower(), f"and no internals: {body[:160]!r}")
        # Known to be down: one request at a time tries the database, the others answer at once.
        timings = []

        def timed_search(word):
            started = time.monotonic()
            status = request(b.port, f"/search?q={word}")[0]
            timings.append((status, time.monotonic() - started))

        threads = [threading.Thread(target=timed_search, args=(f"word{index}",)) for index in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        fast = [seconds for status, seconds in timings if status == 503 and seconds < 1]
        check(all(status == 503 for status, _ in timings) and len(fast) >= 3,
              f"while it is known to be down, requests answer 503 at once: {[(status, round(seconds, 2)) for status, seconds in timings]}")
        print(f"replicas: 4 concurrent uncached pages during the outage answered in {sorted(round(s, 3) for _, s in timings)} s")
        status, _, _, _ = request(a.port, "/healthz")
        check(status == 200, "A's /healthz still answers: the process is alive")
        print(f"replicas: during the outage /readyz and an uncached page answered 503 in under {max(elapsed, 0):.1f} s")

        subprocess.run([str(postgres), "start", str(pg_dir), str(pg_port)], check=True)
        healed = wait_until(lambda: request(b.port, "/readyz")[0] == 200 and request(a.port, "/readyz")[0] == 200, timeout=30)
        check(healed is not None, f"both replicas heal by themselves when PostgreSQL is back ({healed if healed is None else round(healed, 1)} s)")
        if healed is not None:
            print(f"replicas: both ready again {healed:.1f} s after PostgreSQL came back")
        check(request(b.port, "/search?q=replica")[0] == 200, "B searches again")
        listening = wait_until(lambda: metric(b.port, "galley_site_listening") == 1, timeout=10)
        check(listening is not None, "B listens again after the outage")
        check(publish(a.port, session, "After the outage", "after-the-outage") == 303, "A writes again")
        seen = wait_until(lambda: "After the outage" in request(b.port, "/")[2], timeout=5)
        check(seen is not None and seen < 0.5, f"and B sees it at once ({seen if seen is None else round(seen, 3)} s)")

        for replica in replicas:
            check(replica.stop() == 0, "a replica stops on SIGTERM with exit 0")
        replicas = []

        # galley db copy: a SQLite blog into PostgreSQL.
        sqlite_dir = work / "sqlite"
        subprocess.run([binary, "import", str(ROOT / "Tests" / "GalleyCLITests" / "Fixtures" / "blog"), "--data", str(sqlite_dir)],
                       check=True, capture_output=True)
        psql(pg_port, "CREATE DATABASE copied")
        target = f"postgres://postgres@127.0.0.1:{pg_port}/copied?sslmode=disable"
        source = f"sqlite://{sqlite_dir}/galley.sqlite"
        copy = subprocess.run([binary, "db", "copy", "--from", source, "--to", target], capture_output=True, text=True)
        check(copy.returncode == 0 and "posts" in copy.stdout and "same" in copy.stdout, f"db copy moves the blog: {copy.stdout}{copy.stderr}")
        again = subprocess.run([binary, "db", "copy", "--from", source, "--to", target], capture_output=True, text=True)
        check(again.returncode != 0 and "already holds data" in again.stderr, f"db copy refuses a non-empty target: {again.stderr.strip()}")
        replace = subprocess.run([binary, "db", "copy", "--from", source, "--to", target, "--replace"], capture_output=True, text=True)
        check(replace.returncode == 0, f"and replaces it when told: {replace.stderr.strip()}")
        c = Galley(binary, target, work, "c").wait()
        replicas = [c]
        status, _, body, _ = request(c.port, "/")
        check(status == 200 and "Hello from Jekyll" in body, "a replica serves the copied blog")
        status, _, body, _ = request(c.port, "/search?q=jekyll")
        check(status == 200 and "Hello from Jekyll" in body, "and finds its posts by search")
        c.stop()
        replicas = []

        # TLS to the database: a server that refuses unencrypted connections.
        subprocess.run([str(postgres), "stop", str(pg_dir)], check=True)
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                        "-keyout", str(pg_dir / "server.key"), "-out", str(pg_dir / "server.crt")], check=True, capture_output=True)
        (pg_dir / "pg_hba.conf").write_text("local all all trust\nhostssl all all 127.0.0.1/32 trust\nhostnossl all all 127.0.0.1/32 reject\n")
        shutil.chown(pg_dir / "server.key", "postgres") if os.geteuid() == 0 else None
        shutil.chown(pg_dir / "server.crt", "postgres") if os.geteuid() == 0 else None
        (pg_dir / "server.key").chmod(0o600)
        env = {**os.environ, "PG_EXTRA_OPTIONS": "-c ssl=on -c ssl_cert_file=server.crt -c ssl_key_file=server.key"}
        subprocess.run([str(postgres), "start", str(pg_dir), str(pg_port)], check=True, env=env)
        encrypted = subprocess.run([binary, "migrate", "--database-url", target.replace("sslmode=disable", "sslmode=require")], capture_output=True, text=True)
        check(encrypted.returncode == 0, f"sslmode=require connects over TLS: {encrypted.stdout.strip()} {encrypted.stderr.strip()[-200:]}")
        plain = subprocess.run([binary, "migrate", "--database-url", target], capture_output=True, text=True)
        check(plain.returncode != 0, "sslmode=disable is refused by a server that requires TLS")
        verified = subprocess.run([binary, "migrate", "--database-url", target.replace("sslmode=disable", "sslmode=verify-full")], capture_output=True, text=True)
        check(verified.returncode != 0, "sslmode=verify-full refuses a self-signed certificate")
    finally:
        for replica in replicas:
            replica.stop()
        subprocess.run([str(postgres), "stop", str(pg_dir)], capture_output=True)
        if check.failures:
            for name in ("a", "b", "c"):
                log = work / f"{name}.log"
                if log.exists():
                    print(f"--- {name}.log (end)\n" + log.read_text()[-2500:])
        shutil.rmtree(work, ignore_errors=True)
    check.finish()


if __name__ == "__main__":
    main()
