"""``__in`` on an integer column with a number no column holds matches nothing instead of failing.

Django already treats ``pk=2**64`` so (``IntegerFieldOverflow`` on exact, lt, gt …), but not ``pk__in``:
SQLite raises OverflowError, a 500 for any posted list of ids with one past 2⁶³ (a ModelMultipleChoiceField,
the administration's many-to-many widgets). Such a value names no row, so it is dropped here, and an
empty list matches nothing as Django's ``In`` does. Registered by ``CoreConfig.ready``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import IntegerField
from django.db.models.lookups import In


class IntegerFieldIn(In):
    def process_rhs(self, compiler: Any, connection: Any) -> Any:
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(self.lhs.output_field.get_internal_type())
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int) or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)


def register() -> None:
    IntegerField.register_lookup(IntegerFieldIn)
