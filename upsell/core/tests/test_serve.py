"""``upsell serve``: gunicorn with the production settings answers pages and static files."""

import gzip
import json
import re
from pathlib import Path

from upsell.core.tests.installation import fetch, installation_env, served, upsell


def test_gunicorn_serves_the_login_page_and_static_files_with_the_production_settings(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "data"
    env = installation_env(data_dir)
    upsell(env, "migrate", "--no-input", "-v", "0")
    upsell(env, "collectstatic", "--no-input", "-v", "0")
    app_css = (Path(__file__).parents[1] / "static" / "core" / "app.css").read_bytes()

    with served(env, tmp_path / "gunicorn.log") as port:
        login_status, login_headers, login_page = fetch(
            port, "GET", "/login/", headers={"Accept-Language": "en"}
        )
        css_status, css_headers, css = fetch(port, "GET", "/static/core/app.css")
        gzip_status, gzip_headers, gzipped = fetch(
            port, "GET", "/static/core/app.css", headers={"Accept-Encoding": "gzip"}
        )
        missing_status, _, missing_page = fetch(port, "GET", "/no-such-page/")
        # The page names the stylesheet by its hashed name, which may be cached for good.
        [hashed_path] = re.findall(rb'href="(/static/core/app\.[0-9a-f]{12}\.css)"', login_page)
        hashed_status, hashed_headers, hashed_css = fetch(port, "GET", hashed_path.decode())

    assert login_status == 200
    assert b'name="username"' in login_page
    assert b'name="password"' in login_page
    assert b'name="csrfmiddlewaretoken"' in login_page
    assert "csrftoken=" in login_headers["set-cookie"]
    # DEBUG is off: a missing page is the plain 404, not Django's technical page.
    assert missing_status == 404
    assert b"URLconf" not in missing_page
    # WhiteNoise serves the collected copy, compressed where the browser accepts it.
    assert css_status == 200
    assert css == app_css
    assert css_headers["content-type"].startswith("text/css")
    assert gzip_status == 200
    assert gzip_headers["content-encoding"] == "gzip"
    assert gzip.decompress(gzipped) == app_css
    # Under its hashed name the same file is cached for a year and more: a new version gets a
    # new name, so the chart library and the stylesheet load once. The plain name is not.
    assert hashed_status == 200
    assert hashed_css == app_css
    assert hashed_headers["cache-control"] == "max-age=315360000, public, immutable"
    assert css_headers["cache-control"] == "max-age=60, public"
    # The secret key was made once, in the data folder, readable by its owner only.
    assert (data_dir / "secret_key").stat().st_mode & 0o777 == 0o600
    # Gunicorn's access log names each request with its status.
    log = (tmp_path / "gunicorn.log").read_text()
    assert '"GET /static/core/app.css HTTP/1.1" 200' in log
    assert '"GET /no-such-page/ HTTP/1.1" 404' in log
    # The application's own records, one line each: time, level, logger, message.
    assert re.search(
        r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} WARNING django\.request Not Found: /no-such-page/$",
        log,
        flags=re.MULTILINE,
    )


def test_the_api_rate_limit_is_shared_by_the_web_server_processes(tmp_path: Path) -> None:
    env = installation_env(tmp_path / "data", UPSELL_WEB_WORKERS="2", API_RATE_LIMIT="40/hour")
    upsell(env, "migrate", "--no-input", "-v", "0")
    upsell(
        {**env, "DJANGO_SUPERUSER_PASSWORD": "correct-horse-battery"},
        "createsuperuser",
        "--no-input",
        "--username",
        "adam",
        "--email",
        "adam@example.ru",
    )
    token = upsell(env, "token", "adam").stdout.strip()
    bearer = {"Authorization": f"Bearer {token}"}

    with served(env, tmp_path / "gunicorn.log") as port:
        statuses = [fetch(port, "GET", "/api/me", headers=bearer)[0] for _ in range(40)]
        status, headers, body = fetch(port, "GET", "/api/me", headers=bearer)
        after = [fetch(port, "GET", "/api/me", headers=bearer)[0] for _ in range(10)]

    assert statuses == [200] * 40
    assert status == 429
    assert json.loads(body) == {"detail": "Too many requests."}
    assert 1 <= int(headers["retry-after"]) <= 3600
    assert after == [429] * 10
    log = (tmp_path / "gunicorn.log").read_text()
    answered_by = re.findall(r'"GET /api/me HTTP/1.1" (\d+) \d+ \d+ms <(\d+)>', log)
    assert len(answered_by) == 51
    # Both processes answered and counted against the one limit.
    assert len({pid for _, pid in answered_by}) == 2
