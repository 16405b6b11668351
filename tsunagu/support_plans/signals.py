"""Receivers of other apps' signals (registered on import)."""
