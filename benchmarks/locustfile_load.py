"""The load of ``bench_load``: the demo company's staff at work, every persona at once.

Run by ``python -m benchmarks.bench_load``, which builds the demo, starts the server and passes
the logins in ``UPSELL_LOAD_LOGINS`` (JSON: usernames by role, the password, API tokens).
Each simulated person logs in once through the login form, then goes from page to page as a
browser would — a page, then the htmx requests it makes — with a pause of 1 to 3 s between
clicks. ``LoginPageVisitor``, run alone, is the server's floor: as many anonymous users, each
only opening the login page.
"""

import itertools
import json
import os
import random
import re
from collections.abc import Iterator
from typing import Any, ClassVar

from locust import HttpUser, between, events, task
from locust.exception import StopUser

LOGINS: dict[str, Any] = json.loads(os.environ.get("UPSELL_LOAD_LOGINS", "{}"))
RECORD = os.environ.get("UPSELL_LOAD_RECORD")
THINK_TIME = between(1, 3)

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CSRF_HEADER = re.compile(r'"X-CSRFToken": "([^"]+)"')
CLIENT_LINK = re.compile(r'href="/clients/(\d+)/"')
CELL_EDITOR = re.compile(r'hx-get="(/forecasts/cells/\d+/\d{4}-\d{2}/)\?edit=1"')
YEAR_FIELD = re.compile(r'name="year" value="(\d{4})"')
VERSION_FIELD = re.compile(r'name="version" value="(\d+)"')
SEGMENT_MENU = re.compile(r'<select name="segment"[^>]*>(.*?)</select>', re.DOTALL)
OPTION_VALUE = re.compile(r'<option value="([^"]+)"')
STATUSES = ("regular", "vip", "irregular", "lapsing", "new")
CONFIDENCES = ("commit", "probable", "possible")
HTMX = {"HX-Request": "true"}

# Each role's logins handed out in turn, so that two people of one role use both accounts.
_next_login: dict[str, Iterator[str]] = {}


def _login_for(role: str) -> str:
    if role not in _next_login:
        _next_login[role] = itertools.cycle(LOGINS[role])
    return next(_next_login[role])


# Every request as it ended: when it started (epoch s), its page, its time (ms), its error.
_requests: list[tuple[float, str, float, str]] = []


def _request_record(
    *, name: str, response_time: float, exception: Exception | None, start_time: float, **_: Any
) -> None:
    _requests.append(
        (start_time, name, response_time, "" if exception is None else repr(exception))
    )


def _requests_write(**_: Any) -> None:
    """Each request on a line of JSON, for the benchmark to take its own percentiles."""
    if RECORD:
        with open(RECORD, "w", encoding="utf-8") as record:
            for request in _requests:
                record.write(json.dumps(request, ensure_ascii=False) + "\n")


events.request.add_listener(_request_record)
events.quitting.add_listener(_requests_write)


