"""The author's whole path through the admin, in headless Chromium driven by Selenium:
set up the first admin from the link `galley serve` prints, sign out and in, write a post with
a Python code block and see it highlighted in the live preview, upload an image, publish, find
the post on the home page, edit it (and see the autosave), open its revisions, restore the
first, sign out. Fails on any Content-Security-Policy report in the browser's console.

Screenshots of the editor at desktop and phone widths go to the folder given (test artefacts).

Usage: editor_flow.py GALLEY_BINARY ARTEFACT_FOLDER
"""

import re
import struct
import sys
import tempfile
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "deploy"))
from harness import Checks  # noqa: E402
from support import chromium, serve, shut_down  # noqa: E402

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.select import Select  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

EMAIL = "ada@example.com"
PASSWORD = "correct horse battery staple"
SOURCE = """Selenium wrote this.

```python
def greet(name):
    return f"Hello, {name}!"
```
"""


def png(width, height, rgb):
    """A small real PNG, to upload."""
    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def main():
    binary, artefacts = sys.argv[1], Path(sys.argv[2])
    artefacts.mkdir(parents=True, exist_ok=True)
    check = Checks("browser")
    data = tempfile.mkdtemp(prefix="galley-browser-")
    image = Path(data) / "diagram.png"
    image.write_bytes(png(24, 16, (11, 92, 173)))
    log = open(Path(data) / "galley.log", "w")
    server, port, setup_link = serve(binary, Path(data) / "blog", "Browser Blog", log)
    driver = None
    try:
        check(setup_link is not None, "galley serve printed a setup link")
        if setup_link is None:
            return

        driver = chromium()
        wait = WebDriverWait(driver, 15)
        base = f"http://127.0.0.1:{port}"

        # The first admin, from the printed link.
        driver.get(setup_link)
        driver.find_element(By.ID, "email").send_keys(EMAIL)
        driver.find_element(By.ID, "name").send_keys("Ada")
        driver.find_element(By.ID, "password").send_keys(PASSWORD)
        driver.find_element(By.ID, "password2").send_keys(PASSWORD)
        driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        wait.until(EC.url_to_be(base + "/admin"))
        check("Welcome to Galley" in driver.page_source, "the posts list shows the welcome post")

        # Out, and in again through the sign-in form.
        driver.find_element(By.ID, "logout").click()
        wait.until(EC.url_contains("/admin/login"))
        driver.get(base + "/admin/posts/new")
        check("/admin/login?next=" in driver.current_url, "signed out, the editor sends to the sign-in form")
        driver.find_element(By.ID, "email").send_keys(EMAIL)
        driver.find_element(By.ID, "password").send_keys("wrong password")
        driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
        refused = wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, ".admin-error")))
        check("do not match an account" in refused.text, "a wrong password is refused without saying which part")
        driver.find_element(By.ID, "password").send_keys(PASSWORD)
        driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
        wait.until(EC.url_to_be(base + "/admin/posts/new"))
        check(True, "signed in, back at the page asked for")

        # A post with a Python block: the live preview highlights it as the site will.
        driver.find_element(By.ID, "title").send_keys("Hello from the browser")
        check(driver.find_element(By.ID, "slug").get_attribute("value") == "hello-from-the-browser", "the slug follows the title")
        source = driver.find_element(By.ID, "source")
        source.send_keys(SOURCE)
        keyword = wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#preview pre.highlight code.language-python span.k")))
        check(keyword.text == "def", "the live preview highlights the Python keyword")
        check(driver.find_element(By.CSS_SELECTOR, "#preview span.nf").text == "greet", "and the function name")

        # An image through the file picker: the Markdown lands in the text.
        driver.find_element(By.ID, "upload").send_keys(str(image))
        wait.until(lambda d: "](/media/" in d.find_element(By.ID, "source").get_attribute("value"))
        markdown = re.search(r"!\[diagram\]\((/media/[0-9a-f]{64}\.png)\)", driver.find_element(By.ID, "source").get_attribute("value"))
        check(markdown is not None, "the upload inserted ![diagram](/media/<sha256>.png)")
        media_path = markdown.group(1) if markdown else "/media/none.png"
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, f'#preview img[src="{media_path}"]')))
        check(True, "the preview shows the uploaded image")

        # The first autosave makes it a draft on the server and the page its editor.
        wait.until(EC.url_matches(r"/admin/posts/\d+$"))
        post_url = driver.current_url
        check(True, "the autosave created the draft and moved the page to its editor")

        driver.save_screenshot(str(artefacts / "editor-desktop.png"))
        driver.set_window_size(390, 844)
        driver.save_screenshot(str(artefacts / "editor-phone.png"))
        driver.set_window_size(1280, 900)

        Select(driver.find_element(By.ID, "status")).select_by_value("published")
        driver.find_element(By.ID, "save").click()
        wait.until(EC.url_contains("notice=saved"))
        check("Saved." in driver.page_source, "published")

        driver.get(base + "/")
        link = driver.find_element(By.LINK_TEXT, "Hello from the browser")
        link.click()
        check(driver.current_url.endswith("/posts/hello-from-the-browser"), "the post is on the home page and opens")
        check(len(driver.find_elements(By.CSS_SELECTOR, "pre.highlight code.language-python span.k")) > 0, "the published page is highlighted too")
        image_ok = driver.execute_script(
            "const i = document.querySelector('article img'); return i && i.complete && i.naturalWidth;"
        )
        check(image_ok == 24, f"the uploaded image loads on the published page (width {image_ok})")

        # Edit: the autosave keeps the words on the server before the save.
        driver.get(post_url)
        source = driver.find_element(By.ID, "source")
        source.send_keys("\nAn edit, typed later.\n")
        wait.until(EC.text_to_be_present_in_element((By.ID, "editor-status"), "Draft kept on the server"))
        check(True, "the edit was autosaved on the server")
        driver.find_element(By.ID, "save").click()
        wait.until(EC.url_contains("notice=saved"))
        check("An edit, typed later." in driver.find_element(By.ID, "source").get_attribute("value"), "the edit is saved")

        # Revisions: restore the first (the post as first saved by the autosave).
        driver.find_element(By.LINK_TEXT, "Revisions").click()
        rows = driver.find_elements(By.CSS_SELECTOR, "table.admin-table tbody tr")
        check(len(rows) >= 3, f"the revisions page lists the history ({len(rows)} rows)")
        check(len(driver.find_elements(By.CSS_SELECTOR, ".diff .diff-added")) > 0, "and shows a diff")
        driver.find_element(By.CSS_SELECTOR, 'button.restore[data-revision="1"]').click()
        wait.until(EC.url_contains("notice=restored"))
        restored = driver.find_element(By.ID, "source").get_attribute("value")
        check("An edit, typed later." not in restored, "restoring revision 1 brought the first words back")
        driver.get(base + "/admin/posts/" + post_url.rsplit("/", 1)[1] + "/revisions")
        check(len(driver.find_elements(By.CSS_SELECTOR, "table.admin-table tbody tr")) == len(rows) + 1, "as a new revision")

        expected = "/admin/login - Failed to load resource: the server responded with a status of 401"  # the wrong password
        problems = [
            entry["message"] for entry in driver.get_log("browser")
            if ("Content Security Policy" in entry["message"] or entry["level"] == "SEVERE") and expected not in entry["message"]
        ]
        check(not problems, f"no CSP report or script error in the console: {problems[:3]}")

        driver.find_element(By.ID, "logout").click()
        wait.until(EC.url_contains("/admin/login"))
        driver.get(base + "/admin")
        check("/admin/login" in driver.current_url, "signed out at the end")
    finally:
        shut_down(driver, server, log, check)
    check.finish()


if __name__ == "__main__":
    main()
