#!/usr/bin/env python3
"""Galley killed with SIGKILL at random moments while authors save, on SQLite and PostgreSQL.

    python3 Tests/crash/check_crash.py [path/to/galley] [--rounds N] [--backends sqlite,postgres]

Per backend: the real binary serves a fresh blog; three writers sign in through the admin and save
posts (new ones, and new versions of their own earlier ones) as fast as the server answers; at a
random moment up to 1.2 s after the round's first acknowledged save, `kill -9`. After each kill: SQLite's `PRAGMA integrity_check` is
`ok`, and once the server is up again every save it acknowledged (a 303 to the post) is there:
the post with at least the acknowledged version and a revision holding the acknowledged source.
Repeated N times (default 20). PostgreSQL is its own throwaway server (scripts/postgres.sh); it
is galley that is killed, not the database. Stops everything it started by PID.
"""

import argparse
import http.client
import random
import re
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "Tests" / "deploy"))
from harness import Checks, cookie_value, field, free_port, request, stop  # noqa: E402

check = Checks("crash")
PASSWORD = "correct horse battery"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


class Server:
    def __init__(self, binary, args, log, new_blog=False):
        self.process = subprocess.Popen([binary, "serve", "--port", "0", "--log-level", "notice", *args],
                                        stdout=subprocess.PIPE, stderr=log, text=True)
        line = self.process.stdout.readline()
        match = re.search(r"listening on [^ ]+:(\d+)", line)
        if not match:
            stop(self.process)
            sys.exit(f"galley did not start: {line!r}")
        self.port = int(match.group(1))
        # A new blog prints its first admin's setup link on the next line.
        setup = re.search(r"(/admin/setup\?token=\S+)", self.process.stdout.readline()) if new_blog else None
        self.setup = setup.group(1) if setup else None

    def kill(self):
        self.process.kill()
        self.process.wait()


def first_admin(port, setup):
    _, _, body, cookies = request(port, setup)
    fields = {"_csrf": field(body, "_csrf"), "token": field(body, "token"), "email": "ada@example.com", "name": "Ada",
              "password": PASSWORD, "password2": PASSWORD}
    status, _, _, cookies = request(port, "/admin/setup", "POST", body=urlencode(fields),
                                    headers={**FORM, "Cookie": f"galley_form={cookie_value(cookies, 'galley_form')}"})
    check(status == 303, f"the first admin is created: {status}")
    return {"Cookie": f"galley_session={cookie_value(cookies, 'galley_session')}"}


class Writer(threading.Thread):
    """Saves until the server goes away; remembers each save the server acknowledged."""

    def __init__(self, name, port, session, acknowledged, lock):
        super().__init__(daemon=True)
        self.name, self.port, self.session = name, port, session
        self.acknowledged, self.lock = acknowledged, lock
        self.mine = [post for post, (_, _, writer) in acknowledged.items() if writer == name]
        self.saves = 0

    def run(self):
        count = 0
        try:
            while True:
                count += 1
                edit = self.mine and count % 3 == 0
                post = random.choice(self.mine) if edit else None
                path = f"/admin/posts/{post}" if post else "/admin/posts/new"
                _, _, body, _ = request(self.port, path, headers=self.session, timeout=5)
                source = f"{self.name} save {count} at {time.time():.6f}\n\n" + "Words. " * random.randint(1, 400)
                fields = {"_csrf": field(body, "_csrf"), "title": f"{self.name} {count}", "slug": "", "tags": "crash",
                          "summary": "", "status": "published", "publish_at": "", "source": source,
                          "version": field(body, "version") if post else "", "action": "save"}
                status, headers, _, _ = request(self.port, f"/admin/posts/{post}" if post else "/admin/posts", "POST",
                                                body=urlencode(fields), headers={**self.session, **FORM}, timeout=5)
                if status != 303:
                    continue  # refused (a stale version after a lost answer, say): not acknowledged
                saved = int(re.search(r"/admin/posts/(\d+)", headers.get("location", "")).group(1))
                version = int(fields["version"]) + 1 if post else 1
                with self.lock:
                    self.acknowledged[saved] = (version, source, self.name)
                    self.saves += 1
                if not post:
                    self.mine.append(saved)
        except (OSError, http.client.HTTPException, AttributeError, ValueError):
            return  # the server was killed


