"""gunicorn's settings for production (docs/deploy.md): gunicorn -c config/gunicorn.conf.py config.wsgi"""

import os

# Loopback only: the TLS reverse proxy in front is the one thing that reaches it.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Synchronous workers: 2 × cores + 1 is gunicorn's own rule of thumb (3 on a 2-core server).
workers = int(os.environ.get("WEB_CONCURRENCY", str(2 * (os.cpu_count() or 1) + 1)))
# A large PDF or CSV export takes seconds, not minutes; a stuck request is ended rather than left holding a worker.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
# Recycling workers bounds the memory a long-running process can collect.
max_requests = 2000
max_requests_jitter = 200
# The access log names the path without its query string: search terms (names, birth dates) are personal data.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'
errorlog = "-"
# X-Forwarded-* are believed only from the proxy on this host (Django reads the scheme with BEHIND_PROXY).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
