"""Demo staff accounts for ``make demo``: one per role, with fixed passwords printed on the console.

The passwords are published (here and on the console), so the command refuses to run unless DEBUG is on
or --force is given. Running it again resets the accounts to these units, groups and passwords.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from communities import demo
from communities.models import City, Community, District, StaffProfile, Subdistrict
from registers.roles import (
    AUDIT_ADMINISTRATORS,
    COMMUNITY_STAFF,
    PERSONAL_DATA_OFFICERS,
    SUBDISTRICT_STAFF,
    SUPERVISORS,
    requires_two_factor,
)
from registers.units import level_names, level_of

# (username, password, what the account is, unit lookup, groups); the unit is None for the superuser.
ACCOUNTS = (
    ("admin", "admin-demo-2018", "superuser (all units)", None, ()),
    ("huanxi", "huanxi-demo-2018", f"community staff, {demo.HUANXI}", demo.huanxi, (COMMUNITY_STAFF,)),
    ("xiguan", "xiguan-demo-2018", f"subdistrict staff, {demo.XIGUAN}", demo.xiguan, (SUBDISTRICT_STAFF,)),
    ("luoyang-supervisor", "luoyang-demo-2018", f"supervisor, {demo.CITY}", demo.luoyang, (SUPERVISORS,)),
    ("jianxi-supervisor", "jianxi-demo-2018", f"supervisor, {demo.JIANXI}", demo.jianxi, (SUPERVISORS,)),
    (
        "laocheng-supervisor",
        "laocheng-demo-2018",
        f"supervisor, {demo.LAOCHENG}",
        demo.laocheng,
        (SUPERVISORS,),
    ),
    # A personal-data officer works in the community's registers too, so also community staff.
    (
        "huanxi-privacy",
        "privacy-demo-2018",
        f"personal-data officer, {demo.HUANXI}",
        demo.huanxi,
        (COMMUNITY_STAFF, PERSONAL_DATA_OFFICERS),
    ),
    # Reads the security event log; not the system administrator (等保: the two roles kept apart).
    (
        "xiguan-audit",
        "audit-demo-2018",
        f"audit administrator (security event log), {demo.XIGUAN}",
        demo.xiguan,
        (AUDIT_ADMINISTRATORS,),
    ),
)


class Command(BaseCommand):
    help = "Create demo staff accounts (one per role) with fixed passwords, and print their logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Create them even with DEBUG off (never on a real server)."
        )
        parser.add_argument(
            "--port", default="8000", help="The port the demo serves on (for the sign-in address)."
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "create_demo_staff makes accounts whose passwords are printed and published: it is for "
                "`make demo` on a development machine with DEBUG=1. Refusing because DEBUG is off; "
                "pass --force to create them anyway."
            )
        try:
            units = {username: lookup() if lookup else None for username, _p, _w, lookup, _g in ACCOUNTS}
        except (
            City.DoesNotExist,
            District.DoesNotExist,
            Subdistrict.DoesNotExist,
            Community.DoesNotExist,
        ) as error:
            raise CommandError("The demo units are missing: run `manage.py load_demo` first.") from error
        groups = {group.name: group for group in Group.objects.all()}
        with transaction.atomic():
            for username, password, _what, _lookup, group_names in ACCOUNTS:
                self._account(username, password, units[username], [groups[name] for name in group_names])

        address = f"http://127.0.0.1:{options['port']}/admin/"
        self.stdout.write(self.style.SUCCESS(f"Demo staff accounts (sign in at {address}):"))
        width = max(len(username) for username, *_ in ACCOUNTS)
        users = get_user_model().objects.in_bulk(
            [username for username, *_ in ACCOUNTS], field_name="username"
        )
        for username, password, what, _lookup, _groups in ACCOUNTS:
            note = (
                " (two-factor: enrol an authenticator app at first sign-in)"
                if requires_two_factor(users[username])
                else ""
            )
            self.stdout.write(f"  {username:<{width}}  password: {password:<20} {what}{note}")

    def _account(self, username, password, unit, groups):
        user, _created = get_user_model().objects.get_or_create(username=username)
        user.is_active = user.is_staff = True
        user.is_superuser = unit is None
        user.set_password(password)
        user.save()
        user.groups.set(groups)
        if unit is None:
            StaffProfile.objects.filter(user=user).delete()
            return
        fields = {name: None for name in level_names()} | {level_of(unit): unit}
        StaffProfile.objects.update_or_create(user=user, defaults=fields)
