"""The record kinds of support plans."""


def register() -> None:
    pass
