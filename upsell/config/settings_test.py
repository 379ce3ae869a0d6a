"""Test settings: the real database of DATABASE_URL, fast hashing, tasks run at once."""

from upsell.config.settings import *  # noqa: F403
from upsell.config.settings import DATA_DIR, DATABASES

SECRET_KEY = "upsell-test-key"  # noqa: S105
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LANGUAGE_CODE = "en"
AXES_ENABLED = True
# The suite calls the API far faster than anyone would; the test of the limit sets its own.
API_RATE_LIMIT = ""
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory: the browser tests' live server answers the page's parallel htmx
    # requests on several threads, and an in-memory database would make them share one
    # connection. Each test worker gets its own file (pytest-xdist adds its name).
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}
