#!/usr/bin/env python3
"""Graceful stop of the real binary: SIGTERM during a slow request.

    python3 Tests/deploy/check_shutdown.py [path/to/galley]

A client asks for a page of several megabytes and does not read it, so galley is still writing
the answer; galley gets SIGTERM; it must stop accepting new connections, finish the answer once
the client reads, close the database and exit 0.
"""

import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness import Checks

ROOT = Path(__file__).resolve().parents[2]
check = Checks("shutdown")

def main():
    binary = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / ".build" / "debug" / "galley"
    work = Path(tempfile.mkdtemp(prefix="galley-shutdown-"))
    posts = work / "posts"
    posts.mkdir()
    paragraph = "A long post, so that its page takes a while to send to a client that reads slowly. " * 12
    (posts / "big.md").write_text("---\ntitle: Big\ndate: 2024-01-01\n---\n" + "\n\n".join([paragraph] * 5000) + "\n")
    subprocess.run([str(binary), "import", str(posts), "--data", str(work / "data")], check=True, capture_output=True)
    galley = subprocess.Popen(
        [str(binary), "serve", "--port", "0", "--data", str(work / "data"), "--log-level", "info"],
        stdout=subprocess.PIPE, stderr=open(work / "galley.log", "wb"),
    )
    try:
        line = galley.stdout.readline().decode()
        port = int(re.search(r"listening on [^ ]+:(\d+)", line).group(1))

        slow = socket.socket()
        slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        slow.settimeout(20)
        slow.connect(("127.0.0.1", port))
        slow.sendall(b"GET /posts/big HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        first = slow.recv(1024)  # the answer has begun; the rest waits for the client
        check(first.startswith(b"HTTP/1.1 200 OK"), f"the slow request is being answered: {first[:40]!r}")
        galley.send_signal(signal.SIGTERM)
        time.sleep(0.5)

        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            check(False, "no new connection is accepted after SIGTERM")
        except OSError:
            check(True, "no new connection is accepted after SIGTERM")
        check(galley.poll() is None, "galley waits for the request in flight")

        answer = first
        while chunk := slow.recv(65536):
            answer += chunk
        slow.close()
        check(len(answer) > 4_000_000 and answer.rstrip().endswith(b"</html>"), f"the whole page arrives: {len(answer)} bytes")

        try:
            status = galley.wait(timeout=15)
        except subprocess.TimeoutExpired:
            galley.kill()
            status = galley.wait()
        check(status == 0, f"galley exits 0, got {status}")
        log = (work / "galley.log").read_text()
        check("GET /posts/big 200" in log, "the answer was logged")
        check(log.rstrip().endswith("[GalleyCLI] stopped"), "the database was closed and the last line says so")
    finally:
        if galley.poll() is None:
            galley.kill()
            galley.wait()
        if check.failures:
            print((work / "galley.log").read_text()[-3000:])
        shutil.rmtree(work, ignore_errors=True)

    check.finish()


if __name__ == "__main__":
    main()
