"""Stored XSS, tried as an attacker would, against the real binary in headless Chromium.

Every payload of Tests/browser/xss_payloads.py is saved as a post's body, title, tag and summary
two ways — by `galley import` (JSON front matter) and through the editor's form — and every
page that shows it is loaded: the post, the home and tag pages, the tag list, the archive,
search results, the three feeds, the admin's posts list and the editor with its preview. In
each page, before any of its own scripts, `alert`, `confirm`, `prompt` and `print` are replaced
by recorders and every Content-Security-Policy violation is recorded. Passes when:

- no payload ran (no recorder was called) and no CSP violation was reported but for images
  over plain http, which the policy blocks by design (img-src https:);
- no element, attribute or URL outside the allowlist reached the page: no script but the
  page's own (JSON-LD on public pages, /assets/ on admin ones), no event handler, no style
  attribute, no javascript:, data:, vbscript: … in a URL attribute, no SVG, MathML, form, object,
  embed, base, meta refresh or frame but the allowed video hosts, sandboxed;
- the page's structure is intact: one article, the post's last words inside its body, the site
  footer outside it; titles and summaries appear as the text that was written;
- pages without payloads report no CSP violation at all;
- hostile SVG files, uploaded as images, run nothing: neither shown by a post through <img> nor
  opened on their own (the same files opened as `data:` URLs do run, so the check can see it).

Usage: xss.py GALLEY_BINARY [--sample N]   (every Nth payload and URL; default 1, all of them)
"""

import base64
import html
import json
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse
from xml.etree import ElementTree
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "deploy"))
from harness import Checks, cookie_value, field, request  # noqa: E402
from support import chromium, serve, shut_down  # noqa: E402
from xss_payloads import HTML_PAYLOADS, SVG_FILES, URL_CONTEXTS, URLS  # noqa: E402

from selenium.webdriver.common.by import By  # noqa: E402

EMAIL = "ada@example.com"
PASSWORD = "correct horse battery staple"

# Runs in every document and frame before the page's own scripts (CSP does not apply to it).
RECORDERS = """
window.__xss = [];
for (const name of ['alert', 'confirm', 'prompt', 'print']) {
  window[name] = (...args) => { window.__xss.push(name + '(' + args.join(',') + ')'); };
}
window.__csp = [];
document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.effectiveDirective + ' ' + (e.blockedURI || 'inline') + ' ' + (e.sample || '')), true);
"""

