"""Japanese data: readings in kana (``kana``), the Japanese calendar (``wareki``) and their form fields."""
