"""The order names are listed in: numbered names in their numbers' order (一队, 二队 … 十队, 十一队; 1号楼 … 12号楼)
and people by the pinyin of their names (丁桂珍 before 王芳).

Lists are paginated by the database, so the order is a column: a key computed here from the name and stored
beside it (``sort_key``, ``name_sort``). A model declares its keys::

    sort_keys = {"sort_key": ("name", natural_key)}

and uses ``SortKeyed`` (the key computed on every save) with a manager from ``SortKeyQuerySet`` (and on
every bulk_create / bulk_update, which skip save(): the imports and the demo loaders write in bulk).
"""

import re
import unicodedata

from django.db import models
from pypinyin import Style, lazy_pinyin

from .personal_data import ERASED
from .scoping import ScopedQuerySet

KEY_LENGTH = 255
# A number becomes this many digits, so that 2 (000002) sorts before 12 (000012). Room numbers and the like
# stay well below a million; a longer number keeps its digits and sorts after the shorter ones.
DIGITS = 6

_CHINESE_DIGITS = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_NUMERALS = "0-9〇零一二三四五六七八九十"
# A number, and the hyphen that joins it to the next (3-2号楼: building 3, entrance 2).
_NUMBER = re.compile(rf"([0-9]+|[〇零一二三四五六七八九十]+)(-(?=[{_NUMERALS}]))?")


def _chinese_number(text: str) -> int | None:
    """一 … 九十九 (十二, 二十, 二十三) and digit by digit (一〇一); None for what is no number (十十)."""
    if "十" not in text:
        return int("".join(str(_CHINESE_DIGITS[c]) for c in text))
    tens, _ten, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1 or "十" in ones or tens in ("〇", "零") or ones in ("〇", "零"):
        return None
    return _CHINESE_DIGITS.get(tens, 1) * 10 + _CHINESE_DIGITS.get(ones, 0)


def natural_key(name: str) -> str:
    """The key that sorts numbered names by their numbers: every number (Arabic, full-width or Chinese, up to
    九十九) becomes zero-padded digits, the rest of the name stays as it is. Each number ends in 0, or in 1
    where a hyphen joins the next one, so that 3号楼 comes before 3-2号楼 and 3-2号楼 before 3-10号楼; the key
    holds digits where the name holds numbers and no punctuation of its own, so that every database
    collation orders it alike. 第十二网格 → 第0000120网格, 3-2号楼 → 00000310000020号楼."""

    def digits(match):
        text, joined = match.group(1), match.group(2)
        number = int(text) if text.isdigit() else _chinese_number(text)
        if number is None:
            return match.group()
        return str(number).zfill(DIGITS) + ("1" if joined else "0")

    return _NUMBER.sub(digits, unicodedata.normalize("NFKC", name or "").strip())[:KEY_LENGTH]


def pinyin_key(name: str) -> str:
    """A person's name as pinyin without tones, syllables apart (丁桂珍 → "ding gui zhen"); letters lowercase.
    A name erased on request has no key (the key is as personal as the name)."""
    if not name or name == ERASED:
        return ""
    syllables = lazy_pinyin(unicodedata.normalize("NFKC", name), style=Style.NORMAL, errors="default")
    words = " ".join(part.strip().lower() for part in syllables if part.strip())
    return re.sub(r"\s+", " ", words)[:KEY_LENGTH]


def fill_sort_keys(objs) -> None:
    for obj in objs:
        for target, (source, compute) in type(obj).sort_keys.items():
            setattr(obj, target, compute(getattr(obj, source)))


class SortKeyed(models.Model):
    """A model whose ``sort_keys`` are computed from their names on every save."""

    sort_keys: dict = {}

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        fill_sort_keys([self])
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = _with_keys(type(self), update_fields)
        super().save(*args, **kwargs)


def _with_keys(model, fields) -> list[str]:
    """``fields`` and the keys computed from any of them."""
    fields = list(fields)
    return fields + [
        target
        for target, (source, _compute) in model.sort_keys.items()
        if source in fields and target not in fields
    ]


class SortKeyQuerySet(models.QuerySet):
    """Writes the keys of records created or updated in bulk (save() is skipped there) and of an update()
    that writes a name."""

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        fill_sort_keys(objs)
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        fill_sort_keys(objs)
        return super().bulk_update(objs, _with_keys(self.model, fields), *args, **kwargs)

    def update(self, **kwargs):
        for target, (source, compute) in self.model.sort_keys.items():
            if isinstance(kwargs.get(source), str) and target not in kwargs:
                kwargs[target] = compute(kwargs[source])
        return super().update(**kwargs)


class ScopedSortKeyQuerySet(SortKeyQuerySet, ScopedQuerySet):
    pass


def fill_stored_keys(model, keys: dict, batch_size: int = 2000) -> None:
    """For a data migration (``model`` from ``apps.get_model``): computes ``keys`` (as ``sort_keys``) for the
    rows already stored, a batch at a time."""
    sources = {source for source, _compute in keys.values()}
    last = 0
    while rows := list(model._default_manager.filter(pk__gt=last).order_by("pk").only(*sources)[:batch_size]):
        for row in rows:
            for target, (source, compute) in keys.items():
                setattr(row, target, compute(getattr(row, source)))
        model._default_manager.bulk_update(rows, list(keys))
        last = rows[-1].pk
