#!/usr/bin/env python3
"""deploy/nginx/galley.conf in front of a real galley, on loopback.

    python3 Tests/deploy/check_nginx.py [path/to/galley]

Makes a self-signed certificate with openssl, starts galley and Debian's nginx with the
deployment's own configuration (listen addresses, ports, certificate paths and the upstream
substituted, nothing else), checks what a reader and an operator rely on, and stops both by PID.
"""

import http.client
import json
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlencode

from harness import Checks, free_port, stop, wait_for_port

ROOT = Path(__file__).resolve().parents[2]
HOST = "blog.example.com"
check = Checks("nginx")


def tls_context(**versions):
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    for name, value in versions.items():
        setattr(context, name, value)
    return context


def request(port, path, method="GET", headers=None, body=None, secure=True, context=None):
    if secure:
        connection = http.client.HTTPSConnection("127.0.0.1", port, timeout=10, context=context or tls_context())
    else:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    all_headers = {"Host": HOST}
    all_headers.update(headers or {})
    connection.request(method, path, body=body, headers=all_headers)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    headers = {}
    for name, value in response.getheaders():
        name = name.lower()
        headers[name] = headers[name] + "\n" + value if name == "set-cookie" and name in headers else value
    return response.status, headers, data


def cookie(headers, name):
    """The whole Set-Cookie line for `name`, or ''."""
    return next((line for line in headers.get("set-cookie", "").split("\n") if line.startswith(name + "=")), "")


def cookie_value(headers, name):
    return cookie(headers, name).split(";")[0].partition("=")[2]


def form_field(body, name):
    match = re.search(rf'name="{name}" value="([^"]*)"', body.decode())
    return match.group(1) if match else ""


PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8cfc0f01f0005000100ff89993d1d0000000049454e44ae426082"
)