# What a page may hold, given what it is; returns the problems found.
CHECK = r"""
const [kind, expected] = arguments;
const problems = [];
const add = (what, el) => problems.push(what + (el ? ' in <' + el.localName + '> ' + el.outerHTML.slice(0, 160) : ''));
const admin = location.pathname.startsWith('/admin');
const norm = s => s.replace(/[\u0000\ufffd]/g, '').replace(/[\s\u00a0]+/g, ' ').trim();
if (document.contentType !== 'text/html') return problems;  // a feed, shown as text
if (kind === 'fragments') {
  // HTML that feeds and the API carry, put where a post's body goes on a page of no payloads.
  const holder = document.createElement('div');
  holder.className = 'post-body';
  holder.innerHTML = expected.join('\n');
  document.querySelector('main').append(holder);
}

for (const s of document.scripts) {
  if (s.type === 'application/ld+json' && !admin) {
    try { JSON.parse(s.textContent); } catch (e) { add('JSON-LD that does not parse', s); }
  } else if (!admin || !s.src || new URL(s.src).origin !== location.origin || !new URL(s.src).pathname.startsWith('/assets/')) {
    add('a script not the page\'s own', s);
  }
}
const urlAttributes = ['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'poster', 'background', 'cite', 'longdesc', 'ping', 'srcset', 'srcdoc'];
const safeURL = (value, schemes) => {
  try { return schemes.includes(new URL(value, location.href).protocol); } catch (e) { return false; }
};
for (const el of document.querySelectorAll('*')) {
  for (const a of el.attributes) {
    const name = a.name.toLowerCase();
    if (name.startsWith('on')) add('event handler ' + name, el);
    if (name === 'srcdoc') add('srcdoc', el);
    if (urlAttributes.includes(name)) {
      // srcset candidates are split at ASCII whitespace only, as the browser splits them.
      const values = name === 'srcset' ? a.value.split(',').map(c => c.replace(/^[\t\n\f\r ]+/, '').split(/[\t\n\f\r ]/)[0]).filter(Boolean) : [a.value];
      for (const v of values) if (!safeURL(v, ['http:', 'https:', 'mailto:'])) add(name + ' with a dangerous URL ' + JSON.stringify(v), el);
    }
  }
  if (el.localName === 'meta' && (el.getAttribute('http-equiv') || '').toLowerCase() === 'refresh') add('meta refresh', el);
  if (['object', 'embed', 'applet', 'base', 'frame', 'frameset', 'portal', 'svg', 'math'].includes(el.localName) && el.localName !== 'svg') add('forbidden element', el);
  if (el.localName === 'svg' || el.namespaceURI === 'http://www.w3.org/1998/Math/MathML') add('SVG or MathML', el);
  if (el.localName === 'iframe') {
    let host = '';
    try { host = new URL(el.src).host; } catch (e) {}
    if (!['www.youtube-nocookie.com', 'player.vimeo.com'].includes(host) || !el.hasAttribute('sandbox')) add('iframe not of an allowed video host, sandboxed', el);
  }
}

// Content written by authors: the post's body, the editor's preview.
const allowed = new Set(('div span p a img picture source figure figcaption table thead tbody tfoot tr th td caption colgroup col ' +
  'details summary kbd sup sub small mark abbr ins del dl dt dd ruby rt rp hr br wbr blockquote q cite pre code samp var ' +
  'h1 h2 h3 h4 h5 h6 ul ol li b i em strong s strike u tt time section input iframe').split(' '));
for (const body of document.querySelectorAll('.post-body')) {
  for (const el of body.querySelectorAll('*')) {
    if (!allowed.has(el.localName)) add('element outside the allowlist', el);
    if (el.hasAttribute('style')) add('style attribute', el);
    if (el.localName === 'input' && !(el.type === 'checkbox' && el.disabled)) add('input other than a disabled checkbox', el);
    if (el.id && !el.id.startsWith('user-content-') && !el.closest('h1,h2,h3,h4,h5,h6')) add('an author id without its prefix', el);
  }
}
if (!admin) {
  for (const el of document.querySelectorAll('[style]')) add('style attribute', el);
  for (const form of document.querySelectorAll('form')) {
    if (new URL(form.action).pathname !== '/search' || form.method !== 'get') add('a form besides the search forms', form);
  }
  for (const control of document.querySelectorAll('input, button, textarea, select')) {
    if (!control.closest('form') && !control.closest('.post-body')) add('a form control outside a search form', control);
  }
}

// The page's structure.
const footer = document.querySelector('footer.site-footer');
if (!admin && (!footer || footer.parentElement !== document.body)) add('the site footer is not a child of <body>');
if (kind === 'post') {
  const articles = document.querySelectorAll('article.post');
  if (articles.length !== 1) add(articles.length + ' post articles');
  const h1 = document.querySelector('article.post > header h1');
  if (!h1 || norm(h1.textContent) !== norm(expected.title)) add('the title is not shown as written: ' + JSON.stringify(h1 && h1.textContent));
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node; (node = walker.nextNode());) {
    if (node.data.includes(expected.sentinel) && !node.parentElement.closest('article.post .post-body')) add('the post\'s last words outside its body', node.parentElement);
  }
  if (!document.querySelector('article.post > .post-body')) add('no post body in the article');
}
if (kind === 'list') {
  for (const card of document.querySelectorAll('article.post-card')) {
    const link = card.querySelector('h2 > a');
    const slug = link && new URL(link.href).pathname.replace('/posts/', '');
    const want = expected[slug];
    if (!want) { add('a card of an unknown post ' + JSON.stringify(slug), card); continue; }
    if (norm(link.textContent) !== norm(want.title)) add('a card title not as written', card);
    const summary = card.querySelector('p.summary');
    if (!expected.__search && summary && norm(summary.textContent) !== norm(want.summary)) add('a card summary not as written', card);
  }
}
if (kind === 'editor') {
  if (!document.querySelector('#preview') || !document.querySelector('textarea#source')) add('the editor lost its form or preview');
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node; (node = walker.nextNode());) {
    if (node.data.includes(expected.sentinel) && !node.parentElement.closest('#preview, textarea#source')) add('the post\'s last words outside the preview', node.parentElement);
  }
}
return problems;
"""


