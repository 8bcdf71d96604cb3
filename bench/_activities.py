"""What the activity benches build: one subdistrict of 20 communities with a Party branch and a programme each,
a subdistrict staff account, and a clean activity sheet of any length (a tablib Dataset)."""


def build_office():
    """(the subdistrict, its 20 communities, its staff account "xiguan") in an empty database."""
    from django.contrib.auth.models import Group, User

    from activities.models import Programme
    from communities.models import Community, District, PartyOrganization, StaffProfile, Subdistrict
    from registers.roles import SUBDISTRICT_STAFF

    district = District.objects.create(name="老城区")
    office = Subdistrict.objects.create(district=district, name="西关办事处")
    communities = [Community.objects.create(subdistrict=office, name=f"第{i + 1}社区") for i in range(20)]
    for c in communities:
        PartyOrganization.objects.create(
            name=f"{c.name}党支部", kind=PartyOrganization.Kind.BRANCH, subdistrict=office, community=c
        )
        Programme.objects.create(name=f"{c.name}品牌", subdistrict=office, community=c)
    user = User.objects.create_user("xiguan", is_staff=True)
    user.groups.add(Group.objects.get(name=SUBDISTRICT_STAFF))
    StaffProfile.objects.create(user=user, subdistrict=office)
    return office, communities, user


def activity_sheet(rows: int, communities, types):
    """A clean sheet of ``rows`` activities (English column keys, as the import also accepts)."""
    import tablib

    headers = [
        "title",
        "type",
        "community",
        "party_organization",
        "start",
        "end",
        "participants",
        "programme",
    ]
    data = tablib.Dataset(headers=headers)
    for i in range(rows):
        c = communities[i % 20]
        day = 1 + i % 28
        data.append([
            f"活动{i}", types[i % len(types)], c.name, f"{c.name}党支部", f"2018-06-{day:02d} 09:00",
            f"2018-06-{day:02d} 11:00", str(10 + i % 90), f"{c.name}品牌" if i % 3 == 0 else "",
        ])  # fmt: skip
    return data
