"""Gunicorn settings, read automatically from the working directory.

The access log leaves out the client address (%(h)s), the user agent (%(a)s),
the referrer and the query string: only time, method, path, status, size, duration.
"""

import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
accesslog = os.environ.get("ACCESS_LOG", "-")
errorlog = "-"
access_log_format = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
# Proxy headers are handled by the app (PROXY_HOPS), which never reads X-Forwarded-For.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