class Person(HttpUser):
    """A member of staff in the browser: logged in once, then clicking with pauses."""

    abstract = True
    wait_time = THINK_TIME
    role: ClassVar[str] = ""

    def on_start(self) -> None:
        self.client_ids: list[int] = []
        self.segments: list[str] = []
        self.csrf = ""
        form = self.client.get("/login/", name="login page")
        token = CSRF_FIELD.search(form.text)
        if token is None:
            raise StopUser
        with self.client.post(
            "/login/",
            data={
                "username": _login_for(self.role),
                "password": LOGINS["password"],
                "csrfmiddlewaretoken": token.group(1),
            },
            headers={"Referer": f"{self.host}/login/"},
            name="log in",
            catch_response=True,
        ) as response:
            if response.url is None or response.url.rstrip("/").endswith("/login"):
                response.failure("the login form did not let the person in")
                raise StopUser
            self._remember_csrf(response.text)

    def _remember_csrf(self, page: str) -> None:
        token = CSRF_HEADER.search(page)
        if token is not None:
            self.csrf = token.group(1)

    def clients_list(self, name: str = "clients list") -> None:
        page = self.page("/clients/", name)
        self.client_ids = [int(found) for found in CLIENT_LINK.findall(page)] or self.client_ids
        menu = SEGMENT_MENU.search(page)
        if menu is not None:
            self.segments = OPTION_VALUE.findall(menu.group(1))

    def clients_filtered(self) -> None:
        """The list's filters as the page sends them: the table alone, through htmx."""
        params = {"status": random.choice(STATUSES)}
        if self.segments and random.random() < 0.5:
            params["segment"] = random.choice(self.segments)
        if random.random() < 0.3:
            params["q"] = random.choice(("ООО", "Строй", "Торг", "12"))
        self.page("/clients/", "clients list, filtered", params=params, headers=HTMX)

    def client_card(self) -> None:
        """A client's card, and the three sections the card loads once it is shown."""
        if not self.client_ids:
            self.clients_list()
        if not self.client_ids:
            return
        client_id = random.choice(self.client_ids)
        self.page(f"/clients/{client_id}/", "client card")
        self.page(f"/audit/clients/{client_id}/status/", "client card: status", headers=HTMX)
        self.page(f"/forecasts/clients/{client_id}/", "client card: forecast", headers=HTMX)
        self.page(f"/requests/clients/{client_id}/", "client card: requests", headers=HTMX)

    def page(
        self,
        path: str,
        name: str,
        *,
        params: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> str:
        """A page or a partial; sent back to the login form is an error, as the person sees it."""
        with self.client.get(
            path, params=params, headers=headers, name=name, catch_response=True
        ) as response:
            if response.ok and response.url is not None and "/login/" in response.url:
                response.failure("sent back to the login form")
            text: str = response.text or ""
        if headers is None:
            self._remember_csrf(text)
        return text


class HeadOfSales(Person):
    role = "head_of_sales"
    fixed_count = 4

    @task(3)
    def audit(self) -> None:
        self.page("/audit/", "audit overview")

    @task(3)
    def clients(self) -> None:
        self.clients_list()
        self.clients_filtered()

    @task(3)
    def card(self) -> None:
        self.client_card()

    @task(2)
    def team_forecast(self) -> None:
        self.page("/forecasts/", "forecast, team")

    @task(2)
    def workload(self) -> None:
        self.page("/workload/", "workload")

    @task(2)
    def requests(self) -> None:
        self.page("/requests/", "requests")

    @task(1)
    def imports(self) -> None:
        self.page("/imports/", "imports list")


class Manager(Person):
    role = "manager"
    fixed_count = 8
    grid_year: dict[str, str] | None = None

    @task(3)
    def clients(self) -> None:
        self.clients_list("clients list, own")

    @task(3)
    def card(self) -> None:
        self.client_card()

    @task(3)
    def forecast(self) -> None:
        """The grid, and now and then one cell edited and saved as its editor does."""
        grid = self.page("/forecasts/", "forecast grid", params=self.grid_year)
        cells = CELL_EDITOR.findall(grid)
        year = YEAR_FIELD.search(grid)
        if not cells and year is not None and not self.grid_year:
            # Late in the year every month left is locked: the manager turns to the next year,
            # and opens that one from then on.
            self.grid_year = {"year": str(int(year.group(1)) + 1)}
            grid = self.page("/forecasts/", "forecast grid", params=self.grid_year)
            cells = CELL_EDITOR.findall(grid)
        if not cells or random.random() < 0.5:
            return
        cell = random.choice(cells)
        editor = self.page(cell, "forecast cell: editor", params={"edit": "1"}, headers=HTMX)
        version = VERSION_FIELD.search(editor)
        if version is None:
            return
        with self.client.post(
            cell,
            data={
                "amount": str(random.randrange(10_000, 500_000, 1_000)),
                "confidence": random.choice(CONFIDENCES),
                "comment": "",
                "version": version.group(1),
            },
            headers={**HTMX, "X-CSRFToken": self.csrf},
            name="forecast cell: save",
            catch_response=True,
        ) as response:
            # Another person's save in between brings the editor back with both figures: the
            # product's answer, not an error. A refused field is an error of this load.
            if "errorlist" in (response.text or ""):
                response.failure(f"the cell was refused: {response.text[:300]}")

    @task(1)
    def accuracy(self) -> None:
        self.page("/forecasts/accuracy/", "forecast accuracy")

    @task(2)
    def requests(self) -> None:
        self.page("/requests/", "requests")


class Assistant(Person):
    role = "assistant"
    fixed_count = 3

    @task(2)
    def clients(self) -> None:
        self.clients_list()

    @task(3)
    def requests(self) -> None:
        self.page("/requests/", "requests")


class TopManagement(Person):
    role = "top_management"
    fixed_count = 2

    @task
    def audit(self) -> None:
        self.page("/audit/", "audit overview")

    @task
    def clients(self) -> None:
        self.clients_list()

    @task
    def workload(self) -> None:
        self.page("/workload/", "workload")


class ApiClient(HttpUser):
    """An integration reading through the REST API with its token."""

    fixed_count = 3
    wait_time = THINK_TIME

    def on_start(self) -> None:
        self.client.headers["Authorization"] = f"Bearer {random.choice(LOGINS['tokens'])}"
        self.client_ids: list[int] = []

    @task(1)
    def me(self) -> None:
        self.client.get("/api/me", name="api: me")

    @task(3)
    def clients(self) -> None:
        page = self.client.get("/api/clients", params={"page_size": 50}, name="api: clients")
        if page.ok:
            self.client_ids = [item["id"] for item in page.json()["items"]] or self.client_ids

    @task(2)
    def one_client(self) -> None:
        if self.client_ids:
            self.client.get(
                f"/api/clients/{random.choice(self.client_ids)}",
                name="api: a client",
            )

    @task(2)
    def forecast_cells(self) -> None:
        self.client.get(
            "/api/forecasts/cells", params={"page_size": 100}, name="api: forecast cells"
        )

    @task(1)
    def requests(self) -> None:
        self.client.get("/api/requests", name="api: requests")


class LoginPageVisitor(HttpUser):
    """The floor: the same number of users, each only opening the login page."""

    wait_time = THINK_TIME

    @task
    def login_page(self) -> None:
        self.client.get("/login/", name="login page (floor)")
