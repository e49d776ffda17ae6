"""README.rst's demo steps 1 to 6, done on a running demo (scripts/demo.sh) as its user would,
each checked against what README.rst says, then README.rst's screenshots taken again with
headless Debian chromium (the browser Odoo's tours use), 1440 x 900.

    python scripts/screenshots.py --url http://localhost:8069 --db tracking_demo \
        --sandbox http://127.0.0.1:8900 --out static/description

The buttons are clicked in the browser, as README.rst tells its reader to (as admin); what
the screen then shows (the notification's words, the form that opens) is checked, and the
figures behind it are read over JSON-RPC. A step that does not give what README.rst says
is printed and the script ends with status 1 (after the screenshots). Run it on a fresh
demo database (scripts/screenshots.sh makes one)."""

import argparse
import base64
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
import websocket
from odoo_driver import Rpc

WIDTH, HEIGHT = 1440, 900
PROBLEMS = []


def check(ok, what):
    print(("ok    " if ok else "WRONG ") + what, flush=True)
    if not ok:
        PROBLEMS.append(what)


def card(rpc, name):
    cards = rpc.kw("tracking.backend", "search_read", [("name", "=", name)],
                   fields=["connection", "last_sync_operation", "record_count",
                           "calls_today", "calls_budget", "error_count"])
    if len(cards) != 1:
        raise SystemExit("no dashboard card named %r: is this the demo database?" % name)
    return cards[0]


def press(browser, name, button):
    """Click a dashboard card's footer button; returns the notification's text."""
    browser.open_dashboard()
    browser.click_in_card(name, "footer button[name='%s']" % button)
    return browser.notification()


def demo_steps(rpc, browser, sandbox):
    """README.rst "Demo", steps 1 to 6, clicked in ``browser``; returns the ids the
    screenshots open."""
    cards = rpc.kw("tracking.backend", "search_read", [],
                   fields=["connection", "last_sync_operation", "record_count"])
    check(len(cards) == 4 and all(c["connection"] == "unknown"
                                  and not c["last_sync_operation"] and not c["record_count"]
                                  for c in cards),
          "1. four cards, Not tested, no run yet, every figure 0")

    message = press(browser, "TrackOnline (sandbox)", "action_sync_transactions")
    check("200 created, 0 updated, 0 skipped, 0 failed" in message,
          "2. Sync transactions: 200 created, 0 updated, 0 skipped, 0 failed (%s)" % message)
    to = card(rpc, "TrackOnline (sandbox)")
    check((to["record_count"], to["connection"], to["last_sync_operation"])
          == (200, "ok", "sync transactions"),
          "2. the card: 200 transactions, Connected, last run sync transactions (%s)" % to)
    check((to["calls_today"], to["calls_budget"]) == (13, 10000),
          "2. API calls today 13 / 10000 (%s / %s)" % (to["calls_today"], to["calls_budget"]))

    message = press(browser, "Business Network (sandbox)", "action_sync_events")
    check("60 created" in message, "3. Sync events: 60 created (%s)" % message)
    oc = card(rpc, "Business Network (sandbox)")
    check(oc["error_count"] == 3, "3. the card: 3 open errors (%s)" % oc["error_count"])
    mine = rpc.kw("opuscapita.event", "search_count", [("activity_user_id", "=", rpc.uid)])
    check(mine == 3, "3. My activities: 3 events with a to-do for admin (%s)" % mine)
    linked = rpc.kw("opuscapita.event", "read_group", [("sender_partner_id", "!=", False)],
                    ["sender_partner_id"], ["sender_partner_id"])
    names = {group["sender_partner_id"][1] for group in linked}
    parties = {"Oy Nordic Pallets Ab", "Westland Kwekers BV", "Almería Frutas SL",
               "Düsseldorf Logistik GmbH"}
    check(parties <= names, "3. events linked to the four demo contacts (%s)" % sorted(names))

    browser.open_dashboard()
    browser.click_in_card("Trackline (sandbox)", "footer button[name='action_open_import_wizard']")
    browser.type(".modal div[name='process_ref'] input", "10000")
    browser.click(".modal footer button[name='action_import']")
    opened = browser.wait(".o_form_view .o_field_widget[name='remote_id']", "10000",
                          or_error=True)
    process = rpc.kw("trackline.process", "search", [("remote_id", "=", "10000")])
    documents = process and rpc.kw("ir.attachment", "search_count", [
        ("res_model", "=", "trackline.process"), ("res_id", "=", process[0])])
    check(opened is True and documents > 0,
          "4. Import a process 10000: the process opens with its documents (%s)"
          % (documents if opened is True else opened))
    process = process[0] if process else None

    browser.open_dashboard()
    browser.click_in_card("Sage 50 (sandbox)", "footer button[name='action_open_backend']")
    browser.click(".o_form_view button[name='action_open_onboarding']")
    browser.click(".modal footer button[name='action_register']")
    browser.wait(".modal div[name='registration_url'] a")
    url = browser.evaluate("document.querySelector(\".modal div[name='registration_url'] a\").href")
    sage = rpc.kw("sage50.backend", "search_read", [("name", "=", "Sage 50 (sandbox)")],
                  fields=["onboarding_state"])[0]
    check(sage["onboarding_state"] != "approved", "5. registered, not yet connected")
    ids = requests.get(url, timeout=10).json()
    browser.type(".modal div[name='developer_id'] input", ids["developerId"])
    browser.type(".modal div[name='application_id'] input", ids["applicationId"])
    browser.click(".modal footer button[name='action_passcode']")
    browser.wait(".modal div[name='passcode'] span")
    passcode = browser.text(".modal div[name='passcode'] span").strip()
    requests.post(sandbox + "/_sandbox/sage50/consent", json={"passcode": passcode},
                  timeout=10).raise_for_status()
    browser.click(".modal footer button.btn-secondary", "Close")
    shown = browser.wait(".o_form_statusbar .o_arrow_button_current", "API key received",
                         timeout=15, or_error=True)
    check(shown is True, "5. closed, the form shows API key received (%s)" % shown)
    state = rpc.kw("sage50.backend", "read", [sage["id"]], ["onboarding_state"])[0]
    check(state["onboarding_state"] == "approved", "5. API key received (%s)" % state)
    posted = rpc.kw("mail.message", "search_read", [("model", "=", "sage50.backend"),
                                                    ("res_id", "=", sage["id"])],
                    ["body", "author_id"], limit=5)
    check(any("approved" in (m["body"] or "") and m["author_id"][1] != "Public user"
              for m in posted), "5. the chatter says so in the company's name")

    requests.post(sandbox + "/_sandbox/sage50/scope", timeout=10, json={
        "scope": "Customers", "content": {"records": [{
            "id": "C-1", "firstName": "Lucía", "lastName": "Martín",
            "addresses": [{"address1": "Calle Mayor 1", "city": "Almería"}]}]}}
    ).raise_for_status()
    files = rpc.kw("sage50.download", "search_read", [("scope", "=", "Customers")],
                   ["state"])
    check(len(files) == 1, "6. Scope Files shows Customers (%s)" % files)
    browser.open("sage50.download/%d" % files[0]["id"], ".o_form_view")
    browser.click(".o_form_statusbar button[name='action_download_now']", "Download now")
    message = browser.notification()
    check("1 created" in message, "6. Download now: 1 created (%s)" % message)
    lucia = rpc.kw("res.partner", "search_count", [("name", "=", "Lucía Martín")])
    check(lucia == 1, "6. Lucía Martín, a new contact (%s)" % lucia)
    return {"process": process}


