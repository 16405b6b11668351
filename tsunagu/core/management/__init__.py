import getpass


def command_operator(command: str) -> str:
    """Who ran a management command, for the audit entry of a change made from the command line."""
    try:
        account = getpass.getuser()
    except (KeyError, OSError):  # no login name in some containers
        account = "?"
    return f"manage.py {command} ({account})"
