"""Settings of the gunicorn that ``manage.py bench`` starts on loopback: the site's, plus the bare view the
list throughput is compared with (``tsunagu.home.benchmark.urls``). Never a production setting."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "tsunagu.home.benchmark.urls"
# Plain HTTP on loopback, whatever the installation's own settings say.
ALLOWED_HOSTS = ["127.0.0.1"]
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
