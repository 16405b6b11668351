"""Deployment checks (`manage.py check --deploy`, docs/deploy.md): what a town must not go live with."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.db import DatabaseError

from tsunagu.core.demo import demo_accounts_present
from tsunagu.core.models import Municipality, Role


@register(Tags.security, deploy=True)
def demo_accounts_check(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[CheckMessage]:
    """The demo accounts share a password printed in the README: a real installation must have none."""
    if settings.DEMO_MODE:
        return []
    try:
        present = demo_accounts_present()
    except DatabaseError as exc:
        return [
            Warning(
                f"データベースを読めないため、デモ用アカウントの有無を確認できませんでした（{exc.__class__.__name__}）。",
                hint="DATABASE_URL を確認し、migrate の後でもう一度 check --deploy を実行してください。",
                id="tsunagu.W001",
            )
        ]
    if not present:
        return []
    return [
        Error(
            "本番のデータベースにデモ用アカウントがあります: {}".format("、".join(present)),
            hint="公開されているパスワードで入れるアカウントです。管理画面で「有効」を外して利用停止にしてください"
            "（docs/deploy.md）。本番モードではログインもできません。",
            id="tsunagu.E001",
        )
    ]


# Every role a person holds; the machine account of another system signs in with an API token, not a password.
_PEOPLES_ROLES = [role for role in Role if role is not Role.INTEGRATION]


@register(Tags.security, deploy=True)
def two_factor_check(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[CheckMessage]:
    """Personal data behind a password alone is not enough for go-live (医療情報GL: 二要素認証)."""
    if settings.DEMO_MODE:
        return []
    try:
        towns = list(Municipality.objects.only("code", "name", "two_factor_roles"))
    except DatabaseError:
        return []  # demo_accounts_check already says the database could not be read
    warnings: list[CheckMessage] = []
    for town in towns:
        missing = [role for role in _PEOPLES_ROLES if role.value not in town.two_factor_roles]
        if missing:
            warnings.append(
                Warning(
                    "{}: 二要素認証が必須でない役割があります: {}".format(
                        town.name, "、".join(str(r.label) for r in missing)
                    ),
                    hint=f"運用開始前に manage.py require_two_factor --municipality {town.code} --roles "
                    + ",".join(r.value for r in _PEOPLES_ROLES)
                    + " を実行してください（docs/deploy.md）。",
                    id="tsunagu.W002",
                )
            )
    return warnings


def _found_static_paths() -> Iterable[str]:
    for finder in finders.get_finders():
        for path, storage in finder.list(["CVS", ".*", "*~"]):  # collectstatic's default ignore patterns
            prefix = getattr(storage, "prefix", None)  # a STATICFILES_DIRS entry given as (prefix, path)
            yield (f"{prefix}/{path}" if prefix else path).replace("\\", "/")


@register(Tags.staticfiles, deploy=True)
def static_manifest_check(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[CheckMessage]:
    """With the manifest storage a page naming a file the build lacks answers 500: refuse such a build."""
    if not settings.STATIC_MANIFEST:
        return []
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    hint = "make install（または manage.py collectstatic --noinput）を本番と同じ設定で実行してください。"
    if not manifest.is_file():
        return [Error(f"静的ファイルが集められていません（{manifest} がありません）。", hint=hint, id="tsunagu.E002")]
    built = set(json.loads(manifest.read_text(encoding="utf-8")).get("paths", {}))
    missing = sorted(set(_found_static_paths()) - built)
    if missing:
        shown = "、".join(missing[:5]) + (f" ほか{len(missing) - 5}件" if len(missing) > 5 else "")
        return [
            Error(f"集めた静的ファイルが古く、{len(missing)}件が欠けています: {shown}", hint=hint, id="tsunagu.E002")
        ]
    return []
