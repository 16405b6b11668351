"""The standard list of resource kinds (issue 15), written once per municipality; then it is the town's data
(the administration may rename, reorder or retire kinds)."""

from __future__ import annotations

from django.db.models import QuerySet

from tsunagu.participation.models import ResourceKind

KINDS = (
    ("ibasho", "居場所"), ("work", "就労"), ("work-experience", "就労体験"), ("housing", "居住支援"),
    ("volunteer", "ボランティア"), ("farming", "農業"), ("learning", "学び"), ("circle", "サークル"),
    ("other", "その他"),
)  # fmt: skip


def kinds_ensure(municipality_id: int) -> QuerySet[ResourceKind]:
    """The municipality's kinds, the standard ones created the first time."""
    if not ResourceKind.objects.filter(municipality_id=municipality_id).exists():
        ResourceKind.objects.bulk_create(
            [
                ResourceKind(municipality_id=municipality_id, code=code, name=name, order=i * 10)
                for i, (code, name) in enumerate(KINDS)
            ]
        )
    return ResourceKind.objects.filter(municipality_id=municipality_id, active=True).order_by("order", "name")
