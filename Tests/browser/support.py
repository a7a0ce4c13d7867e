"""What the browser tests share: a `galley serve` on a free port with the setup link it prints,
and headless Chromium as they drive it."""

import re
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "deploy"))
from harness import free_port, stop, wait_for_port  # noqa: E402

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402


def serve(binary, data, title, log):
    """Starts `galley serve` on a free port with its data in `data`, standard error to the open
    file `log`; returns the process, its port and the setup link it printed (None when it printed
    none within 10 s)."""
    port = free_port()
    server = subprocess.Popen([binary, "serve", "--port", str(port), "--data", str(data), "--site-title", title],
                              stdout=subprocess.PIPE, stderr=log, text=True)
    wait_for_port(port)
    setup = None
    deadline = time.time() + 10
    while setup is None and time.time() < deadline:
        match = re.search(r"(http://\S+/admin/setup\?token=\S+)", server.stdout.readline())
        setup = match.group(1) if match else None
    return server, port, setup


def chromium():
    """Headless Chromium at 1280 × 900, keeping the console's messages."""
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,900"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))


def shut_down(driver, server, log, check):
    """Quits the browser and stops galley; prints the end of galley's log when a check failed."""
    if driver:
        driver.quit()
    stop(server)
    log.close()
    if check.failures:
        print(Path(log.name).read_text()[-3000:])
