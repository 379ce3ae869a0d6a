"""Gunicorn's settings for Upsell: ``upsell serve`` runs
``gunicorn -c python:upsell.config.gunicorn upsell.config.wsgi:application``.

Read from the environment like every other setting: ``UPSELL_BIND`` (where it listens),
``UPSELL_WEB_WORKERS`` (how many processes answer requests), ``UPSELL_WEB_TIMEOUT``.
"""

import os

from upsell.config.env import env_int, env_list

# Behind a reverse proxy on the same host; a container publishes 0.0.0.0:8000 instead.
bind = env_list("UPSELL_BIND", ["127.0.0.1:8000"])
# Requests only read and write the database (imports, audits and forecasts run in the task
# worker), so a few processes per core serve a sales team; each holds its own copy of the
# application, hence the cap.
workers = env_int("UPSELL_WEB_WORKERS", min(2 * (os.cpu_count() or 1) + 1, 8))
# An upload of the largest allowed file on a slow line still finishes.
timeout = env_int("UPSELL_WEB_TIMEOUT", 120)
graceful_timeout = 30
# A process is replaced now and then, so memory a long-lived one gathers is given back.
max_requests = 2000
max_requests_jitter = 200
# Access log and errors to standard output and error, for journald or the container's log.
accesslog = "-"
errorlog = "-"
# The client's address in the access log is the proxy's; the application reads the client's
# own from X-Forwarded-For when told it runs behind one (UPSELL_TRUSTED_PROXIES).
# One line per request: peer, forwarded-for, time, request line, status, bytes, milliseconds,
# and the process that answered.
access_log_format = '%(h)s "%({x-forwarded-for}i)s" %(t)s "%(r)s" %(s)s %(b)s %(M)sms %(p)s'
# The application's copy is loaded once, before the processes are forked.
preload_app = True