class Chromium:
    """Headless chromium driven over the DevTools protocol, logged in with a session."""

    def __init__(self, url, session_id):
        self.odoo = url.rstrip("/") + "/odoo/"
        self.profile = tempfile.mkdtemp(prefix="tc-screenshots-")
        binary = shutil.which("chromium") or shutil.which("chromium-browser")
        if not binary:
            raise SystemExit("no chromium: apt-get install chromium")
        self.process = subprocess.Popen(  # noqa: S603 - our own arguments
            [binary, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
             "--remote-debugging-port=0", "--user-data-dir=%s" % self.profile,
             "--window-size=%d,%d" % (WIDTH, HEIGHT), "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = Path(self.profile, "DevToolsActivePort")
        for _attempt in range(100):
            if port_file.exists() and port_file.read_text().strip():
                break
            time.sleep(0.1)
        port = port_file.read_text().split()[0]
        page = requests.put("http://127.0.0.1:%s/json/new?about:blank" % port, timeout=10).json()
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60)
        self.next_id = 0
        self.send("Emulation.setDeviceMetricsOverride", width=WIDTH, height=HEIGHT,
                  deviceScaleFactor=1, mobile=False)
        self.send("Network.enable")
        self.send("Network.setCookie", name="session_id", value=session_id, url=url)

    def send(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            answer = json.loads(self.ws.recv())
            if answer.get("id") == self.next_id:
                if "error" in answer:
                    raise RuntimeError("%s: %s" % (method, answer["error"]))
                return answer.get("result", {})

    def evaluate(self, script):
        return self.send("Runtime.evaluate", expression=script,
                         returnByValue=True).get("result", {}).get("value")

    # -- clicking, as README's reader does ---------------------------------------------------

    def open(self, path, selector):
        """Open /odoo/<path> and wait for ``selector``."""
        self.send("Page.navigate", url=self.odoo + path)
        self.wait(selector)

    def open_dashboard(self):
        self.open("action-tracking_connector.action_tracking_dashboard",
                  ".o_tracking_dashboard .o_kanban_record")

    @staticmethod
    def find(selector, text=None):
        """JavaScript: the first element of ``selector`` whose text holds ``text``."""
        return ("[...document.querySelectorAll(%s)].find((e) => !%s || e.textContent.includes(%s))"
                % (json.dumps(selector), json.dumps(text), json.dumps(text)))

    def wait(self, selector, text=None, timeout=30, or_error=False):
        """Wait for ``selector`` (holding ``text``); with ``or_error``, an error dialog ends
        the wait too and its text is returned (True otherwise)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.evaluate("!!(%s)" % self.find(selector, text)):
                time.sleep(0.3)  # the rest of the rendering
                return True
            if or_error and self.evaluate("!!document.querySelector('.o_error_dialog')"):
                return self.text(".o_error_dialog .modal-body").strip()
            time.sleep(0.2)
        if or_error:
            return "%s did not show within %s s" % (selector, timeout)
        raise TimeoutError("%s did not show within %s s" % (selector, timeout))

    def click(self, selector, text=None):
        self.wait(selector, text)
        self.evaluate("(%s).click()" % self.find(selector, text))

    def click_in_card(self, name, selector):
        """Click ``selector`` in the dashboard card of backend ``name``."""
        card = self.find(".o_kanban_record", name)
        self.wait(".o_kanban_record", name)
        self.evaluate("(%s).querySelector(%s).click()" % (card, json.dumps(selector)))

    def type(self, selector, value):
        """Type ``value`` into the input ``selector``, as a keyboard would."""
        self.wait(selector)
        self.evaluate("(() => { const input = document.querySelector(%s); input.focus();"
                      " input.value = %s; input.dispatchEvent(new Event('input', {bubbles: true}));"
                      " input.dispatchEvent(new Event('change', {bubbles: true})); })()"
                      % (json.dumps(selector), json.dumps(value)))

    def text(self, selector, text=None):
        return self.evaluate("(%s).textContent" % self.find(selector, text)) or ""

    def notification(self):
        """The text of the notification a button shows (or of the error dialog it opens);
        the notification is closed."""
        shown = self.wait(".o_notification .o_notification_content", or_error=True)
        if shown is not True:
            return shown
        message = self.text(".o_notification .o_notification_content").strip()
        self.evaluate("document.querySelectorAll('.o_notification_close')"
                      ".forEach((button) => button.click())")
        return message

    def wait_for(self, selector, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.evaluate("!!document.querySelector(%s)" % json.dumps(selector)):
                time.sleep(1.0)  # the last rendering (charts, fonts)
                return
            time.sleep(0.2)
        raise TimeoutError("%s did not show within %s s" % (selector, timeout))

    def shot(self, url, selector, path, click=None):
        self.send("Page.navigate", url=url)
        try:
            self.wait_for(selector)
        except TimeoutError:
            data = self.send("Page.captureScreenshot", format="png")["data"]
            Path(path).with_suffix(".failed.png").write_bytes(base64.b64decode(data))
            raise
        if click:
            self.evaluate("document.querySelector(%s).click()" % json.dumps(click))
            time.sleep(1.0)
        data = self.send("Page.captureScreenshot", format="png")["data"]
        Path(path).write_bytes(base64.b64decode(data))
        print("took  %s" % path, flush=True)

    def close(self):
        self.ws.close()
        self.process.terminate()
        self.process.wait(timeout=10)
        shutil.rmtree(self.profile, ignore_errors=True)


def screenshots(url, rpc, browser, ids, out):
    odoo = url.rstrip("/") + "/odoo/"
    backend = rpc.kw("trackonline.backend", "search", [("name", "=", "TrackOnline (sandbox)")])
    pages = [
        ("screenshot_dashboard.png", "action-tracking_connector.action_tracking_dashboard",
         ".o_kanban_record .o_tracking_figure", None),
        ("screenshot_transaction_items_pivot.png",
         "action-tracking_connector.action_trackonline_transaction_line",
         ".o_pivot table", None),
        ("screenshot_trackonline_backend.png",
         "action-tracking_connector.action_trackonline_backend/%d" % backend[0],
         ".o_cp_action_menus .dropdown-toggle", ".o_cp_action_menus .dropdown-toggle"),
        ("screenshot_trackline_process.png",
         "action-tracking_connector.action_trackline_process/%s" % ids["process"],
         ".o_form_view .o_field_widget[name='document_ids'] .o_data_row", None),
        ("screenshot_opuscapita_events.png",
         "action-tracking_connector.action_opuscapita_event?view_type=kanban",
         ".o_kanban_group .o_kanban_record", None),
        ("screenshot_sync_runs.png", "action-tracking_connector.action_tracking_sync_log",
         ".o_list_view .o_data_row", None),
    ]
    for name, path, selector, click in pages:
        if path.endswith("/None"):  # step 4 imported no process: its screenshot is left
            print("left  %s (no process imported)" % name, flush=True)
            continue
        browser.shot(odoo + path, selector, Path(out, name), click)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://localhost:8069")
    parser.add_argument("--db", default="tracking_demo")
    parser.add_argument("--sandbox", default="http://127.0.0.1:8900")
    parser.add_argument("--out", default=str(Path(__file__).parent.parent
                                             / "static" / "description"))
    args = parser.parse_args()
    rpc = Rpc(args.url, args.db, "admin", "admin")
    browser = Chromium(args.url, rpc.session_id)
    try:
        ids = demo_steps(rpc, browser, args.sandbox.rstrip("/"))
        screenshots(args.url, rpc, browser, ids, args.out)
    finally:
        browser.close()
    if PROBLEMS:
        print("%d step(s) do not give what README.rst says" % len(PROBLEMS))
        sys.exit(1)


if __name__ == "__main__":
    main()
