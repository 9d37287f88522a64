"""Browser tests: Playwright (sync API) drives Debian's Chromium against pytest-django's
live server; axe-core audits every page a test visits.

- `browser` starts Chromium once for this package (never `playwright install`: the tests use
  /usr/bin/chromium, which `make system-deps` installs; without it they fail, not skip).
- `site` is the live server with SITE_URL pointing at it (links on cards, QR codes, mails).
- `live_world` is the personas of tests/conftest.py in a transactional database, so the
  server thread sees them (pytest-django shares SQLite's in-memory database with it).
- `browse` opens pages and audits them: every main-frame navigation is recorded, and after
  the test each one must have been audited with axe (no "serious" or "critical" WCAG 2.x
  A/AA violations); in a narrow (320 px) page each audited page must also fit without
  horizontal scrolling. Use `browse.goto` / `browse.click`, which audit for you; call
  `browse.check(page)` after any other navigation.
- The site's Content Security Policy stays on: axe is evaluated through the DevTools
  protocol (which the policy does not govern) rather than added as an inline <script>, and
  any page that breaks the policy fails its test (`browse.csp_violations`).
"""

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from .. import factories as f

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE_JS = REPO / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING_IMPACTS = {"serious", "critical"}
NARROW = {"width": 320, "height": 640}
WIDE = {"width": 1280, "height": 800}
TIMEOUT_MS = 10_000

AXE_RUN = """async (tags) => {
  const results = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 200)})),
  }));
}"""

# The page must not scroll sideways; name the elements that stick out, to help fix it.
OVERFLOW = """() => {
  const width = window.innerWidth;
  const culprits = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width && r.right > width + 1) {
      const cls = el.className && typeof el.className === 'string'
        ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
      culprits.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${cls}`
        + ` (right edge ${Math.round(r.right)}px)`);
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: width,
          culprits: culprits.slice(0, 8)};
}"""

# Chromium reports a blocked script, style or image in the console; this also reports the
# DOM's securitypolicyviolation events, in case a message is worded differently.
CSP_LISTENER = """document.addEventListener('securitypolicyviolation', (e) => {
  console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`);
});"""


def is_csp_violation(text: str) -> bool:
    return "Content Security Policy" in text or text.startswith("CSP violation")


# Violations below "serious" do not fail a test; they are listed at the end of the run.
_minor_findings: list[str] = []


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def pytest_terminal_summary(terminalreporter):
    if _minor_findings:
        terminalreporter.section("axe: moderate/minor findings (not failing)")
        for line in sorted(set(_minor_findings)):
            terminalreporter.write_line(line)


@pytest.fixture(scope="package")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests drive Debian's Chromium. "
            "Run `make system-deps` (apt-get install chromium); never `playwright install`.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop running in this thread while it is
    # started, and Django refuses ORM calls from a thread with a running loop. The tests
    # (fixtures, assertions) use the ORM only between browser calls, so that is safe here.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="package")
def axe_source():
    if not AXE_JS.exists():
        pytest.fail(
            f"{AXE_JS.relative_to(REPO)} is missing: run `npm install` in the repository root "
            "(make does it), which installs axe-core from package.json.",
            pytrace=False,
        )
    return AXE_JS.read_text(encoding="utf-8")


@pytest.fixture
def site(live_server, settings):
    """The live server's base URL; links in cards, QR codes and mails point at it."""
    settings.SITE_URL = live_server.url
    host = live_server.url.split("://", 1)[1].rsplit(":", 1)[0]
    if host not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, host]
    return live_server.url


@pytest.fixture
def live_world(transactional_db, world):
    """The personas, committed, so the live server thread can see them."""
    yield world
    _empty_ledger()


def _empty_ledger():
    """Django empties the tables after a test like this with DELETE, which the time bank's
    append-only triggers refuse on SQLite (PostgreSQL's TRUNCATE does not fire them): take
    the ledger out with the triggers off, as a database owner would, then put them back."""
    from importlib import import_module

    from django.db import connection

    if connection.vendor != "sqlite":
        return
    migration = import_module("buurtkracht.timebank.migrations.0002_append_only")
    with connection.cursor() as cursor:
        for statement in migration.SQLITE_UNDO:
            cursor.execute(statement)
        cursor.execute("DELETE FROM timebank_exchangehours")
        cursor.execute("DELETE FROM timebank_entry")
        cursor.execute("DELETE FROM timebank_transfer")
        for statement in migration.SQLITE:
            cursor.execute(statement)


@dataclass
class _Visit:
    url: str
    audited: bool = False


@dataclass
class _PageInfo:
    narrow: bool
    javascript: bool
    visits: list = field(default_factory=list)
    twin: object = None  # a JavaScript-enabled page that audits for a page without JS


