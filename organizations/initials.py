"""Pinyin initials of a name, for the village search ("hqc" finds 红旗村).

A pure function over pypinyin's dictionary (phrases first, so most polyphonic characters come
out as people read the name). Stored on ``Organization.name_initials`` by whatever writes a name
(the import service, the installation, the admin, the demo) and by the data migration, so that
the search is one indexed prefix match rather than a conversion per row.
"""

from __future__ import annotations

from pypinyin import Style, lazy_pinyin


def _keep_letters_and_digits(text: str) -> list[str]:
    return [c for c in text if c.isascii() and c.isalnum()]


def name_initials(name: str) -> str:
    """红旗村 → "hqc"; letters and digits in the name are kept ("A区3村" → "aq3c"); anything
    else (brackets, dots) is dropped. At most 100 characters (the column's length)."""
    letters = lazy_pinyin(name or "", style=Style.FIRST_LETTER, errors=_keep_letters_and_digits)
    return "".join(letters).lower()[:100]
