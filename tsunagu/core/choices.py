"""What an empty choice reads, set here once for every menu: 「（すべて）」 in a filter above a list (the
choice not to filter), 「選択してください」 in a form that records something (nothing chosen yet). Django's
own ``---------`` never reaches a page: ``core.params.ModelChoiceField`` and ``core.pages.FilterForm`` use
these, and ``core.pages.with_all`` leads a filter's fixed choices."""

from django.utils.translation import gettext_lazy

CHOICE_EMPTY_LABEL = gettext_lazy("選択してください")
FILTER_EMPTY_LABEL = gettext_lazy("（すべて）")
