"""Gunicorn settings, read automatically from the working directory.

The access log leaves out the client address (%(h)s), the user agent (%(a)s),
the referrer and the query string: only time, method, path, status, size, duration.
The path is written without secrets: an appeal link's token becomes "/appeal/<token>".
The error log passes through core.logs.ClientAddressFilter, which takes out every IP
address (gunicorn writes "Invalid request from ip=..." for a malformed or over-long request).

Workers are threaded (gthread): a client that opens a connection and sends nothing, or half
a request line, holds one thread of one worker, not a whole worker, and the other threads keep
answering. A buffering proxy in front (nginx) is still the way to face many slow clients.
"""

import os

from gunicorn.glogging import Logger

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
# Each worker's database pool holds 5 connections plus 10 on demand (core/db.py): stay within it.
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 20
keepalive = 5
accesslog = os.environ.get("ACCESS_LOG", "-")
errorlog = "-"
access_log_format = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
# Proxy headers are handled by the app (PROXY_HOPS), which reads X-Forwarded-For only to hash a rate-limit bucket.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


class AnonymousLogger(Logger):
    """Gunicorn's logger: no IP address in the error log (set up again on reload), no token in the access log."""

    def atoms(self, resp, req, environ, request_time):
        from core.logs import without_secrets

        found = super().atoms(resp, req, environ, request_time)
        for name in ("U", "r"):  # the path, and the request line (not in our format, but never with a token)
            found[name] = without_secrets(found[name])
        return found

    def setup(self, cfg):
        super().setup(cfg)
        from core.logs import ClientAddressFilter  # the working directory is on sys.path by now

        if not any(isinstance(f, ClientAddressFilter) for f in self.error_log.filters):
            self.error_log.addFilter(ClientAddressFilter())


logger_class = AnonymousLogger
