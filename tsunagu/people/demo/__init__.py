"""Clearly fictional people and households for demonstrations and benchmarks (``manage.py demo_town``).

``names`` holds the name data, ``generator`` turns a seeded ``random.Random`` into rows and writes them
in batches (with the help of ``rows``, ``town``, ``persons``, ``households``, ``residence``, ``agencies``
and ``writer``; see its docstring). Nothing here is ever used for real records: every address says
（デモ）, every phone number is in the unassigned 0858-00 exchange, and mail addresses are at example.jp.
"""
