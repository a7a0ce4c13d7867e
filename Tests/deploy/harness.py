"""What the scripts that run galley and other servers on loopback share: counting checks,
free ports, waiting for a listener, stopping a process by its PID, and plain HTTP with the
admin's cookies and form fields."""

import http.client
import re
import signal
import socket
import subprocess
import sys
import time


class Checks:
    """Counts checks, prints each failure at once and a summary line at the end."""

    def __init__(self, name):
        self.name = name
        self.passed = 0
        self.failures = []

    def __call__(self, condition, what):
        if condition:
            self.passed += 1
        else:
            self.failures.append(what)
            print(f"FAIL: {what}")

    def finish(self):
        print(f"{self.name}: {self.passed} passed, {len(self.failures)} failed")
        sys.exit(1 if self.failures else 0)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, timeout=15):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    sys.exit(f"nothing listens on port {port}")


def stop(process, how=signal.SIGTERM):
    """Asks a process to stop, kills it after 15 s, and waits for it."""
    if process and process.poll() is None:
        process.send_signal(how)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def request(port, path, method="GET", headers=None, body=None, timeout=20):
    """One request on its own connection: status, lower-cased headers, body text, Set-Cookie lines."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    data = response.read()
    connection.close()
    cookies = [value for name, value in response.getheaders() if name.lower() == "set-cookie"]
    return response.status, {name.lower(): value for name, value in response.getheaders()}, data.decode("utf-8", "replace"), cookies


def cookie_value(cookies, name):
    for line in cookies:
        if line.startswith(name + "="):
            return line.split(";")[0].partition("=")[2]
    return ""


def field(body, name):
    match = re.search(rf'name="{name}" value="([^"]*)"', body)
    return match.group(1) if match else ""