class Browse:
    """Opens pages (each in its own browser context, like a separate person) and audits
    every page they show."""

    def __init__(self, browser, axe_source, base_url):
        self.browser = browser
        self.axe_source = axe_source
        self.base_url = base_url
        self.contexts = []
        self.pages: dict = {}
        self.problems: list[str] = []
        self.csp_violations: list[str] = []

    # --- pages ------------------------------------------------------------------------

    def new_page(self, *, narrow=False, javascript=True):
        page = self._new_context(viewport=NARROW if narrow else WIDE, javascript=javascript)
        info = _PageInfo(narrow=narrow, javascript=javascript)
        self.pages[page] = info

        def navigated(frame):
            if frame == page.main_frame and frame.url != "about:blank":
                info.visits.append(_Visit(frame.url))

        def console(message):
            if is_csp_violation(message.text):
                self.csp_violations.append(
                    f"{page.url.removeprefix(self.base_url)}: {message.text}"
                )

        page.on("framenavigated", navigated)
        page.on("console", console)
        return page

    def _new_context(self, *, viewport, javascript=True):
        context = self.browser.new_context(
            base_url=self.base_url,
            viewport=viewport,
            java_script_enabled=javascript,
            locale="nl-NL",
        )
        context.set_default_timeout(TIMEOUT_MS)
        # Chromium asks for /favicon.ico after each page, in the background; answer it here
        # so the live server (which shares one SQLite connection with the test) is only
        # ever busy while the test waits for the browser.
        context.route("**/favicon.ico", lambda route: route.fulfill(status=204, body=""))
        context.add_init_script(script=CSP_LISTENER)
        self.contexts.append(context)
        return context.new_page()

    def goto(self, page, path):
        response = page.goto(path)
        self.check(page)
        return response

    def click(self, page, target):
        """Click a link or a form's submit button; wait for the next page and audit it."""
        with page.expect_navigation():
            target.click()
        self.check(page)

    # --- auditing ---------------------------------------------------------------------

    def check(self, page):
        page.wait_for_load_state("load")
        info = self.pages[page]
        url = page.url
        if info.javascript:
            self._audit(page, url, narrow=info.narrow)
        else:
            # axe needs JavaScript (its timers do not run in a page without it): audit the
            # very HTML this page shows, served at the same URL and with the same viewport,
            # in a JavaScript-enabled twin. Stylesheets come from the live server.
            if info.twin is None:
                info.twin = self._new_context(viewport=page.viewport_size)
            twin, html = info.twin, page.content()

            def serve(route):
                route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)

            def same(address):
                return address == url

            twin.route(same, serve)
            try:
                twin.goto(url)
            finally:
                twin.unroute(same, serve)
            self._audit(twin, url, narrow=info.narrow)
        for visit in info.visits:
            if visit.url == url:
                visit.audited = True

    def _audit(self, page, url, *, narrow):
        if not page.evaluate("() => typeof window.axe === 'object'"):
            # Not add_script_tag: an inline <script> is what the site's CSP refuses.
            page.evaluate(self.axe_source)
        path = url.removeprefix(self.base_url)
        for v in page.evaluate(AXE_RUN, WCAG_TAGS):
            targets = "; ".join(n["target"] for n in v["nodes"])
            line = f"{path}: [{v['impact']}] {v['id']}: {v['help']}\n    at {targets}"
            if v["impact"] in BLOCKING_IMPACTS:
                html = "\n".join(f"    {n['html']}" for n in v["nodes"][:3])
                self.problems.append(f"{line}\n{html}\n    ({v['helpUrl']})")
            else:
                _minor_findings.append(line)
        if narrow:
            fit = page.evaluate(OVERFLOW)
            if fit["scrollWidth"] > fit["innerWidth"]:
                self.problems.append(
                    f"{path}: scrolls sideways at {fit['innerWidth']} px "
                    f"(scrollWidth {fit['scrollWidth']}); sticking out: "
                    + ", ".join(fit["culprits"])
                )

    def unaudited(self):
        return [
            visit.url.removeprefix(self.base_url)
            for info in self.pages.values()
            for visit in info.visits
            if not visit.audited
        ]

    def close(self):
        for context in self.contexts:
            context.close()

    # --- common steps -----------------------------------------------------------------

    def log_in(self, page, login, password):
        """E-mail (or login name) and password on allauth's login page."""
        self.goto(page, "/account/login/")
        form = page.locator('main form[action="/account/login/"]')
        form.locator("input[name=login]").fill(login)
        form.locator("input[name=password]").fill(password)
        self.click(page, form.locator("button[type=submit]"))

    def open_menu(self, page):
        """Open the header's menu (details/summary: works without JavaScript)."""
        menu = page.locator("header details.menu")
        if menu.get_attribute("open") is None:
            menu.locator("summary").click()

    def log_out(self, page):
        """With the logout button in the header's menu."""
        self.open_menu(page)
        button = page.locator('header form[action="/account/logout/"] button[type=submit]')
        self.click(page, button)


@pytest.fixture
def browse(request, browser, axe_source, site):
    session = Browse(browser, axe_source, site)
    yield session
    session.close()
    problems = list(session.problems)
    call = getattr(request.node, "rep_call", None)
    if call is not None and call.passed:
        problems += [f"{url}: visited but never audited" for url in session.unaudited()]
    if session.csp_violations:
        problems += ["Content Security Policy violations:", *session.csp_violations]
    if problems:
        pytest.fail(
            "Accessibility problems (axe-core, WCAG 2.x A/AA, impact serious/critical; "
            "sideways scrolling at 320 px):\n" + "\n".join(problems),
            pytrace=False,
        )


def fresh_totp() -> str:
    """The current TOTP code, with at least a few seconds of its 30-second window left."""
    if 30 - time.time() % 30 < 4:
        time.sleep(30 - time.time() % 30 + 0.2)
    return f.current_totp()


def wait_for_mail(mailbox, contains, timeout=5.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for body in mailbox.bodies():
            if contains in body:
                return body
        time.sleep(0.1)
    raise AssertionError(f"no mail containing {contains!r} within {timeout} s")


def log_in_with_totp(browse, page, user):
    """Log in a professional or administrator: password, then the authenticator code."""
    browse.log_in(page, user.email, f.PASSWORD)
    assert page.url.startswith(browse.base_url + "/account/2fa/authenticate/")
    form = page.locator('main form[action="/account/2fa/authenticate/"]')
    form.locator("input[name=code]").fill(fresh_totp())
    browse.click(page, form.locator("button[type=submit]:not([form])"))
    assert page.url == browse.base_url + "/mijn/"