def main():
    galley_binary = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / ".build" / "debug" / "galley"
    nginx_binary = shutil.which("nginx") or "/usr/sbin/nginx"
    work = Path(tempfile.mkdtemp(prefix="galley-nginx-"))
    work.chmod(0o755)  # nginx's workers run as another user when it starts as root
    galley = nginx = None
    try:
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", f"/CN={HOST}",
             "-addext", f"subjectAltName=DNS:{HOST}", "-keyout", str(work / "privkey.pem"), "-out", str(work / "fullchain.pem")],
            check=True, capture_output=True,
        )
        challenge = work / "certbot" / ".well-known" / "acme-challenge"
        challenge.mkdir(parents=True)
        (challenge / "token-123").write_text("token-123.thumbprint")
        for folder in (work / "certbot", work / "certbot" / ".well-known", challenge):
            folder.chmod(0o755)
        (challenge / "token-123").chmod(0o644)
        (work / "privkey.pem").chmod(0o644)

        galley_log = open(work / "galley.log", "wb")
        galley = subprocess.Popen(
            [str(galley_binary), "serve", "--port", "0", "--data", str(work / "data"), "--base-url", f"https://{HOST}",
             "--trusted-proxy", "127.0.0.1", "--log-level", "info", "--upload-limit", "1"],
            stdout=subprocess.PIPE, stderr=galley_log,
        )
        line = galley.stdout.readline().decode()
        match = re.search(r"listening on [^ ]+:(\d+)", line)
        if not match:
            sys.exit(f"galley did not start: {line!r}")
        galley_port = int(match.group(1))
        setup = re.search(r"https://[^/]+(/admin/setup\?token=\S+)", galley.stdout.readline().decode())
        if not setup:
            sys.exit("galley printed no setup link for its first admin")

        http_port, https_port = free_port(), free_port()
        site = (ROOT / "deploy" / "nginx" / "galley.conf").read_text()
        site = re.sub(r"^\s*listen \[::\]:.*\n", "", site, flags=re.M)
        site = site.replace("listen 80;", f"listen 127.0.0.1:{http_port};")
        site = site.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;")
        site = site.replace("server 127.0.0.1:8080;", f"server 127.0.0.1:{galley_port};")
        site = site.replace(f"/etc/letsencrypt/live/{HOST}/", f"{work}/")
        site = site.replace("/var/www/certbot", f"{work}/certbot")
        # Redirects name the public HTTPS port, which is 443 in production and a free one here.
        site = site.replace("return 301 https://$host$request_uri;", f"return 301 https://$host:{https_port}$request_uri;")
        (work / "galley.conf").write_text(site)
        (work / "nginx.conf").write_text(f"""
worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/error.log warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    access_log {work}/access.log;
    client_body_temp_path {work}/body; proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi; uwsgi_temp_path {work}/uwsgi; scgi_temp_path {work}/scgi;
    include {work}/galley.conf;
}}
""")
        test = subprocess.run([nginx_binary, "-t", "-p", str(work), "-c", str(work / "nginx.conf"), "-e", str(work / "error.log")],
                              capture_output=True, text=True)
        check(test.returncode == 0, f"nginx -t accepts the configuration: {test.stderr.strip()}")
        nginx = subprocess.Popen(
            [nginx_binary, "-p", str(work), "-c", str(work / "nginx.conf"), "-e", str(work / "error.log"), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        wait_for_port(https_port)

        # HTTP: a permanent redirect to HTTPS, except certbot's challenge.
        status, headers, _ = request(http_port, "/posts/welcome-to-galley?x=1", secure=False)
        check(status == 301, f"HTTP answers 301, got {status}")
        check(headers.get("location") == f"https://{HOST}:{https_port}/posts/welcome-to-galley?x=1", f"the redirect keeps path and query: {headers.get('location')}")
        status, _, body = request(http_port, "/.well-known/acme-challenge/token-123", secure=False)
        check(status == 200 and body == b"token-123.thumbprint", f"the ACME challenge is served over HTTP: {status}")

        # HTTPS: pages, HSTS, the request id nginx made is the one galley answers with.
        status, headers, body = request(https_port, "/")
        check(status == 200 and b"Welcome to Galley" in body, f"HTTPS serves the home page: {status}")
        check(headers.get("strict-transport-security", "").startswith("max-age=63072000"), "HSTS is sent")
        first_id = headers.get("x-request-id", "")
        check(re.fullmatch(r"[0-9a-f]{32}", first_id) is not None, f"nginx's $request_id reaches the reader: {first_id!r}")
        status, headers, body = request(https_port, "/posts/welcome-to-galley")
        check(status == 200 and b"<pre class=\"highlight\">" in body, f"a post page over HTTPS: {status}")
        second_id = headers.get("x-request-id", "")
        check(second_id != first_id, "each request has its own id")
        check(f'<link rel="canonical" href="https://{HOST}/posts/welcome-to-galley">'.encode() in body, "canonical links use the HTTPS base URL")

        # Compression and caching.
        status, headers, body = request(https_port, "/", headers={"Accept-Encoding": "gzip"})
        check(headers.get("content-encoding") == "gzip", "pages reach the reader gzipped")
        asset = re.search(rb"/assets/style\.[0-9a-f]{10}\.css", request(https_port, "/")[2])
        if asset:
            status, headers, _ = request(https_port, asset.group(0).decode(), headers={"Accept-Encoding": "gzip"})
            check(status == 200 and headers.get("cache-control") == "public, max-age=31536000, immutable", f"assets are cached for a year: {headers.get('cache-control')}")
            check(headers.get("content-encoding") == "gzip", "the stylesheet is gzipped")
            check("max-age=63072000" in headers.get("strict-transport-security", ""), "HSTS on assets too")
        else:
            check(False, "the page links its fingerprinted stylesheet")

        # TLS 1.3 by default, TLS 1.2 for older clients (1.0 and 1.1 are off in the config; this
        # machine's OpenSSL cannot offer them, so that part is not tested from here).
        with socket.create_connection(("127.0.0.1", https_port)) as raw:
            with tls_context().wrap_socket(raw, server_hostname=HOST) as tls:
                check(tls.version() == "TLSv1.3", f"TLS 1.3 is negotiated: {tls.version()}")
        status, _, _ = request(https_port, "/healthz", context=tls_context(maximum_version=ssl.TLSVersion.TLSv1_2))
        check(status == 200, "a TLS 1.2 client is served")

        # A body over the upload limit stops at nginx.
        status, _, _ = request(https_port, "/admin/media", method="POST", body=b"x" * (11 * 1024 * 1024),
                               headers={"Content-Type": "application/octet-stream"})
        check(status == 413, f"a body over client_max_body_size gets 413, got {status}")

        # The first admin through the printed link, then a sign-in over HTTPS: Secure cookies.
        form_headers = {"Content-Type": "application/x-www-form-urlencoded"}
        status, headers, body = request(https_port, setup.group(1))
        check(status == 200 and "Secure" in cookie(headers, "galley_form"), f"the setup form over HTTPS, its form cookie Secure: {status}")
        fields = {"_csrf": form_field(body, "_csrf"), "token": form_field(body, "token"), "email": "ada@example.com",
                  "name": "Ada", "password": "correct horse battery", "password2": "correct horse battery"}
        status, headers, _ = request(https_port, "/admin/setup", "POST", body=urlencode(fields),
                                     headers={**form_headers, "Cookie": f"galley_form={cookie_value(headers, 'galley_form')}"})
        check(status == 303, f"the setup link creates the first admin: {status}")
        status, headers, body = request(https_port, "/admin/login")
        fields = {"_csrf": form_field(body, "_csrf"), "email": "ada@example.com", "password": "correct horse battery", "next": "/admin"}
        status, headers, _ = request(https_port, "/admin/login", "POST", body=urlencode(fields),
                                     headers={**form_headers, "Cookie": f"galley_form={cookie_value(headers, 'galley_form')}"})
        session = cookie(headers, "galley_session")
        check(status == 303 and "Secure" in session and "HttpOnly" in session and "SameSite=Lax" in session,
              f"a sign-in over HTTPS sets a Secure, HttpOnly, SameSite=Lax session cookie: {status} {session!r}")
        signed_in = {"Cookie": f"galley_session={cookie_value(headers, 'galley_session')}"}
        status, headers, body = request(https_port, "/admin/posts/new", headers=signed_in)
        check(status == 200 and "frame-ancestors 'none'" in headers.get("content-security-policy", ""), f"the editor over HTTPS, with its CSP: {status}")
        upload = {**signed_in, "X-CSRF-Token": form_field(body, "_csrf"), "Content-Type": "image/png", "X-File-Name": "dot.png",
                  "Accept": "application/json"}

        # Under nginx's limit but over galley's own (--upload-limit 1): galley's clear 413.
        status, headers, body = request(https_port, "/admin/media", "POST", headers=upload, body=PNG + bytes(2 * 1024 * 1024))
        check(status == 413 and b'"code":"payload_too_large"' in body, f"an upload over galley's limit gets its own 413: {status} {body[:120]!r}")
        status, headers, body = request(https_port, "/admin/media", "POST", headers=upload, body=PNG)
        path = json.loads(body).get("path", "") if status == 201 else ""
        check(status == 201 and path.startswith("/media/"), f"an image upload through nginx: {status}")
        status, headers, body = request(https_port, path or "/media/none.png")
        check(status == 200 and body == PNG and headers.get("x-content-type-options") == "nosniff",
              f"the image is served back, nosniff: {status} {headers.get('x-content-type-options')}")

        # The client's address comes from nginx's X-Forwarded-For, because nginx is trusted; on the
        # second request the page comes from the cache's fast path, which must see it too.
        forwarded_ids = []
        for _ in range(2):
            _, headers, _ = request(https_port, "/archive", headers={"X-Forwarded-For": "203.0.113.9"})
            forwarded_ids.append(headers.get("x-request-id", ""))

        stop(galley, signal.SIGTERM)
        log = (work / "galley.log").read_text()
        for request_id in forwarded_ids:
            line = next((l for l in log.splitlines() if f"hb.request.id={request_id}" in l), "")
            check("client=203.0.113.9" in line, f"galley logs the client's address from X-Forwarded-For: {line!r}")
        for request_id in (first_id, second_id):
            check(f"hb.request.id={request_id}" in log, f"galley logged nginx's request id {request_id}")
        access = (work / "access.log").read_text()
        check(access.count(" 200 ") >= 3, "nginx logged the requests")
    finally:
        stop(galley, signal.SIGTERM)
        stop(nginx, signal.SIGQUIT)
        shutil.rmtree(work, ignore_errors=True)

    check.finish()


if __name__ == "__main__":
    main()
