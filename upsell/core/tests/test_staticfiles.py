"""plotly.js is served from the plotly wheel as a static file of our own."""

from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

from upsell.core.staticfiles import (
    PLOTLY_JS,
    STATICFILES_FINDERS,
    HashedStaticFilesStorage,
    PackagedStaticFilesFinder,
)


def test_the_finder_finds_plotly_in_the_installed_wheel():
    finder = PackagedStaticFilesFinder()

    found = finder.find(PLOTLY_JS)

    assert found is not None
    assert found.endswith("plotly/package_data/plotly.min.js")
    with open(found, encoding="utf-8") as script:
        assert script.read(200).startswith("/**\n* plotly.js v")
    assert finder.find(PLOTLY_JS, find_all=True) == [found]
    assert finder.find("vendor/widgetbundle.js") is None
    assert finder.check() == []


def test_collectstatic_copies_only_plotly_under_vendor():
    [(name, storage)] = list(PackagedStaticFilesFinder().list(ignore_patterns=None))

    assert name == "plotly.min.js"
    assert isinstance(storage, FileSystemStorage)
    assert storage.prefix == "vendor"  # type: ignore[attr-defined]


def test_ignored_patterns_are_honoured():
    assert list(PackagedStaticFilesFinder().list(ignore_patterns=["vendor/*"])) == []


def test_a_missing_package_is_reported_by_the_system_checks(monkeypatch, tmp_path):
    monkeypatch.setattr(
        PackagedStaticFilesFinder, "packaged", {PLOTLY_JS: tmp_path / "plotly.min.js"}
    )

    errors = PackagedStaticFilesFinder().check()

    assert [error.id for error in errors] == ["upsell.E001"]
    assert PackagedStaticFilesFinder().find(PLOTLY_JS) is None


def test_the_settings_finders_keep_djangos_own():
    assert STATICFILES_FINDERS[:2] == [
        "django.contrib.staticfiles.finders.FileSystemFinder",
        "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    ]
    assert issubclass(PackagedStaticFilesFinder, BaseFinder)


def test_collected_files_get_hashed_names_and_uncollected_ones_keep_their_plain_name(tmp_path):
    storage = HashedStaticFilesStorage(location=tmp_path, base_url="/static/")
    (tmp_path / "core").mkdir()
    (tmp_path / "core" / "app.css").write_text("body { color: black; }")
    storage.hashed_files = {"core/app.css": "core/app.0123456789ab.css"}

    assert storage.stored_name("core/app.css") == "core/app.0123456789ab.css"
    # Not collected: no manifest entry and no file to hash. The page still names it.
    assert storage.stored_name("core/missing.js") == "core/missing.js"
