#!/usr/bin/env python3
"""End-to-end check of the registry's web pages in headless Chromium: one day of each role.

- reception records a Navet visit (Borås, 23 pupils, 2 teachers, today) from the keyboard
  alone (the keys it takes are printed), fixes its pupils (Rätta), undoes another entry with a
  reason (Ångra) and sees both marked among today's entries;
- the coach opens a case, finds the outcome form filled with it, saves an outcome, is refused a
  second one with an offer to correct the first, corrects it, and records an MC activity;
- grants records a decision, is refused the same Beslut-id again, and undoes the decision;
- the analyst finds the corrected visit in the Navet report and behind its figure, prints the
  report with the comparison to PDF (every column on A4 landscape; checked with pdftotext when
  poppler-utils is installed), downloads the CSV (Excel) and the XLSX, and opens "Mål och utfall";
- the admin adds a membership, changes a user's role, resets a password and finds the undone
  and corrected events marked and linked in the log.

On the way it checks that today's entries and the Navet report fit a tablet (1024x768
landscape, 768x1024 portrait) without sideways scrolling. Saves a screenshot of every page visited.

    python3 Tests/browser/e2e.py --base-url http://127.0.0.1:8080

Passwords come from --ROLE-password or, better (they do not show in `ps`), from
REGISTRY_E2E_ROLE_PASSWORD (ROLE: reception, coach, grants, analyst, admin); the users are named
after their roles unless --ROLE-user says otherwise.
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
import urllib.error
import urllib.request
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


ROLES = ("reception", "coach", "grants", "analyst", "admin")


def parse_arguments():
    env = os.environ.get
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", default=env("REGISTRY_E2E_BASE_URL", "http://127.0.0.1:8080"))
    for role in ROLES:
        parser.add_argument(f"--{role}-user", default=env(f"REGISTRY_E2E_{role.upper()}_USER", role))
        parser.add_argument(f"--{role}-password", default=env(f"REGISTRY_E2E_{role.upper()}_PASSWORD"))
    parser.add_argument("--screenshots", default="artifacts/screenshots", help="directory for the screenshots")
    parser.add_argument("--municipality", default="Borås")
    parser.add_argument("--municipality-code", default="1490")
    parser.add_argument("--pupils", type=int, default=23)
    parser.add_argument("--teachers", type=int, default=2)
    parser.add_argument("--fixed-pupils", type=int, help="the pupils reception corrects the visit to (default: --pupils + 1)")
    parser.add_argument("--exact", action="store_true",
                        help="expect exactly --pupils in the report (a store without other visits this year)")
    parser.add_argument("--chromium", default=env("CHROMIUM", "/usr/bin/chromium"))
    parser.add_argument("--chromedriver", default=env("CHROMEDRIVER", "/usr/bin/chromedriver"))
    parser.add_argument("--timeout", type=float, default=20)
    arguments = parser.parse_args()
    if arguments.fixed_pupils is None:
        arguments.fixed_pupils = arguments.pupils + 1
    for role in ROLES:
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

    def open_page(self, path, ready):
        """Opens `path` and waits for the element with id `ready`."""
        self.driver.get(self.base + path)
        return self.wait.until(EC.presence_of_element_located((By.ID, ready)))

    def by_id(self, element_id):
        return self.driver.find_element(By.ID, element_id)

    def fill(self, values):
        """Types into inputs (a select picks the option of that value; a date is set, since
        typing a date depends on the browser's locale)."""
        for element_id, value in values.items():
            element = self.by_id(element_id)
            if element.tag_name == "select":
                Select(element).select_by_value(value)
            elif element.get_attribute("type") == "date":
                self.driver.execute_script("arguments[0].value = arguments[1]", element, value)
            else:
                element.clear()
                element.send_keys(value)

    def click_and_load(self, element):
        """Clicks a link or button and waits for the next page to replace this one."""
        page = self.driver.find_element(By.TAG_NAME, "html")
        element.click()
        self.wait.until(EC.staleness_of(page))

    def submit(self, form_id):
        """Sends the form with its first (default) button."""
        self.click_and_load(self.driver.find_element(By.CSS_SELECTOR, f"#{form_id} button[type=submit]"))

    def confirmation(self, name):
        """The text of the page's confirmation (after a redirect that saved something)."""
        notice = self.wait.until(EC.visibility_of_element_located((By.ID, "confirmation")))
        self.screenshot(name)
        return notice.text

    def row(self, selector, text, what):
        """The first row of `selector` whose text contains `text`; fails naming the rows there are."""
        rows = self.driver.find_elements(By.CSS_SELECTOR, selector)
        found = [row for row in rows if text in row.text]
        check(found, f"{what} lists a row with {text!r} (rows: {[row.text[:80] for row in rows][:8]})")
        return found[0]

    def fetch(self, url):
        """Fetches `url` as the browser would, with its session cookie (the pages' CSP keeps a
        script's fetch out): status, headers and the bytes."""
        cookie = "; ".join(f"{c['name']}={c['value']}" for c in self.driver.get_cookies())
        request = urllib.request.Request(url, headers={"Cookie": cookie})
        try:
            with urllib.request.urlopen(request, timeout=self.arguments.timeout) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

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

    def fix_and_undo(self):
        """Reception fixes the visit's pupils and undoes another entry of today with a reason."""
        a = self.arguments
        saved = f"{a.pupils} elever, {a.teachers} lärare"
        fixed = f"{a.fixed_pupils} elever, {a.teachers} lärare"
        self.step(f"reception fixes the visit to {a.fixed_pupils} pupils and undoes the lecture")
        self.open_page("/reception", "today")
        visit = self.row("#today tbody tr", saved, "today's entries")
        self.click_and_load(visit.find_element(By.CSS_SELECTOR, "a.fix"))
        self.wait.until(EC.presence_of_element_located((By.ID, "fix")))
        pupils = self.by_id("f-pupils").get_attribute("value")
        check(pupils == str(a.pupils), f"the fix form is filled with the visit as saved ({a.pupils} pupils): found {pupils!r}")
        self.fill({"f-pupils": str(a.fixed_pupils), "f-reason": "Fel antal elever"})
        self.screenshot("reception-fix")
        self.submit("fix")
        text = self.confirmation("reception-fixed")
        check("Sparat" in text and str(a.fixed_pupils) in text, f"the confirmation shows the fix: {text!r}")
        lecture = self.row("#today tbody tr", "Klimatet och vi", "today's entries")
        lecture.find_element(By.CSS_SELECTOR, "details.undo summary").click()
        lecture.find_element(By.CSS_SELECTOR, "input[name=reason]").send_keys("Dubbelregistrerad")
        self.screenshot("reception-undo")
        self.click_and_load(lecture.find_element(By.CSS_SELECTOR, "details.undo button[type=submit]"))
        text = self.confirmation("reception-undone")
        check("Ångrat" in text and "Klimatet och vi" in text, f"the confirmation says the lecture is undone: {text!r}")
        row = self.row("#today tbody tr", fixed, "today's entries")
        check("Rättad" in row.text, f"the visit is marked Rättad with {a.fixed_pupils} pupils: {row.text!r}")
        row = self.row("#today tbody tr", "Klimatet och vi", "today's entries")
        check("Ångrad" in row.text and "Dubbelregistrerad" in row.text and not row.find_elements(By.CSS_SELECTOR, "a.fix"),
              f"the lecture is marked Ångrad with its reason, and offers no more fix: {row.text!r}")
        self.sign_out()

    def coach_day(self):
        """The coach opens a case, records and corrects its outcome, and records an activity."""
        a = self.arguments
        self.step("coach opens a case and records its outcome")
        self.sign_in(a.coach_user, a.coach_password, "/coach")
        self.wait.until(EC.presence_of_element_located((By.ID, "case")))
        self.screenshot("coach")
        case = self.by_id("f-case-case").get_attribute("value")
        check(case, f"the case form suggests an id: {case!r}")
        self.fill({"f-case-municipality": a.municipality})
        self.submit("case")
        text = self.confirmation("coach-case-saved")
        check("Sparat" in text and case in text, f"the confirmation names the case {case}: {text!r}")
        lead = self.by_id("outcome-case").text
        prefilled = self.by_id("f-outcome-case").get_attribute("value")
        check(prefilled == case and case in lead, f"the outcome form is filled with the new case {case}: {prefilled!r}, {lead!r}")
        self.fill({"f-outcome-outcome": "stayed-after-change"})
        self.submit("outcome")
        text = self.confirmation("coach-outcome-saved")
        check("Sparat" in text and case in text, f"the outcome is saved for {case}: {text!r}")

        self.step("coach tries a second outcome for the same case and corrects the first instead")
        self.fill({"f-outcome-case": case, "f-outcome-outcome": "new-job-same-municipality"})
        self.submit("outcome")
        summary = self.wait.until(EC.presence_of_element_located((By.ID, "error-summary-outcome")))
        self.screenshot("coach-second-outcome-refused")
        check("Ärendet har redan ett utfall" in summary.text and "Rätta" in summary.text,
              f"a second outcome is refused in Swedish, offering to correct the first: {summary.text!r}")
        self.click_and_load(self.by_id("fix-existing"))
        self.wait.until(EC.presence_of_element_located((By.ID, "fix")))
        chosen = Select(self.by_id("f-outcome")).first_selected_option.get_attribute("value")
        check(self.by_id("f-case").get_attribute("value") == case and chosen == "stayed-after-change",
              f"the correction form holds the saved outcome of {case}: {chosen!r}")
        self.fill({"f-outcome": "new-job-same-municipality", "f-reason": "Fick nytt jobb i kommunen"})
        label = Select(self.by_id("f-outcome")).first_selected_option.text
        self.screenshot("coach-outcome-fix")
        self.submit("fix")
        self.confirmation("coach-outcome-fixed")
        row = self.row("#cases tbody tr", case, "the cases")
        check(label in row.text, f"the case shows the corrected outcome {label!r}: {row.text!r}")

        self.step("coach records an MC activity")
        self.click_and_load(self.by_id("activity-link"))
        self.wait.until(EC.presence_of_element_located((By.ID, "activity")))
        self.fill({"f-activity-programme": "PEUP", "f-activity-title": "Arbetsmiljö i förskolan",
                   "f-activity-municipality": a.municipality, "f-activity-participants": "18"})
        self.submit("activity")
        text = self.confirmation("coach-activity-saved")
        check("Sparat" in text and "18" in text, f"the confirmation shows the activity with 18 participants: {text!r}")
        self.sign_out()

    def grants_day(self):
        """Grants records a decision, is refused the same Beslut-id again, and undoes the decision."""
        a = self.arguments
        grant = f"TM-{stockholm_today().year}-07"
        decision = {"f-grant": grant, "f-project": "Solceller på skolorna", "f-applicant": "Borås Energi",
                    "f-area": "miljo", "f-municipality": a.municipality, "f-amount_sek": "250000", "f-decision": "approved"}
        self.step(f"grants records the decision {grant}")
        self.sign_in(a.grants_user, a.grants_password, "/grants")
        self.wait.until(EC.presence_of_element_located((By.ID, "decision")))
        self.fill(decision)
        self.submit("decision")
        text = self.confirmation("grants-saved")
        check("Sparat" in text and grant in text, f"the confirmation names {grant}: {text!r}")
        self.row("#decisions tbody tr", grant, "the decisions")

        self.step(f"grants records {grant} again and is refused")
        self.fill(decision)
        self.submit("decision")
        summary = self.wait.until(EC.presence_of_element_located((By.ID, "error-summary")))
        self.screenshot("grants-repeat-refused")
        check("Beslut-id:t finns redan" in summary.text and self.driver.find_elements(By.ID, "fix-existing"),
              f"the repeated Beslut-id is refused in Swedish, with a link to the decision: {summary.text!r}")

        self.step(f"grants undoes {grant}")
        self.open_page("/grants", "decisions")
        self.click_and_load(self.row("#decisions tbody tr", grant, "the decisions").find_element(By.CSS_SELECTOR, "a.fix"))
        self.wait.until(EC.presence_of_element_located((By.ID, "undo")))
        self.fill({"undo-reason": "Beslutet registrerades på fel ärende"})
        self.submit("undo")
        text = self.confirmation("grants-undone")
        check("Ångrat" in text and grant in text, f"the confirmation says {grant} is undone: {text!r}")
        check(grant not in self.by_id("decisions").text, f"{grant} is no longer among the decisions")
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
            check(pupils == a.fixed_pupils, f"the {a.municipality} row shows the corrected {a.fixed_pupils} pupils, found {pupils}")
        else:
            check(pupils >= a.fixed_pupils, f"the {a.municipality} row shows at least {a.fixed_pupils} pupils, found {pupils}")
        check(len(self.driver.find_elements(By.CSS_SELECTOR, "#chart svg")) == 1, "the report has a chart")
        # The figure opens the events behind it, which add up to it.
        cell.find_element(By.CSS_SELECTOR, "a.figure").click()
        total = self.wait.until(EC.presence_of_element_located((By.ID, "events-sum")))
        self.screenshot("events-behind")
        check(total.text == cell_text, f"the events behind the figure add up to it: {total.text!r} = {cell_text!r}")
        behind = self.row("#events-behind tbody tr", f"{a.fixed_pupils} elever", "the events behind the figure")
        check("Sjöboskolan" in behind.text and "rättar" in behind.text,
              f"the visit is behind the figure, in its corrected version: {behind.text!r}")
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
        self.download(year)
        self.targets(year)
        self.sign_out()

    def download(self, year):
        """The report's download links give the CSV for Excel (with a BOM) and an XLSX workbook."""
        a = self.arguments
        self.step(f"analyst downloads the navet report for {year} as CSV (Excel) and XLSX")
        self.open_page(f"/reports?name=navet&period={year}", "report-table")
        status, headers, csv = self.fetch(self.by_id("download-csv").get_attribute("href"))
        check(status == 200 and csv.startswith(b"\xef\xbb\xbf") and "attachment" in headers.get("Content-Disposition", ""),
              f"the CSV (Excel) download is an attachment that starts with a byte order mark: {status} {headers.get('Content-Type')} {csv[:8]!r}")
        text = csv.decode("utf-8-sig")
        row = next((line for line in text.splitlines() if line.startswith(a.municipality)), "")
        check(f";{a.fixed_pupils};" in row, f"the CSV has the {a.municipality} row with {a.fixed_pupils} pupils: {row!r}")
        status, headers, xlsx = self.fetch(self.by_id("download-xlsx").get_attribute("href"))
        check(status == 200 and xlsx.startswith(b"PK") and "spreadsheetml" in headers.get("Content-Type", ""),
              f"the XLSX download is a workbook (a zip, PK): {status} {headers.get('Content-Type')} {xlsx[:8]!r}")
        print(f"  CSV {len(csv)} bytes, XLSX {len(xlsx)} bytes ({headers.get('Content-Disposition')})")

    def targets(self, year):
        """"Mål och utfall" opens from the report form for the current year."""
        self.step(f"analyst opens Mål och utfall for {year}")
        self.click_and_load(self.by_id("targets-link"))
        heading = self.wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#report h2")))
        self.screenshot("targets")
        check(heading.text == f"Mål och utfall, {year}" and self.by_id("period").get_attribute("value") == year,
              f"the targets page shows {year}: {heading.text!r}")
        check(self.driver.find_elements(By.CSS_SELECTOR, "#report-table") and self.driver.find_elements(By.CSS_SELECTOR, "#chart svg"),
              "the targets page has its table and chart")

    def admin_day(self):
        """The admin adds a membership, changes a role, resets a password and reads the log."""
        a = self.arguments
        year = stockholm_today().year
        self.step("admin adds Falköping to Navet as adjunct")
        self.sign_in(a.admin_user, a.admin_password, "/reception")
        self.open_page("/admin/memberships", "membership")
        self.fill({"f-municipality": "Falköping", "f-unit": "navet", "f-role": "adjunct", "f-from": f"{year}-01-01"})
        self.submit("membership")
        text = self.confirmation("admin-membership-saved")
        check("Sparat" in text and "Falköping" in text, f"the confirmation names Falköping: {text!r}")
        row = self.row("#memberships tbody tr", "Falköping", "the memberships")
        check("Adjungerad" in row.text and f"{year}-01-01" in row.text and "tills vidare" in row.text,
              f"Falköping is adjunct from {year}-01-01 until further notice: {row.text!r}")

        self.step(f"admin moves {a.grants_user} to coaching and gives {a.reception_user} a new password")
        self.open_page("/admin/users", "add-user")
        row = self.driver.find_element(By.CSS_SELECTOR, f'tr[data-user="{a.grants_user}"]')
        Select(row.find_element(By.CSS_SELECTOR, "form.role select")).select_by_value("coach")
        self.click_and_load(row.find_element(By.CSS_SELECTOR, "form.role button"))
        changed = self.wait.until(EC.presence_of_element_located((By.ID, "role-changed"))).text
        check(changed == f"{a.grants_user} har nu rollen Coach (MC).", f"the page says the new role: {changed!r}")
        row = self.driver.find_element(By.CSS_SELECTOR, f'tr[data-user="{a.reception_user}"]')
        self.click_and_load(row.find_element(By.CSS_SELECTOR, "form.password button"))
        issued = self.wait.until(EC.presence_of_element_located((By.ID, "issued")))
        self.screenshot("admin-password-reset")
        password = issued.find_element(By.TAG_NAME, "code").text
        check(f"{a.reception_user} har fått ett nytt lösenord" in issued.text and len(password) >= 12,
              f"the new password is shown once: {issued.text[:60]!r}…")
        self.open_page("/admin/users", "add-user")
        check(not self.driver.find_elements(By.ID, "issued"), "a reload no longer shows the password")

        self.step("admin reads the log: undone and corrected events are marked and linked to their fix")
        self.open_page("/log", "log")
        self.screenshot("log")
        fates = [element.text for element in self.driver.find_elements(By.CSS_SELECTOR, "#log .fate")]
        check(sum("Ångrad av händelse" in fate for fate in fates) >= 2 and sum("Rättad av händelse" in fate for fate in fates) >= 2,
              f"the undone lecture and decision and the corrected visit and outcome are marked: {fates}")
        visit = self.row("#log tbody tr", f"{a.pupils} elever, {a.teachers} lärare", "the log")
        link = visit.find_element(By.CSS_SELECTOR, ".fate a")
        check("Rättad av händelse" in visit.text, f"the visit is marked Rättad: {visit.text!r}")
        fix = link.get_attribute("href").split("#")[-1]
        self.click_and_load(link)
        target = self.wait.until(EC.presence_of_element_located((By.ID, fix)))
        check(str(a.fixed_pupils) in target.text and self.driver.current_url.endswith(f"#{fix}"),
              f"the link leads to the correction ({fix}): {target.text!r}")
        lecture = self.row("#log tbody tr", "Klimatet och vi", "the log")
        check("Ångrad av händelse" in lecture.text, f"the lecture is marked Ångrad: {lecture.text!r}")
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
        run.fix_and_undo()
        run.coach_day()
        run.grants_day()
        run.read_report()
        run.admin_day()
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
