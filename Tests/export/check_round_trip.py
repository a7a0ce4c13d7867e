#!/usr/bin/env python3
"""The round trip through the real binary: a generated blog of N posts (images, tags, bylines,
aliases, kept front matter keys, drafts, scheduled, expired and trashed posts) is exported,
imported into an empty data folder and exported again; the two folders must be byte-identical,
and both blogs, served, must answer every public page and every old address the same.

Usage: check_round_trip.py GALLEY_BINARY [N]   (default 1000 posts)
"""

import filecmp
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "deploy"))
from harness import Checks, free_port, stop, wait_for_port  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "Benchmarks" / "import"))
from generate_site import png  # noqa: E402

check = Checks("export round trip")


def run(*arguments):
    result = subprocess.run(arguments, capture_output=True, text=True, env={k: v for k, v in os.environ.items() if not k.startswith("GALLEY_")})
    check(result.returncode == 0, f"{' '.join(arguments[1:3])}: {result.stderr[-1500:]}")
    return result.stdout


def generate(site, count):
    """A Jekyll site in every shape the round trip must keep, and an export-shaped folder of
    trashed posts (the trash is reached only through the editor otherwise)."""
    (site / "_posts").mkdir(parents=True)
    (site / "_drafts").mkdir()
    (site / "assets").mkdir()
    (site / "_config.yml").write_text("title: Round trip\ntimezone: Europe/Oslo\npermalink: /:year/:month/:title/\n")
    for number in range(count):
        year = 2010 + number % 14
        date = f"{year}-{1 + number % 12:02d}-{1 + number % 28:02d} {number % 24:02d}:{number % 60:02d}:00"
        front = [f'title: "Post {number}: on {["types", "tests", "servers", "caches"][number % 4]}"', f"date: {date}",
                 f"tags: [t{number % 40}, shared]", f"author: Writer {number % 9}"]
        if number % 5 == 0:
            front.append(f"redirect_from: [/old/{number}/, /archive/p{number}.html]")
        if number % 7 == 0:
            front.append(f"series: s{number % 3}\nweight: {number}")
        if number % 11 == 0:
            front.append("summary: A summary of its own.")
        if number % 97 == 0:
            front.append("expiryDate: 2021-01-01")
        body = f"Text of post {number} about [another post](/{2010 + (number + 1) % 14}/{1 + (number + 1) % 12:02d}/post-{number + 1}/).\n\n"
        if number % 10 == 0:
            (site / "assets" / f"figure-{number}.png").write_bytes(png(number))
            body += f"![Figure {number}](/assets/figure-{number}.png)\n\n"
        body += "<!--more-->\n\n## Details\n\n```swift\nlet value = " + str(number) + "\n```\n"
        (site / "_posts" / f"{date[:10]}-post-{number}.md").write_text("---\n" + "\n".join(front) + "\n---\n" + body)
    for number in range(count // 50):
        (site / "_drafts" / f"draft-{number}.md").write_text(f"---\ntitle: Draft {number}\ntags: [drafts]\n---\nNot yet.\n")
        (site / "_posts" / f"2099-01-{1 + number % 28:02d}-scheduled-{number}.md").write_text(f"---\ntitle: Scheduled {number}\n---\nLater.\n")


def trash_folder(folder, count):
    """Posts already in the trash, as an export writes them."""
    (folder / "trash").mkdir(parents=True)
    (folder / "site.yaml").write_text("# Galley export\ntitle: \"Round trip\"\ndescription: \"Out and back.\"\nbase_url: \"https://blog.example.com\"\nposts_per_page: 7\n")
    for number in range(count):
        (folder / "trash" / f"2020-02-0{1 + number % 9}-binned-{number}.md").write_text(
            f'---\ntitle: "Binned {number}"\nslug: "binned-{number}"\ndate: "2020-02-0{1 + number % 9}T10:00:00.000Z"\n'
            f'updated: "2020-03-01T10:00:00.000Z"\ndraft: true\ntrashed: "2020-04-01T10:00:00.000Z"\n---\nThrown away.\n')


def fetch(base, path):
    request = urllib.request.Request(base + path)
    opener = urllib.request.build_opener(NoRedirect)
    try:
        response = opener.open(request, timeout=20)
        status, headers, body = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, headers, body = error.code, error.headers, error.read()
    text = re.sub(rb"\b[0-9a-f]{32}\b", b"<request id>", body)
    return f"{status} {headers.get('Location', '')}\n".encode() + text


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def public_paths(base, database):
    """Every page a reader or a crawler can reach, and every old address."""
    paths = ["/", "/archive", "/tags", "/feed.xml", "/rss.xml", "/feed.json", "/sitemap.xml", "/robots.txt", "/search?q=types", "/api/v1/posts"]
    sitemap = fetch(base, "/sitemap.xml").decode()
    paths += [urllib.parse.urlparse(url).path for url in re.findall(r"<loc>([^<]+)</loc>", sitemap)]
    for page in range(2, 6):
        paths.append(f"/?page={page}")
    with sqlite3.connect(database) as db:
        paths += [row[0] for row in db.execute("SELECT path FROM post_aliases ORDER BY path")]
        paths += [f"/tags/{row[0]}" for row in db.execute("SELECT DISTINCT tag_slug FROM post_tags ORDER BY 1 LIMIT 20")]
        paths += [f"/media/{row[0]}.png" for row in db.execute("SELECT sha256 FROM media WHERE kind = 'png' LIMIT 20")]
    return sorted(set(paths))


def main():
    galley = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    work = Path(tempfile.mkdtemp(prefix="galley-round-trip-"))
    servers = []
    try:
        generate(work / "site", count)
        trash_folder(work / "binned", 5)
        run(galley, "import", str(work / "site"), "--data", str(work / "a"))
        run(galley, "import", str(work / "binned"), "--data", str(work / "a"))
        summary = run(galley, "export", str(work / "first"), "--data", str(work / "a")).strip()
        print(f"round trip: {summary}")
        check(re.search(r"\d+ scheduled, \d+ drafts, 5 in the trash", summary) is not None, f"every state is exported: {summary}")
        report = run(galley, "import", str(work / "first"), "--data", str(work / "b"))
        check("site: galley" in report and "taken from site.yaml" in report, f"the export is read as one, its settings taken: {report[-600:]}")
        run(galley, "export", str(work / "second"), "--data", str(work / "b"))

        comparison = filecmp.dircmp(work / "first", work / "second")
        differences = []

        def walk(node, prefix=""):
            differences.extend(prefix + name for name in node.left_only + node.right_only + node.diff_files + node.funny_files)
            for name, sub in node.subdirs.items():
                walk(sub, prefix + name + "/")
        walk(comparison)
        files = sum(len(names) for _, _, names in os.walk(work / "first"))
        check(not differences, f"the second export is the first, byte for byte ({files} files): differs in {differences[:10]}")

        bases = []
        for data in ("a", "b"):
            port = free_port()
            servers.append(subprocess.Popen([galley, "serve", "--port", str(port), "--data", str(work / data), "--log-level", "warning"],
                                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            wait_for_port(port)
            bases.append(f"http://127.0.0.1:{port}")
        paths = public_paths(bases[0], work / "a" / "galley.sqlite")
        different = [path for path in paths if fetch(bases[0], path) != fetch(bases[1], path)]
        check(len(paths) > count, f"{len(paths)} public pages and old addresses compared")
        check(not different, f"both blogs answer the same on every page: {len(different)} differ, e.g. {different[:5]}")
        print(f"round trip: {files} files identical, {len(paths) - len(different)} of {len(paths)} pages and old addresses the same")
    finally:
        for server in servers:
            stop(server)
        subprocess.run(["rm", "-rf", str(work)])
    check.finish()


if __name__ == "__main__":
    main()
