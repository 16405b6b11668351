from collections.abc import Generator

from django.core.management.base import BaseCommand, CommandError

from tsunagu.audit.models import AuditEntry
from tsunagu.audit.services import audit_chain_breaks


def _entries_in_chain_order() -> Generator[AuditEntry, None, None]:
    yield from AuditEntry.objects.order_by("chain_id", "seq").iterator(chunk_size=2000)


class Command(BaseCommand):
    help = "監査ログのハッシュチェーンを検証し、最初の破損箇所を報告する（破損があれば終了コード1）。"

    def handle(self, *args: object, **options: object) -> None:
        checked = AuditEntry.objects.count()
        entries = _entries_in_chain_order()
        breaks = audit_chain_breaks(entries)
        try:
            first = next(breaks, None)
        finally:
            # Release PostgreSQL's server-side cursor now, inside this transaction, not whenever the
            # garbage collector reaches it.
            breaks.close()
            entries.close()
        if first is not None:
            raise CommandError(
                f"監査ログの破損を検出しました: 記録ID {first.entry_id}（チェーン {first.chain_id} の"
                f"{first.seq}番目）: {first.reason}"
            )
        chains = AuditEntry.objects.values("chain_id").distinct().count()
        self.stdout.write(self.style.SUCCESS(f"監査ログは正常です: {checked}件・{chains}チェーンを検証しました。"))
