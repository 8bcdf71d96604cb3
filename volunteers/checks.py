"""The certificates' font must be there: without it no certificate can be made."""

from pathlib import Path

from django.conf import settings
from django.core import checks


@checks.register()
def certificate_font_installed(app_configs=None, **kwargs):
    missing = [
        path
        for path in (settings.CERTIFICATE_FONT, settings.CERTIFICATE_FONT_BOLD)
        if not Path(path).is_file()
    ]
    return [
        checks.Warning(
            f"The certificates' font {path} is missing: volunteer service certificates cannot be made.",
            hint="apt-get install fonts-noto-cjk, or set CERTIFICATE_FONT and CERTIFICATE_FONT_BOLD.",
            id="volunteers.W001",
        )
        for path in missing
    ]
