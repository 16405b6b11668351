"""Django's SQLite backend with database files readable by the service account only (``base.py``)."""
