#!/usr/bin/env python3
"""End-to-end check of the registry's web pages in headless Chromium.

Signs in as reception, records a Navet visit (Borås, 23 pupils, 2 teachers, today),
checks the confirmation, signs out, signs in as analyst, opens the Navet report for the
current year and finds the visit's pupils in the Borås row, prints it with the comparison to
PDF (every column on A4 landscape; checked with pdftotext when poppler-utils is installed),
then ticks the comparison and picks last year from the quick choices. The visit is typed from
the keyboard alone, and the keys it takes are printed. On the way it checks that today's entries and the
Navet report fit a tablet (1024x768 landscape, 768x1024 portrait) without sideways
scrolling. Saves a screenshot of every page visited.

    python3 Tests/browser/e2e.py --base-url http://127.0.0.1:8080 \\
        --reception-user reception --analyst-user analyst

Passwords come from --reception-password/--analyst-password or, better (they do not show
in `ps`), from REGISTRY_E2E_RECEPTION_PASSWORD and REGISTRY_E2E_ANALYST_PASSWORD.
Needs chromium, chromium-driver and `pip install selenium` (.ci/run installs them).
Exit status 0 when every step passed, 1 otherwise.
"""

import argparse
import base64
import datetime
import os
import pathlib
import shutil
import subprocess
import sys
import zoneinfo

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait


def parse_arguments():
    env = os.environ.get
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", default=env("REGISTRY_E2E_BASE_URL", "http://127.0.0.1:8080"))
    parser.add_argument("--reception-user", default=env("REGISTRY_E2E_RECEPTION_USER", "reception"))
    parser.add_argument("--reception-password", default=env("REGISTRY_E2E_RECEPTION_PASSWORD"))
    parser.add_argument("--analyst-user", default=env("REGISTRY_E2E_ANALYST_USER", "analyst"))
    parser.add_argument("--analyst-password", default=env("REGISTRY_E2E_ANALYST_PASSWORD"))
    parser.add_argument("--screenshots", default="artifacts/screenshots", help="directory for the screenshots")
    parser.add_argument("--municipality", default="Borås")
    parser.add_argument("--municipality-code", default="1490")
    parser.add_argument("--pupils", type=int, default=23)
    parser.add_argument("--teachers", type=int, default=2)
    parser.add_argument("--exact", action="store_true",
                        help="expect exactly --pupils in the report (a store without other visits this year)")
    parser.add_argument("--chromium", default=env("CHROMIUM", "/usr/bin/chromium"))
    parser.add_argument("--chromedriver", default=env("CHROMEDRIVER", "/usr/bin/chromedriver"))
    parser.add_argument("--timeout", type=float, default=20)
    arguments = parser.parse_args()
    for role in ("reception", "analyst"):
        if not getattr(arguments, f"{role}_password"):
            parser.error(f"give --{role}-password or REGISTRY_E2E_{role.upper()}_PASSWORD")
    return arguments


# A tablet on its side and upright: the pages must fit without sideways scrolling.
TABLET = ((1024, 768, "landscape"), (768, 1024, "portrait"))

# What sticks out sideways: the page itself, a scrolling box, or an element of `selector`
# beyond the right edge of the window.
OVERFLOW_SCRIPT = """
const out = [];
const page = document.documentElement;
if (page.scrollWidth > window.innerWidth) out.push(`the page (${page.scrollWidth} px)`);
for (const box of document.querySelectorAll(arguments[1]))
    if (box.scrollWidth > box.clientWidth + 1) out.push(`${(box.closest("section") || box).id || box.tagName.toLowerCase()} scrolls sideways (${box.scrollWidth} > ${box.clientWidth} px)`);
for (const element of document.querySelectorAll(arguments[0])) {
    const box = element.getBoundingClientRect();
    if (element.getClientRects().length && box.right > page.clientWidth)
        out.push(`${element.tagName.toLowerCase()} "${element.textContent.trim()}" (right edge ${Math.round(box.right)} px)`);
}
return out;
"""


