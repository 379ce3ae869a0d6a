"""Static files that ship inside installed Python packages rather than in an app's static folder.

The client card draws its chart with plotly.js. The copy that comes with the ``plotly`` wheel is
served as a static file of our own, so the application needs nothing from a CDN and works on an
intranet. Settings take the finders from here:
``from upsell.core.staticfiles import STATICFILES_FINDERS as STATICFILES_FINDERS``.
"""

from collections.abc import Iterable, Iterator
from importlib.util import find_spec
from pathlib import Path
from typing import Any, Literal, overload

from django.contrib.staticfiles.finders import BaseFinder
from django.contrib.staticfiles.utils import matches_patterns
from django.core import checks
from django.core.files.storage import FileSystemStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage

PLOTLY_JS = "vendor/plotly.min.js"

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "upsell.core.staticfiles.PackagedStaticFilesFinder",
]


def _package_file(package: str, *parts: str) -> Path:
    spec = find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return Path(package, *parts)  # reported as missing by the finder's check
    return Path(spec.submodule_search_locations[0], *parts)


class PackagedStaticFilesFinder(BaseFinder):
    """Finds the files of ``packaged`` (static path → file inside an installed package)."""

    packaged: dict[str, Path] = {
        PLOTLY_JS: _package_file("plotly", "package_data", "plotly.min.js"),
    }

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        return [
            checks.Error(
                f"{source} is missing: the package that ships the static file {path} is not "
                "installed.",
                id="upsell.E001",
            )
            for path, source in self.packaged.items()
            if not source.is_file()
        ]

    @overload
    def find(self, path: str, find_all: Literal[False] = False) -> str | None: ...
    @overload
    def find(self, path: str, find_all: Literal[True]) -> list[str]: ...
    def find(self, path: str, find_all: bool = False) -> str | list[str] | None:
        source = self.packaged.get(path)
        found = str(source) if source is not None and source.is_file() else None
        if find_all:
            return [found] if found else []
        return found

    def list(
        self, ignore_patterns: Iterable[str] | None
    ) -> Iterator[tuple[str, FileSystemStorage]]:
        for path, source in self.packaged.items():
            if not source.is_file() or matches_patterns(path, ignore_patterns or ()):
                continue
            # collectstatic copies a file to the storage's prefix joined with its listed name.
            storage = FileSystemStorage(location=source.parent)
            storage.prefix = str(Path(path).parent)  # type: ignore[attr-defined]
            yield source.name, storage


class HashedStaticFilesStorage(CompressedManifestStaticFilesStorage):  # type: ignore[misc]
    """Collected files under names that carry a hash of their content (WhiteNoise lets the
    browser cache those for good), with one difference from WhiteNoise's: a file that was never
    collected (``collectstatic`` not run yet, say after a restore) keeps its plain name instead
    of failing every page that names it."""

    def stored_name(self, name: str) -> str:
        try:
            stored: str = super().stored_name(name)
        except ValueError:
            return name
        return stored
