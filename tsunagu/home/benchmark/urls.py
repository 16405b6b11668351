"""The bench server's URLconf (``config.settings_bench`` only): the site's, and the bare view beside it."""

from django.urls import path

from config import urls as site_urls
from tsunagu.home.benchmark.bare import bare_consultation_list

handler404 = site_urls.handler404
BARE_PATH = "bench/bare/consultations/"
urlpatterns = [path(BARE_PATH, bare_consultation_list, name="bench-bare-list"), *site_urls.urlpatterns]