def feed_html(text, feed):
    """The HTML of each entry of an Atom, RSS or JSON feed."""
    if feed.endswith(".json"):
        return [item.get("content_html", "") for item in json.loads(text)["items"]]
    root = ElementTree.fromstring(text)
    atom = "{http://www.w3.org/2005/Atom}"
    if root.tag == atom + "feed":
        return [entry.findtext(atom + "content") or "" for entry in root.iter(atom + "entry")]
    return [item.findtext("description") or "" for item in root.iter("item")]


def front_matter_post(slug, title, summary, tags, body, date):
    front = json.dumps({"title": title, "slug": slug, "summary": summary, "tags": tags, "date": date}, indent=1, ensure_ascii=True)
    return front + "\n" + body


class Admin:
    """The admin's forms over plain HTTP, with one session."""

    def __init__(self, port):
        self.port = port
        self.cookie = ""

    def get(self, path):
        status, headers, body, cookies = request(self.port, path, headers={"Cookie": self.cookie})
        return status, body

    def post(self, path, fields):
        body = urllib.parse.urlencode(fields)
        headers = {"Cookie": self.cookie, "Content-Type": "application/x-www-form-urlencoded", "Origin": f"http://127.0.0.1:{self.port}"}
        status, response_headers, text, cookies = request(self.port, path, "POST", headers, body)
        for name in ("galley_session", "__Host-galley_session"):
            if cookie_value(cookies, name):
                self.cookie = f"{name}={cookie_value(cookies, name)}"
        return status, response_headers, text

    def first_cookie(self, path):
        status, headers, body, cookies = request(self.port, path)
        if cookies:
            self.cookie = cookies[0].split(";")[0]
        return body