class Run:
    """One browser session that numbers and saves a screenshot of every page it shows."""

    def __init__(self, arguments):
        self.arguments = arguments
        self.base = arguments.base_url.rstrip("/")
        self.shots = pathlib.Path(arguments.screenshots)
        self.shots.mkdir(parents=True, exist_ok=True)
        self.count = 0
        options = Options()
        options.binary_location = arguments.chromium
        for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1024,1366", "--lang=sv-SE"):
            options.add_argument(flag)
        self.driver = webdriver.Chrome(service=Service(arguments.chromedriver), options=options)
        self.wait = WebDriverWait(self.driver, arguments.timeout)

    def screenshot(self, name):
        self.count += 1
        path = self.shots / f"{self.count:02d}-{name}.png"
        self.driver.save_screenshot(str(path))
        print(f"screenshot {path} ({self.driver.current_url})")

    def step(self, text):
        print(f"* {text}")

    def viewport(self, width, height):
        """Resizes the window so that the page gets exactly `width` x `height` CSS pixels."""
        self.driver.set_window_size(width, height)
        inner = self.driver.execute_script("return [window.innerWidth, window.innerHeight]")
        self.driver.set_window_size(2 * width - inner[0], 2 * height - inner[1])

    def check_fits(self, what, elements, boxes=".scroll"):
        """Checks at both tablet sizes that the page, its `boxes` and its `elements` fit the width."""
        url = self.driver.current_url
        for width, height, name in TABLET:
            self.viewport(width, height)
            self.driver.get(url)
            # An undo's reason field opens in place: it must fit too.
            self.driver.execute_script("for (const d of document.querySelectorAll('details.undo')) d.open = true")
            self.screenshot(f"{what}-{name}")
            overflow = self.driver.execute_script(OVERFLOW_SCRIPT, elements, boxes)
            check(not overflow, f"{what} fits a tablet, {name} ({width}x{height}): {'; '.join(overflow) or 'nothing sticks out'}")
        self.viewport(1024, 1366)

    def sign_in(self, user, password, lands_on):
        self.driver.get(self.base + "/login")
        self.wait.until(EC.presence_of_element_located((By.ID, "login")))
        self.screenshot(f"login-{user}")
        self.driver.find_element(By.ID, "name").send_keys(user)
        self.driver.find_element(By.ID, "password").send_keys(password)
        self.driver.find_element(By.CSS_SELECTOR, "#login button[type=submit]").click()
        self.wait.until(EC.url_contains(lands_on))

    def sign_out(self):
        self.driver.find_element(By.CSS_SELECTOR, "form.logout button").click()
        self.wait.until(EC.url_contains("/login"))
        self.screenshot("signed-out")

    def record_visit(self):
        a = self.arguments
        self.step(f"reception records a visit: {a.municipality}, {a.pupils} pupils, {a.teachers} teachers")
        self.sign_in(a.reception_user, a.reception_password, "/reception")
        self.wait.until(EC.presence_of_element_located((By.ID, "record")))
        self.screenshot("reception")
        occurred = self.driver.find_element(By.ID, "f-occurred").get_attribute("value")
        today = stockholm_today().isoformat()
        check(occurred == today, f"the date defaults to today ({today}), found {occurred!r}")
        # Typed, not picked from a select: the input offers all 290 municipalities as suggestions.
        municipality = self.driver.find_element(By.ID, "f-municipality")
        check(municipality.get_attribute("list") == "l-municipality", "the municipality input has suggestions")
        # A class visit typed from the keyboard alone, counting the keys: Tabs to reach Kommun
        # (the page puts the focus there), then Kommun, Skola, Tema, Elever, Lärare and Enter.
        tabs = 0
        while self.active_id() != "f-municipality" and tabs < 40:
            ActionChains(self.driver).send_keys(Keys.TAB).perform()
            tabs += 1
        check(self.active_id() == "f-municipality", f"Tab reaches Kommun ({tabs} Tabs)")
        keys = [a.municipality, Keys.TAB, "Sjöboskolan", Keys.TAB, "Draken Berta", Keys.TAB, str(a.pupils), Keys.TAB, str(a.teachers)]
        actions = ActionChains(self.driver)
        for key in keys:
            actions.send_keys(key)
        actions.perform()
        check(self.active_id() == "f-teachers", f"Tab goes Kommun → Skola → Tema → Elever → Lärare (now at {self.active_id()})")
        self.screenshot("reception-filled")
        count = tabs + sum(1 if key == Keys.TAB else len(key) for key in keys) + 1
        print(f"  keystrokes for a class visit: {tabs} Tabs to reach Kommun, {count} keys in all (with Enter)")
        check(tabs == 0, "the focus starts in Kommun: no Tabs needed")
        ActionChains(self.driver).send_keys(Keys.ENTER).perform()
        confirmation = self.wait.until(EC.visibility_of_element_located((By.ID, "confirmation")))
        self.screenshot("confirmation")
        text = confirmation.text
        expected = f"{a.pupils} elever, {a.teachers} lärare"
        check("Sparat" in text and a.municipality in text and expected in text,
              f"the confirmation shows what was saved ({expected}): {text!r}")
        today_rows = self.driver.find_elements(By.CSS_SELECTOR, "#today tbody tr")
        check(any(expected in row.text for row in today_rows), "the visit is among today's entries")
        # After saving the focus is back in Kommun; Enter on the empty form is not stopped by the
        # browser's own checks (novalidate): the server's summary of every problem takes the focus.
        check(self.active_id() == "f-municipality", f"after saving the focus is in Kommun (found {self.active_id()!r})")
        ActionChains(self.driver).send_keys(Keys.ENTER).perform()
        self.wait.until(EC.presence_of_element_located((By.ID, "error-summary")))
        self.screenshot("error-summary")
        links = [a.get_attribute("href").split("#")[-1] for a in self.driver.find_elements(By.CSS_SELECTOR, "#error-summary a")]
        check(self.active_id() == "error-summary" and "f-pupils" in links and "f-teachers" in links,
              f"the error summary has the focus and links to each wrong field: {links}")
        self.check_fits("todays-entries", "#today a, #today summary, #today input, #today button")
        self.sign_out()

    def read_report(self):
        a = self.arguments
        year = str(stockholm_today().year)
        self.step(f"analyst opens the navet report for {year}")
        self.sign_in(a.analyst_user, a.analyst_password, "/reports")
        self.wait.until(EC.presence_of_element_located((By.ID, "report-form")))
        self.screenshot("reports")
        Select(self.driver.find_element(By.ID, "name")).select_by_value("navet")
        period = self.driver.find_element(By.ID, "period")
        period.clear()
        period.send_keys(year)
        self.driver.find_element(By.CSS_SELECTOR, "#report-form button[type=submit]").click()
        self.wait.until(EC.presence_of_element_located((By.ID, "report-table")))
        self.screenshot("navet-report")
        cell = self.driver.find_element(
            By.CSS_SELECTOR, f'#report-table tr[data-key="{a.municipality_code}"] td[data-column="pupils"]')
        row = cell.find_element(By.XPATH, "..")
        check(a.municipality in row.text, f"the row is {a.municipality}'s: {row.text!r}")
        cell_text = cell.text
        pupils = int("".join(ch for ch in cell_text if ch.isdigit()) or "0")
        if a.exact:
            check(pupils == a.pupils, f"the {a.municipality} row shows {a.pupils} pupils, found {pupils}")
        else:
            check(pupils >= a.pupils, f"the {a.municipality} row shows at least {a.pupils} pupils, found {pupils}")
        check(len(self.driver.find_elements(By.CSS_SELECTOR, "#chart svg")) == 1, "the report has a chart")
        # The figure opens the events behind it, which add up to it.
        cell.find_element(By.CSS_SELECTOR, "a.figure").click()
        total = self.wait.until(EC.presence_of_element_located((By.ID, "events-sum")))
        self.screenshot("events-behind")
        check(total.text == cell_text, f"the events behind the figure add up to it: {total.text!r} = {cell_text!r}")
        self.driver.back()
        self.wait.until(EC.presence_of_element_located((By.ID, "report-table")))
        # Landscape shows every column; upright only the table scrolls, never the page.
        self.viewport(1024, 768)
        self.driver.get(self.driver.current_url)
        self.screenshot("navet-report-landscape")
        overflow = self.driver.execute_script(OVERFLOW_SCRIPT, "#report-table th, #report-table td", ".scroll")
        check(not overflow, f"the Navet report fits a tablet, landscape: {'; '.join(overflow) or 'all columns in view'}")
        self.viewport(768, 1024)
        self.driver.get(self.driver.current_url)
        self.screenshot("navet-report-portrait")
        overflow = self.driver.execute_script(OVERFLOW_SCRIPT, "#report-form button", "main")
        check(not overflow, f"the report page fits a tablet, portrait: {'; '.join(overflow) or 'only the table scrolls'}")
        self.viewport(1024, 1366)
        self.print_report(year)
        self.quick_choice(int(year) - 1)
        self.sign_out()

    def active_id(self):
        return self.driver.execute_script("return document.activeElement && document.activeElement.id")

    def print_report(self, year):
        """The Navet report with its comparison prints on A4 landscape with every column."""
        self.step(f"analyst prints the navet report for {year} compared with {int(year) - 1}")
        self.driver.get(f"{self.base}/reports?name=navet&period={year}&compare_year=on")
        self.wait.until(EC.presence_of_element_located((By.ID, "report-table")))
        # A4 landscape less the 10 mm margins is 277 mm, 1047 CSS pixels wide.
        self.viewport(1047, 740)
        self.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        try:
            overflow = self.driver.execute_script(OVERFLOW_SCRIPT, "#report-table th, #report-table td", ".scroll")
            hidden = self.driver.execute_script(
                "return ['header', '#report-form', '#views'].filter(s => { const e = document.querySelector(s); return e && e.getClientRects().length > 0 })")
        finally:
            self.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
        check(not overflow, f"printed, every column fits A4 landscape: {'; '.join(overflow) or 'nothing sticks out'}")
        check(not hidden, f"printed, no navigation or form: {hidden or 'none shown'}")
        self.viewport(1024, 1366)
        last_head = self.driver.execute_script("return document.querySelector('#report-table thead tr th:last-child').textContent.trim()")
        last_total = self.driver.execute_script("return document.querySelector('#report-table tr[data-key=total] td:last-child').textContent.trim()")
        pdf = self.driver.execute_cdp_cmd("Page.printToPDF", {"landscape": True, "preferCSSPageSize": True, "printBackground": False})
        path = self.shots / "navet-report-print.pdf"
        path.write_bytes(base64.b64decode(pdf["data"]))
        print(f"pdf {path}")
        if not shutil.which("pdftotext"):
            print("  (pdftotext missing: install poppler-utils to check the PDF's text)")
            self.compact_view(year)
            return
        first = subprocess.run(["pdftotext", "-layout", "-f", "1", "-l", "1", str(path), "-"],
                               capture_output=True, text=True, check=True).stdout
        squeezed = "".join(first.split())
        check("Summa" in first and "".join(last_head.split()) in squeezed,
              f"page 1 of the PDF has Summa and the last column's head {last_head!r}")
        check("".join(last_total.split()) in squeezed, f"page 1 of the PDF has the last column's total {last_total!r}")
        check("loggens hash" in first and "Logga ut" not in first and "Visa rapport" not in first,
              "page 1 has the footer with the log's hash, and neither navigation nor form")
        self.compact_view(year)

    def compact_view(self, year):
        """The compact comparison (one measure at a time) fits a 1366 px laptop screen."""
        self.driver.get(f"{self.base}/reports?name=navet&period={year}&compare_year=on&view=compact")
        self.wait.until(EC.presence_of_element_located((By.ID, "report-table")))
        self.viewport(1366, 768)
        self.driver.get(self.driver.current_url)
        self.screenshot("navet-compact-1366")
        overflow = self.driver.execute_script(OVERFLOW_SCRIPT, "#report-table th, #report-table td", ".scroll")
        check(not overflow, f"the compact comparison fits 1366 px: {'; '.join(overflow) or 'nothing sticks out'}")
        self.viewport(1024, 1366)

    def quick_choice(self, year):
        """A quick choice keeps what the form says besides the period, even if not yet sent."""
        self.step(f"analyst ticks the comparison and picks {year} from the quick choices")
        compare = self.driver.find_element(By.CSS_SELECTOR, "#report-form input[name=compare_year]")
        if not compare.is_selected():
            compare.click()
        self.driver.find_element(By.CSS_SELECTOR, f'#report-form button[name=quick][value="{year}"]').click()
        self.wait.until(EC.url_contains(f"period={year}"))
        heading = self.wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#report h2")))
        self.screenshot("quick-choice")
        url = self.driver.current_url
        check("compare_year=on" in url and "quick=" not in url, f"the quick choice keeps the comparison: {url}")
        check(self.driver.find_element(By.CSS_SELECTOR, "#report-form input[name=compare_year]").is_selected(),
              "the comparison box is still ticked")
        check(f"{year} jämfört med {year - 1}" in heading.text, f"the report compares {year} with {year - 1}: {heading.text!r}")

    def close(self):
        self.driver.quit()


class CheckFailed(Exception):
    pass


def check(condition, description):
    if not condition:
        raise CheckFailed(description)
    print(f"  ok: {description}")


def stockholm_today():
    return datetime.datetime.now(zoneinfo.ZoneInfo("Europe/Stockholm")).date()


def main():
    arguments = parse_arguments()
    try:
        run = Run(arguments)
    except WebDriverException as error:
        print(f"cannot start headless Chromium ({arguments.chromium}, {arguments.chromedriver}): {error.msg}\n"
              "Install chromium, chromium-driver and selenium (.ci/run does).", file=sys.stderr)
        return 1
    try:
        run.record_visit()
        run.read_report()
        print("browser end-to-end: all steps passed")
        return 0
    except (CheckFailed, WebDriverException) as error:
        try:
            run.screenshot("failure")
            print(f"page at failure: {run.driver.current_url}\n{run.driver.page_source[:4000]}", file=sys.stderr)
        except WebDriverException:
            pass
        message = (error.msg or repr(error)) if isinstance(error, WebDriverException) else str(error)
        print(f"FAILED: {type(error).__name__}: {message}", file=sys.stderr)
        return 1
    finally:
        run.close()


if __name__ == "__main__":
    sys.exit(main())
