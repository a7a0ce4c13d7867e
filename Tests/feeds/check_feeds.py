#!/usr/bin/env python3
"""Feed readers must accept Galley's feeds: serve the fixture blog with the real binary, fetch
every feed (site-wide and per tag, Atom, RSS and JSON Feed) and parse it, failing on any problem.
Atom and RSS go through feedparser. feedparser's released versions (6.0.x) cannot read JSON Feed,
so JSON feeds are read with the json module and held to the JSON Feed 1.1 rules instead, then
go through the same entry checks. Run by `make test` after the Swift tests."""

import datetime
import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.request

import feedparser

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GALLEY = os.environ.get("GALLEY_BIN", os.path.join(ROOT, ".build", "debug", "galley"))
FIXTURES = os.path.join(ROOT, "Tests", "GalleyCLITests", "Fixtures", "blog")
BASE = "https://blog.example.com"

passed, failed = 0, 0


def check(name, condition, detail=""):
    global passed, failed
    if condition:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {name}: {detail}")


def rfc3339(text):
    try:
        return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timetuple()
    except (TypeError, ValueError):
        return None


def json_feed_entries(path, body):
    """Checks a JSON Feed 1.1 document and returns its items shaped like feedparser's entries."""
    feed = json.loads(body)
    check(f"{path} declares JSON Feed 1.1", feed.get("version") == "https://jsonfeed.org/version/1.1", feed.get("version"))
    check(f"{path} has a title", isinstance(feed.get("title"), str) and feed["title"], feed.get("title"))
    for key in ("home_page_url", "feed_url"):
        check(f"{path} has an absolute {key}", str(feed.get(key, "")).startswith(BASE), feed.get(key))
    check(f"{path} names its authors", all(isinstance(a.get("name"), str) for a in feed.get("authors", [])), feed.get("authors"))
    items = feed.get("items")
    check(f"{path} has a list of items", isinstance(items, list), type(items))
    entries = []
    for item in items or []:
        check(f"{path} item has a string id", isinstance(item.get("id"), str), item.get("id"))
        check(f"{path} item has content", isinstance(item.get("content_html"), str), item.keys())
        check(f"{path} item tags are strings", all(isinstance(t, str) for t in item.get("tags", [])), item.get("tags"))
        entries.append({
            "title": item.get("title"), "link": item.get("url", ""), "id": item.get("id", ""),
            "published_parsed": rfc3339(item.get("date_published")), "updated_parsed": rfc3339(item.get("date_modified")),
            "content": [{"value": item.get("content_html", "")}],
            "author": ", ".join(author.get("name", "") for author in item.get("authors", [])) or None,
        })
    return entries


def main():
    with tempfile.TemporaryDirectory() as data:
        env = {k: v for k, v in os.environ.items() if not k.startswith("GALLEY_")}
        subprocess.run([GALLEY, "import", FIXTURES, "--data", data], check=True, env=env, stdout=subprocess.DEVNULL)
        server = subprocess.Popen(
            [GALLEY, "serve", "--port", "0", "--data", data, "--base-url", BASE, "--site-author", "Fixture Author", "--log-level", "warning"],
            stdout=subprocess.PIPE, text=True, env=env,
        )
        try:
            line = server.stdout.readline()
            match = re.search(r"listening on [^ ]+:(\d+)", line)
            if not match:
                raise SystemExit(f"galley did not start: {line!r}")
            local = f"http://127.0.0.1:{match.group(1)}"
            feeds = [path for tag in ("", "/tags/swift") for path in (f"{tag}/feed.xml", f"{tag}/rss.xml", f"{tag}/feed.json")]
            for path in feeds:
                with urllib.request.urlopen(local + path, timeout=10) as response:
                    body = response.read()
                    content_type = response.headers["Content-Type"]
                if path.endswith(".json"):
                    check(f"{path} is served as JSON Feed", content_type.startswith("application/feed+json"), content_type)
                    entries = json_feed_entries(path, body)
                else:
                    parsed = feedparser.parse(body, response_headers={"content-type": content_type})
                    check(f"{path} parses without problems", not parsed.bozo, repr(parsed.get("bozo_exception")))
                    check(f"{path} has a title", bool(parsed.feed.get("title")), parsed.feed)
                    entries = parsed.entries
                check(f"{path} has entries", len(entries) >= 3, len(entries))
                for entry in entries:
                    name = f"{path} {entry.get('title')!r}"
                    check(f"{name} has an absolute link", entry.get("link", "").startswith(BASE + "/posts/"), entry.get("link"))
                    check(f"{name} has a stable id", entry.get("id", "").startswith(BASE + "/posts/"), entry.get("id"))
                    check(f"{name} has a publication date", entry.get("published_parsed") is not None, entry.keys())
                    check(f"{name} has an update date", entry.get("updated_parsed") is not None, entry.keys())
                    content = entry["content"][0]["value"] if entry.get("content") else ""
                    check(f"{name} has its full content", "<p>" in content, content[:80])
                    relative = re.findall(r'(?:href|src)="(/[^"]*)"', content)
                    check(f"{name} has no root-relative links", not relative, relative)
                    for hidden in ("Not ready yet", "From the future"):
                        check(f"{name} is not the {hidden!r} post", entry.get("title") != hidden)
                jekyll = [e for e in entries if e.get("title") == "Hello from Jekyll"]
                if jekyll:
                    content = jekyll[0]["content"][0]["value"]
                    check(f"{path} makes relative links absolute", f'href="{BASE}/posts/second-post"' in content, content[:300])
                    check(f"{path} makes relative paths absolute", f'href="{BASE}/posts/second-post#fn-1"' in content, content[:300])
                    check(f"{path} makes image sources absolute", f'src="{BASE}/media/diagram.png"' in content, content[:300])
                    # The post's own byline (RSS: dc:creator), not the site's author.
                    check(f"{path} names the post's byline", jekyll[0].get("author") == "Ada Lovelace", jekyll[0].get("author"))
        finally:
            server.terminate()
            server.wait(timeout=10)
    print(f"feeds: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
