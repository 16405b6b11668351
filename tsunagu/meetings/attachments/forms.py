"""The form of a meeting's 資料: it parses; ``services`` checks the title and the file's content."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tsunagu.core.scans import format_size, max_scan_bytes


class AttachmentForm(forms.Form):
    title = forms.CharField(label=_("資料名"), max_length=200, required=False)
    file = forms.FileField(
        label=_("ファイル（PDF・画像）"), required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.tif,.tiff"}),
    )  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("PDF・JPEG・PNG・TIFF、%(limit)sまで。") % {
            "limit": format_size(max_scan_bytes())
        }