def main():
    binary = sys.argv[1]
    sample = int(sys.argv[sys.argv.index("--sample") + 1]) if "--sample" in sys.argv else 1
    check = Checks("xss")
    work = Path(tempfile.mkdtemp(prefix="galley-xss-"))
    site, data = work / "site", work / "blog"
    site.mkdir()

    payloads, urls = HTML_PAYLOADS[::sample], URLS[::sample]
    expected = {}  # slug -> title, summary, sentinel
    for i, payload in enumerate(payloads):
        slug = f"xss-h{i:03d}"
        body = f"Start of {slug}.\n\n{payload}\n\nInline: {payload} and on.\n\nEND-{slug}\n"
        date = f"2024-01-01T{i // 60:02d}:{i % 60:02d}:00Z"
        (site / f"{slug}.md").write_text(front_matter_post(slug, payload, payload, ["xss", payload], body, date))
        expected[slug] = {"title": payload, "summary": payload, "sentinel": f"END-{slug}", "body": body}
    for j, url in enumerate(urls):
        slug = f"xss-u{j:02d}"
        body = "\n\n".join(context.replace("{u}", url) for context in URL_CONTEXTS) + f"\n\nEND-{slug}\n"
        title = f"URL {j}: {url}"
        (site / f"{slug}.md").write_text(front_matter_post(slug, title, url, ["xss-url"], body, f"2024-02-01T00:{j:02d}:00Z"))
        expected[slug] = {"title": title, "summary": url, "sentinel": f"END-{slug}", "body": body}
    counted = len(payloads) * 4 * 2 + len(urls) * len(URL_CONTEXTS)
    print(f"xss: {len(payloads)} HTML payloads (body, title, tag, summary; imported and typed in the editor), "
          f"{len(urls)} URLs x {len(URL_CONTEXTS)} contexts: {counted} payload placements")

    imported = subprocess.run([binary, "import", str(site), "--data", str(data)], capture_output=True, text=True)
    check(imported.returncode == 0, f"galley import took every payload post: {imported.stderr[-2000:]}")

    log = open(work / "galley.log", "w")
    server, port, setup = serve(binary, data, "XSS Blog", log)
    driver = None
    try:
        check(setup is not None, "galley serve printed a setup link")
        if setup is None:
            return
        admin = Admin(port)
        form = admin.first_cookie(setup[setup.index("/admin/"):])
        status, _, _ = admin.post("/admin/setup", [("_csrf", field(form, "_csrf")), ("token", field(form, "token")), ("email", EMAIL),
                                                  ("name", "Ada"), ("password", PASSWORD), ("password2", PASSWORD)])
        check(status == 303 and admin.cookie, f"the first admin was set up ({status})")

        # The same payloads typed into the editor.
        _, editor = admin.get("/admin/posts/new")
        csrf = field(editor, "_csrf")
        typed = 0
        editor_pages = {}  # slug -> /admin/posts/ID
        for i, payload in enumerate(payloads):
            slug = f"xss-e{i:03d}"
            body = f"Start of {slug}.\n\n{payload}\n\nInline: {payload} and on.\n\nEND-{slug}\n"
            status, headers, text = admin.post("/admin/posts", [
                ("_csrf", csrf), ("title", payload), ("slug", slug), ("tags", "xss-e, " + payload), ("summary", payload),
                ("source", body), ("status", "published"), ("action", "save"),
            ])
            if status == 303:
                typed += 1
                editor_pages[slug] = headers.get("location", "").split("?")[0]
                expected[slug] = {"title": payload, "summary": payload, "sentinel": f"END-{slug}", "body": body}
            else:
                check(False, f"the editor saved payload {i}: {status} {html.unescape(re.sub('<[^>]+>', ' ', text))[:200]!r}")
        check(typed == len(payloads), f"the editor saved {typed} of {len(payloads)} payload posts")
        _, settings = admin.get("/admin/settings")
        status, _, _ = admin.post("/admin/settings", [
            ("_csrf", field(settings, "_csrf")), ("title", "XSS Blog"), ("description", "Payloads."), ("author", ""),
            ("base_url", f"http://127.0.0.1:{port}"), ("posts_per_page", "100"), ("raw_html", "sanitized"),
        ])
        check(status == 303, "a hundred posts a page")

        driver = chromium()
        driver.set_page_load_timeout(20)
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORDERS})
        base = f"http://127.0.0.1:{port}"

        loads = {"pages": 0, "with payloads": 0}
        blocked_images = []

        def visit(path, kind="page", expect=None, clean=False):
            driver.get(base + path)
            loads["pages"] += 1
            loads["with payloads"] += 0 if clean else 1
            ran = driver.execute_script("return window.__xss || []")
            violations = driver.execute_script("return window.__csp || []")
            problems = driver.execute_script(CHECK, kind, expect or {})
            check(not ran, f"{path}: no payload ran, but {ran[:3]}")
            images = [v for v in violations if v.startswith("img-src http://")]
            blocked_images.extend(images)
            others = violations if clean else [v for v in violations if v not in images]
            check(not others, f"{path}: no CSP violation{' (a page without payloads)' if clean else ''}, but {others[:3]}")
            check(not problems, f"{path}: {problems[:4]}")

        # Hostile SVG files: uploaded, shown by a post, and opened on their own.
        _, media_page = admin.get("/admin/media")
        svg_paths = []
        for number, svg in enumerate(SVG_FILES):
            status, _, text = request(port, "/admin/media", "POST", {
                "Cookie": admin.cookie, "X-CSRF-Token": field(media_page, "_csrf"), "X-File-Name": f"hostile-{number}.svg",
                "Origin": base, "Content-Type": "image/svg+xml"}, svg.encode())[:3]
            check(status in (200, 201), f"SVG {number} was accepted as an image ({status} {text[:200]})")
            if status in (200, 201):
                svg_paths.append(json.loads(text)["path"])
        images = "\n\n".join(f"![hostile {n}]({path})" for n, path in enumerate(svg_paths))
        svg_post = f"Start of xss-svg.\n\n{images}\n\nEND-xss-svg\n"
        status, _, _ = admin.post("/admin/posts", [
            ("_csrf", csrf), ("title", "SVG images"), ("slug", "xss-svg"), ("tags", ""), ("summary", "Hostile SVG images."),
            ("source", svg_post), ("status", "published"), ("action", "save")])
        check(status == 303, f"a post shows the SVG images ({status})")
        expected["xss-svg"] = {"title": "SVG images", "summary": "Hostile SVG images.", "sentinel": "END-xss-svg", "body": svg_post}

        def marked():
            return driver.execute_script("return document.documentElement.getAttribute('data-ran')")

        visit("/posts/xss-svg", "post", expected["xss-svg"])
        loaded = driver.execute_script("return [...document.querySelectorAll('.post-body img')].filter(i => i.complete && i.naturalWidth > 0).length")
        check(loaded == len(svg_paths), f"the post shows all {len(svg_paths)} SVG images ({loaded} loaded)")
        for number, path in enumerate(svg_paths):
            status, headers, _, _ = request(port, path)
            check(headers.get("content-type") == "image/svg+xml" and "sandbox" in headers.get("content-security-policy", ""),
                  f"{path} is served as SVG under a sandbox policy: {headers.get('content-type')}, {headers.get('content-security-policy')}")
            driver.get(base + path)
            check(marked() is None and not driver.execute_script("return window.__xss || []"), f"SVG {number} opened on its own ran nothing ({marked()})")
            for element in driver.find_elements(By.CSS_SELECTOR, "a, rect"):
                try:
                    element.click()
                except Exception:  # noqa: BLE001 - an element that cannot be clicked is fine
                    pass
            check(marked() is None, f"SVG {number} ran nothing when clicked ({marked()})")
        # The control: opened without Galley's headers, the first two files do run.
        driver.get("data:image/svg+xml;base64," + base64.b64encode(SVG_FILES[0].encode()).decode())
        check(marked() == "script", f"the control: the same SVG as a data: URL runs its script ({marked()})")
        print(f"xss: {len(svg_paths)} hostile SVG images shown by a post and opened on their own, none ran")

        # Pages without payloads first: their policy reports nothing at all.
        for path in ("/posts/welcome-to-galley", "/search?q=nothing-matches-this", "/tags/xss-url/feed.xml"):
            visit(path, "page", clean=True)

        driver.get(base + "/admin/login")
        driver.find_element(By.ID, "email").send_keys(EMAIL)
        driver.find_element(By.ID, "password").send_keys(PASSWORD)
        driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
        for path in ("/admin/settings", "/admin/media", "/admin/users"):
            visit(path, "page", clean=True)

        started = time.time()
        for slug, want in expected.items():
            visit(f"/posts/{slug}", "post", want)
        total = len(expected)
        for page in range(1, (total + 1) // 100 + 2):
            visit(f"/?page={page}", "list", expected)
            visit(f"/search?q=start&page={page}", "list", {**expected, "__search": True})
        for tag in ("xss", "xss-e", "xss-url"):
            visit(f"/tags/{tag}", "list", expected)
        visit("/tags")
        visit("/archive")
        fragments = []
        for feed in ("feed.xml", "rss.xml", "feed.json"):
            for path in (f"/{feed}", "/tags/xss/" + feed, "/tags/xss-e/" + feed, "/tags/xss-url/" + feed):
                visit(path)
                fragments += feed_html(request(port, path)[2], feed)
        # What feeds and the API carry as HTML, in a page: the same allowlist holds.
        api = [json.loads(request(port, f"/api/v1/posts/{slug}")[2])["html"] for slug in expected]
        for start in range(0, len(fragments), 60):
            visit("/search?q=nothing-matches-this", "fragments", fragments[start:start + 60])
        for start in range(0, len(api), 60):
            visit("/search?q=nothing-matches-this", "fragments", api[start:start + 60])
        print(f"xss: {len(fragments)} feed entries and {len(api)} API posts checked as HTML")
        # Every tag's own page: the payload as a tag name.
        tags_page = request(port, "/tags")[2]
        for href in sorted(set(re.findall(r'href="(/tags/[^"/]+)"', tags_page)))[: 2 * len(payloads) + 3]:
            visit(href)
        # The admin: the posts list, and the editor (and its preview) of every payload typed in it.
        visit("/admin")
        visit("/admin?filter=published&q=xss")
        for slug, path in editor_pages.items():
            visit(path, "editor", expected[slug])
        elapsed = time.time() - started
        print(f"xss: {loads['pages']} page loads ({loads['with payloads']} with payloads) in {elapsed:.0f} s; "
              f"{len(blocked_images)} plain-http images blocked by img-src, as the policy means to")
    finally:
        shut_down(driver, server, log, check)
    check.finish()


if __name__ == "__main__":
    main()
