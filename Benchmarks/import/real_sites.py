#!/usr/bin/env python3
"""Imports real sites (fetched by hand; none of their files are committed) with the release
binary and measures what survived the move, over HTTP:

- files read, created, skipped, failed (the import's own table);
- old addresses: every alias the import kept must answer 301 to /posts/<slug>, which answers 200;
  with --engine-output DIR (the site built by its own engine), every page the engine wrote is
  also asked for, and those that were posts must lead to their post;
- images: every /media/ image the imported posts show must load; images the report calls missing
  or refused count as lost;
- words: with --engine-output, the visible words of each page the engine wrote (inside <main>,
  so build it with a layout that puts only `{{ .Content }}` there) against the words of the post
  it leads to (Galley's post body): the words the engine showed that Galley does not.

Usage: real_sites.py [--engine-output DIR] SITE_ROOT
"""
import argparse
import collections
import html
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GALLEY = os.environ.get("GALLEY_BIN", os.path.join(ROOT, ".build", "release", "galley"))


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def get(url, follow=True):
    try:
        response = (urllib.request.urlopen if follow else OPENER.open)(url, timeout=10)
        return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def words(markup, start, end):
    """The words of the text between the first `start` and the next `end` in an HTML page."""
    text = markup.decode("utf-8", "replace")
    begin = text.find(start)
    if begin < 0:
        return collections.Counter()
    finish = text.find(end, begin)
    text = text[begin:finish if finish >= 0 else len(text)]
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    return collections.Counter(re.findall(r"\w+", text.lower()))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("site")
    parser.add_argument("--engine-output")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data:
        env = {k: v for k, v in os.environ.items() if not k.startswith("GALLEY_")}
        result = subprocess.run([GALLEY, "import", args.site, "--data", data, "--verbose"], env=env, capture_output=True, text=True)
        table = {}
        for line in result.stdout.splitlines():
            match = re.match(r"^(files read|created|skipped|failed|old addresses kept|images and files stored|warning: [a-z ,]+?)\s{2,}(\d+)$", line)
            if match:
                table[match.group(1)] = int(match.group(2))
        lost_images = len(re.findall(r"^  .*: '[^']+\.(?:png|jpe?g|gif|webp|svg|avif)'", result.stdout, re.M | re.I))
        database = sqlite3.connect(os.path.join(data, "galley.sqlite"))
        aliases = database.execute(
            "SELECT post_aliases.path, posts.slug FROM post_aliases JOIN posts ON posts.id = post_aliases.post_id "
            "WHERE posts.status = 'published'"
        ).fetchall()
        slugs = [row[0] for row in database.execute("SELECT slug FROM posts WHERE status = 'published'")]
        server = subprocess.Popen([GALLEY, "serve", "--port", "0", "--data", data, "--log-level", "warning"], stdout=subprocess.PIPE, text=True, env=env)
        try:
            line = server.stdout.readline()
            port = re.search(r"listening on [^ ]+:(\d+)", line).group(1)
            base = f"http://127.0.0.1:{port}"
            working = 0
            broken = []
            for path, slug in aliases:
                for form in {path, path + "/"}:
                    status, headers, _ = get(base + urllib.request.quote(form), follow=False)
                    location = headers.get("Location") if headers else None
                    if status == 301 and location == f"/posts/{slug}" and get(base + location)[0] == 200:
                        working += 1
                    else:
                        broken.append((form, status, location))
            images_ok, images_bad = 0, 0
            seen = set()
            for slug in slugs:
                _, _, body = get(f"{base}/posts/{slug}")
                for source in re.findall(rb'src="(/media/[0-9a-f]{64}\.[a-z]+)"', body):
                    if source in seen:
                        continue
                    seen.add(source)
                    status, _, _ = get(base + source.decode())
                    images_ok += status == 200
                    images_bad += status != 200
            engine_pages = None
            engine_words, lost_words = 0, 0
            losses = []
            if args.engine_output:
                engine_pages = [0, 0]
                for folder, _, files in os.walk(args.engine_output):
                    if "index.html" not in files:
                        continue
                    path = "/" + os.path.relpath(folder, args.engine_output).strip(".") + "/"
                    path = path.replace("//", "/")
                    status, headers, _ = get(base + urllib.request.quote(path), follow=False)
                    if status == 301:
                        post_status, _, post_body = get(base + headers["Location"])
                        engine_pages[0] += post_status == 200
                        with open(os.path.join(folder, "index.html"), "rb") as page:
                            theirs = words(page.read(), "<main>", "</main>")
                        ours = words(post_body, '<div class="post-body">', '<nav class="post-nav"') or words(post_body, '<div class="post-body">', "</article>")
                        engine_words += sum(theirs.values())
                        lost = sum((theirs - ours).values())
                        lost_words += lost
                        losses.append((lost, path, sorted((theirs - ours).items(), key=lambda kv: -kv[1])[:8]))
                    engine_pages[1] += 1
        finally:
            server.terminate()
            server.wait(timeout=10)
    report = {
        "site": os.path.basename(os.path.normpath(args.site)),
        "files": table.get("files read"), "imported": table.get("created"), "skipped": table.get("skipped"), "failed": table.get("failed"),
        "old addresses 301 -> 200": f"{working} of {working + len(broken)}",
        "images that load": f"{images_ok} of {images_ok + images_bad + lost_images}",
        "warnings": {k[9:]: v for k, v in table.items() if k.startswith("warning: ")},
    }
    if engine_pages:
        report["engine's pages that lead to a post"] = f"{engine_pages[0]} of {engine_pages[1]}"
        report["engine's words lost"] = f"{lost_words} of {engine_words} ({100 * lost_words / max(engine_words, 1):.1f} %)"
    print(json.dumps(report, indent=1))
    if os.environ.get("SHOW_LOSSES"):
        for lost, path, sample in sorted(losses, reverse=True)[:int(os.environ["SHOW_LOSSES"])]:
            print(f"  lost {lost:5d} words on {path}: {sample}", file=sys.stderr)
    for form, status, location in broken[:10]:
        print(f"  broken: {form} -> {status} {location}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
