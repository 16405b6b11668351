"""``manage.py bench`` (DESIGN §8, issue 16): the registered pages measured in-process, the kana search beside
the admin-style search, and list throughput under gunicorn beside a bare view; results per scale in
``var/bench/``, the table in ``docs/benchmarks.md``."""