def stored(backend, target):
    """Each post's version and the sources of its revisions, read from the database itself."""
    if backend == "sqlite":
        db = sqlite3.connect(target)
        posts = dict(db.execute("SELECT id, version FROM posts"))
        revisions = {}
        for post, source in db.execute("SELECT post_id, source FROM revisions"):
            revisions.setdefault(post, set()).add(source)
        db.close()
        return posts, revisions
    def rows(sql):
        out = subprocess.run(["psql", "-At", "-F", "\x1f", "-R", "\x1e", target, "-c", sql], check=True, capture_output=True, text=True).stdout
        out = out[:-1] if out.endswith("\n") else out  # psql ends its output with a newline
        return [row.split("\x1f") for row in out.split("\x1e") if row]
    posts = {int(post): int(version) for post, version in rows("SELECT id, version FROM posts")}
    revisions = {}
    for post, source in rows("SELECT post_id, source FROM revisions"):
        revisions.setdefault(int(post), set()).add(source)
    return posts, revisions


def integrity(db_path):
    db = sqlite3.connect(db_path)
    result = db.execute("PRAGMA integrity_check").fetchall()
    db.close()
    return result == [("ok",)]


def run_backend(binary, backend, rounds, work):
    log = open(work / f"{backend}.log", "w")
    pg_dir = None
    if backend == "sqlite":
        data = work / "data"
        args, target = ["--data", str(data)], str(data / "galley.sqlite")
    else:
        pg_dir, pg_port = work / "pg", free_port()
        subprocess.run([str(ROOT / "scripts" / "postgres.sh"), "start", str(pg_dir), str(pg_port)], check=True)
        target = f"postgres://postgres@127.0.0.1:{pg_port}/postgres?sslmode=disable"
        args = ["--database-url", target]
    acknowledged, lock = {}, threading.Lock()
    lost, corrupt, saves = 0, 0, []
    try:
        server = Server(binary, args, log, new_blog=True)
        session = first_admin(server.port, server.setup)
        for _ in range(rounds):
            writers = [Writer(f"w{i}", server.port, session, acknowledged, lock) for i in range(3)]
            for writer in writers:
                writer.start()
            # The kill comes at a random moment after the round's first acknowledged save, so
            # that every round has saves to lose (a slow start once left a round without any).
            deadline = time.monotonic() + 10
            while sum(writer.saves for writer in writers) == 0 and time.monotonic() < deadline:
                time.sleep(0.01)
            time.sleep(random.uniform(0.0, 1.2))
            server.kill()
            for writer in writers:
                writer.join(10)
            saves.append(sum(writer.saves for writer in writers))
            if backend == "sqlite" and not integrity(target):
                corrupt += 1
            server = Server(binary, args, log)
            posts, revisions = stored(backend, target)
            with lock:
                for post, (version, source, _) in acknowledged.items():
                    if posts.get(post, 0) < version or source not in revisions.get(post, set()):
                        lost += 1
                        print(f"missing: post {post} version {version} (stored {posts.get(post)}), "
                              f"source {'kept' if source in revisions.get(post, set()) else 'not kept'} of {len(revisions.get(post, set()))} revisions")
        stop(server.process)
    finally:
        log.close()
        if pg_dir:
            subprocess.run([str(ROOT / "scripts" / "postgres.sh"), "stop", str(pg_dir)], check=False)
    edits = sum(1 for version, _, _ in acknowledged.values() if version > 1)
    print(f"crash {backend}: {rounds} kills, {sum(saves)} acknowledged saves ({len(acknowledged)} posts, {edits} edited), "
          f"{lost} missing, integrity_check failed {corrupt} times")
    check(all(count > 0 for count in saves), f"{backend}: saves were acknowledged before each kill: {saves}")
    check(lost == 0, f"{backend}: every acknowledged save survives ({lost} missing)")
    check(corrupt == 0, f"{backend}: integrity_check is ok after every kill")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary", nargs="?", default=str(ROOT / ".build" / "debug" / "galley"))
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--backends", default="sqlite,postgres")
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="galley-crash-"))
    work.chmod(0o755)
    for backend in options.backends.split(","):
        run_backend(options.binary, backend, options.rounds, work)
    check.finish()


if __name__ == "__main__":
    main()
