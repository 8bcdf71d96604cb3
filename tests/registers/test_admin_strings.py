"""Strings of Django's admin that its own zh_Hans catalogue lacks (screen readers read the table captions)
are translated by the project's catalogue."""

import glob
import re
from pathlib import Path

import django
import pytest
from django.utils import translation

ADMIN_TEMPLATES = Path(django.__file__).parent / "contrib" / "admin" / "templates"


def admin_template_strings():
    found = set()
    for path in glob.glob(str(ADMIN_TEMPLATES / "**" / "*.html"), recursive=True):
        found |= set(re.findall(r"{% (?:translate|trans) [\"']([^\"']+)[\"']", Path(path).read_text()))
    return sorted(found)


@pytest.mark.parametrize("msgid", admin_template_strings())
def test_every_string_of_the_admin_templates_reads_in_chinese(msgid):
    with translation.override("zh-hans"):
        assert translation.gettext(msgid) != msgid or not re.search(r"[A-Za-z]{3}", msgid), msgid
