from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from registers.personal_data import ERASED, MASKED, PersonalField, erasure_values
from registers.phones import validate_phone
from registers.scoping import ScopedQuerySet, community_scoped, district_scoped, scoped_to, subdistrict_scoped
from registers.sorting import ScopedSortKeyQuerySet, SortKeyed, natural_key, pinyin_key
from registers.units import CITY, level_names
from registers.validators import validate_not_future, validate_volunteer_number


class City(models.Model):
    """The top of the unit tree (a province above it would be one more model whose cities point to it)."""

    name = models.CharField(_("name"), max_length=100, unique=True)

    unit_parent = None  # the top of the unit tree (registers.units)
    scope_paths = scoped_to(CITY, "")
    not_personal_data = ("name",)  # names no person
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("city")
        verbose_name_plural = _("cities")
        ordering = ["name"]

    def __str__(self):
        return self.name


class District(models.Model):
    class Kind(models.TextChoices):
        URBAN = "urban", _("urban district")
        COUNTY = "county", _("county")

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.URBAN)
    # Empty for a deployment that starts at the district: the district is then a top of the tree.
    city = models.ForeignKey(
        City, models.PROTECT, null=True, blank=True, related_name="districts", verbose_name=_("city")
    )

    unit_parent = "city"
    scope_paths = district_scoped("")
    not_personal_data = ("name",)  # names no person
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Subdistrict(models.Model):
    class Kind(models.TextChoices):
        SUBDISTRICT = "subdistrict", _("subdistrict office")
        TOWNSHIP = "township", _("township")
        TOWN = "town", _("town")

    district = models.ForeignKey(
        District, models.PROTECT, related_name="subdistricts", verbose_name=_("district")
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.SUBDISTRICT)
    area_km2 = models.DecimalField(_("area (km²)"), max_digits=8, decimal_places=2, null=True, blank=True)
    population = models.PositiveIntegerField(_("resident population"), null=True, blank=True)

    unit_parent = "district"
    scope_paths = subdistrict_scoped("")
    not_personal_data = ("name",)  # names no person
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("subdistrict")
        verbose_name_plural = _("subdistricts")
        ordering = ["district__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "name"],
                name="subdistrict_name_unique_in_district",
                violation_error_message=_("A subdistrict of this name already exists in this district."),
            ),
            models.CheckConstraint(condition=Q(area_km2__gt=0), name="subdistrict_area_positive"),
        ]

    def __str__(self):
        return self.name


class Community(models.Model):
    class Kind(models.TextChoices):
        URBAN = "urban", _("urban community")
        VILLAGE_CONVERTED = "village_converted", _("village-converted community")
        VILLAGE = "village", _("administrative village")

    subdistrict = models.ForeignKey(
        Subdistrict, models.PROTECT, related_name="communities", verbose_name=_("subdistrict")
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.URBAN)
    address = models.CharField(_("address"), max_length=200, blank=True)
    service_centre_area_m2 = models.PositiveIntegerField(_("service centre area (m²)"), null=True, blank=True)
    population = models.PositiveIntegerField(_("resident population"), null=True, blank=True)

    unit_parent = "subdistrict"
    scope_paths = community_scoped("")
    not_personal_data = ("name", "address")  # names no person
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["subdistrict__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["subdistrict", "name"],
                name="community_name_unique_in_subdistrict",
                violation_error_message=_("A community of this name already exists in this subdistrict."),
            ),
        ]

    def __str__(self):
        return self.name


class Grid(SortKeyed):
    community = models.ForeignKey(
        Community, models.PROTECT, related_name="grids", verbose_name=_("community")
    )
    name = models.CharField(_("name"), max_length=100)
    sort_key = models.CharField(_("natural order"), max_length=255, editable=False, default="")

    scope_paths = community_scoped("community")
    not_personal_data = ("name",)  # names no person
    # 第二网格 before 第十二网格 (registers.sorting).
    sort_keys = {"sort_key": ("name", natural_key)}
    objects = ScopedSortKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("grid")
        verbose_name_plural = _("grids")
        ordering = ["community__name", "sort_key", "name"]
        indexes = [models.Index(fields=["community", "sort_key", "name"], name="grid_natural_order")]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "name"],
                name="grid_name_unique_in_community",
                violation_error_message=_("A grid of this name already exists in this community."),
            ),
        ]

    def __str__(self):
        return f"{self.community} · {self.name}"


class Courtyard(SortKeyed):
    grid = models.ForeignKey(Grid, models.PROTECT, related_name="courtyards", verbose_name=_("grid"))
    name = models.CharField(_("name"), max_length=100)
    sort_key = models.CharField(_("natural order"), max_length=255, editable=False, default="")
    address = models.CharField(_("address"), max_length=200, blank=True)
    households = models.PositiveIntegerField(_("households"), null=True, blank=True)

    scope_paths = community_scoped("grid__community")
    not_personal_data = ("name", "address")  # names no person
    # 2号楼 before 12号楼 (registers.sorting).
    sort_keys = {"sort_key": ("name", natural_key)}
    objects = ScopedSortKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("courtyard")
        verbose_name_plural = _("courtyards")
        ordering = ["grid__sort_key", "sort_key", "name"]
        indexes = [models.Index(fields=["grid", "sort_key", "name"], name="courtyard_natural_order")]
        constraints = [
            models.UniqueConstraint(
                fields=["grid", "name"],
                name="courtyard_name_unique_in_grid",
                violation_error_message=_("A courtyard of this name already exists in this grid."),
            ),
        ]

    def __str__(self):
        return self.name


class PartyOrganization(models.Model):
    class Kind(models.TextChoices):
        WORK_COMMITTEE = "work_committee", _("Party work committee")
        PARTY_COMMITTEE = "party_committee", _("Party committee")
        GENERAL_BRANCH = "general_branch", _("Party general branch")
        BRANCH = "branch", _("Party branch")
        AREA_BRANCH = "area_branch", _("grid (area) Party branch")
        BUILDING_GROUP = "building_group", _("building Party group")
        ENTERPRISE_BRANCH = "enterprise_branch", _("non-public enterprise or social organisation branch")
        COMPREHENSIVE = "comprehensive", _("comprehensive Party organisation")

    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent organisation"),
    )
    # The unit it serves: always a subdistrict, and a community, grid or courtyard below it where it has one.
    subdistrict = models.ForeignKey(
        Subdistrict, models.PROTECT, related_name="party_organizations", verbose_name=_("subdistrict")
    )
    community = models.ForeignKey(
        Community,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="party_organizations",
        verbose_name=_("community"),
    )
    grid = models.ForeignKey(Grid, models.PROTECT, null=True, blank=True, verbose_name=_("grid"))
    courtyard = models.ForeignKey(
        Courtyard, models.PROTECT, null=True, blank=True, verbose_name=_("courtyard")
    )
    founded_on = models.DateField(_("founded on"), null=True, blank=True, validators=[validate_not_future])

    objects = ScopedQuerySet.as_manager()
    scope_paths = subdistrict_scoped("subdistrict", community="community")
    not_personal_data = ("name",)  # names no person

    class Meta:
        verbose_name = _("Party organisation")
        verbose_name_plural = _("Party organisations")
        ordering = ["subdistrict__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"],
                name="party_org_name_unique_in_parent",
                violation_error_message=_("An organisation of this name already exists under this parent."),
            ),
            models.UniqueConstraint(
                fields=["subdistrict", "name"],
                condition=Q(parent__isnull=True),
                name="party_org_root_name_unique_in_subdistrict",
                violation_error_message=_("A top-level organisation of this name already exists here."),
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("pk")),
                name="party_org_not_own_parent",
                violation_error_message=_("An organisation cannot be its own parent."),
            ),
        ]

    def __str__(self):
        return self.name

    def ancestors(self):
        """The chain of parents, nearest first (one query per level; trees here are 3 to 5 deep)."""
        node, seen = self.parent, []
        while node is not None and node not in seen:
            seen.append(node)
            node = node.parent
        return seen

    def clean(self):
        errors = {}
        if self.parent_id and self.pk:
            if self.parent_id == self.pk or any(a.pk == self.pk for a in self.parent.ancestors()):
                errors["parent"] = _("An organisation cannot be placed under itself or one of its own units.")
        if self.community_id and self.subdistrict_id and self.community.subdistrict_id != self.subdistrict_id:
            errors["community"] = _("This community is not in the chosen subdistrict.")
        if self.grid_id and self.grid.community_id != self.community_id:
            errors["grid"] = _("This grid is not in the chosen community.")
        if self.courtyard_id and self.courtyard.grid_id != self.grid_id:
            errors["courtyard"] = _("This courtyard is not in the chosen grid.")
        if errors:
            raise ValidationError(errors)


# Erasure on request: the person's own fields and the values they become. Community, Party membership
# and the links to teams, visits and roles stay, so every count stays the same.
class Person(SortKeyed):
    class Gender(models.TextChoices):
        FEMALE = "F", _("female")
        MALE = "M", _("male")

    class Education(models.TextChoices):
        """The levels of GB/T 4658 (学历代码), highest first."""

        POSTGRADUATE = "postgraduate", _("postgraduate")
        BACHELOR = "bachelor", _("bachelor's degree")
        JUNIOR_COLLEGE = "junior_college", _("junior college")
        SECONDARY_VOCATIONAL = "secondary_vocational", _("secondary specialised or technical school")
        TECHNICAL_SCHOOL = "technical_school", _("skilled workers school")
        SENIOR_HIGH = "senior_high", _("senior high school")
        JUNIOR_HIGH = "junior_high", _("junior high school")
        PRIMARY = "primary", _("primary school")
        ILLITERATE = "illiterate", _("illiterate or semi-literate")

    # How offices write the levels (and GB/T 4658's two-digit codes): read by the people sheet as the level.
    EDUCATION_SPELLINGS = {
        spelling: level
        for level, spellings in (
            (Education.POSTGRADUATE, ("研究生", "硕士", "博士", "硕士研究生", "博士研究生", "10")),
            (Education.BACHELOR, ("本科", "大学本科", "大本", "学士", "20")),
            (Education.JUNIOR_COLLEGE, ("大专", "专科", "大学专科", "高职", "30")),
            (Education.SECONDARY_VOCATIONAL, ("中专", "中技", "中专/中技", "中专中技", "40")),
            (Education.TECHNICAL_SCHOOL, ("技校", "技工学校", "50")),
            (Education.SENIOR_HIGH, ("高中", "职高", "普高", "高中或中专", "60")),
            (Education.JUNIOR_HIGH, ("初中", "70")),
            (Education.PRIMARY, ("小学", "小学及以下", "80")),
            (Education.ILLITERATE, ("文盲", "半文盲", "文盲或半文盲", "90")),
        )
        for spelling in spellings
    }

    # Junior college or above: the share the committee reports quote.
    COLLEGE_OR_ABOVE = (Education.JUNIOR_COLLEGE, Education.BACHELOR, Education.POSTGRADUATE)

    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    # The name's pinyin (丁桂珍 → ding gui zhen), for lists in pinyin order: as personal as the name, erased
    # with it, never shown.
    name_sort = models.CharField(_("name in pinyin order"), max_length=255, editable=False, default="")
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True, validators=[validate_not_future])
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    community = models.ForeignKey(
        Community, models.PROTECT, related_name="people", verbose_name=_("community")
    )
    is_party_member = models.BooleanField(_("Party member"), default=False)
    party_branch = models.ForeignKey(
        PartyOrganization,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("Party branch"),
    )
    education = models.CharField(_("education"), max_length=20, choices=Education.choices, blank=True)
    # The number the national volunteer platform (全国志愿服务信息系统) gave: certificates name a volunteer by
    # it, never by the ID-card number (民发〔2015〕149号).
    volunteer_number = models.CharField(
        _("national volunteer number"), max_length=30, blank=True, validators=[validate_volunteer_number]
    )

    scope_paths = community_scoped("community")
    personal_data = {
        "name": PersonalField(erase=ERASED),
        "name_sort": PersonalField(erase=""),
        "gender": PersonalField(erase=""),
        "birth_date": PersonalField(erase=None),
        "phone": PersonalField(MASKED, erase=""),
        "education": PersonalField(erase=""),
        "volunteer_number": PersonalField(erase=""),
    }
    choice_spellings = {"education": EDUCATION_SPELLINGS}
    sort_keys = {"name_sort": ("name", pinyin_key)}
    objects = ScopedSortKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name_sort", "name"]
        permissions = [("view_sensitive_personal_data", _("Can view sensitive personal data"))]
        indexes = [
            models.Index(fields=["phone"], name="person_phone_idx"),
            models.Index(fields=["community", "name_sort"], name="person_pinyin_order"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # In a transaction, always: keep_erased reads the stored row under a lock, which only holds inside
        # one; a save racing an erasure then waits and finds it erased.
        with transaction.atomic(using=kwargs.get("using"), savepoint=False):  # no savepoint: as save_base
            if not self._state.adding:
                Person.keep_erased([self], using=kwargs.get("using"))
            super().save(*args, **kwargs)

    @classmethod
    def keep_erased(cls, people, using=None) -> None:
        """An erased person stays erased: a save from an admin form opened before the erasure, or an import of
        a file exported before it, would write the old name and phone back; the erased fields keep 已删除
        instead (the other fields are saved). Every save of a person calls it (the admin's, an import's, the
        shell's), and so does a write of several at once (the people import's batches), which skips save().
        The rows are read under a lock, so a write racing the erasure waits for it.
        """
        pending = {
            person.pk: person
            for person in people
            if person.pk is not None and any(getattr(person, f) != v for f, v in PERSON_ERASURE.items())
        }
        if not pending:
            return
        # Every row is locked, not only those read as erased: a row the erasure holds is then waited for and
        # read again once it commits (a WHERE on the name would pass over it unlocked).
        stored = cls._default_manager.using(using).filter(pk__in=pending)
        if transaction.get_connection(using).in_atomic_block:
            stored = stored.select_for_update()
        for pk, name in stored.values_list("pk", "name"):
            if name == ERASED:
                for field, value in PERSON_ERASURE.items():
                    setattr(pending[pk], field, value)

    def clean(self):
        if self.party_branch_id and not self.is_party_member:
            raise ValidationError({"party_branch": _("Only a Party member belongs to a Party branch.")})

    # What a picker reads of a person (registers.admin): enough to tell two 丁桂珍 apart, nothing more than
    # a masked number already shows. The label reads the community: pickers load it with the person.
    choice_label_related = ("community",)

    def choice_label(self) -> str:
        """丁桂珍（金业路社区，1948年，尾号1234）."""
        details = [self.community.name]
        if self.birth_date:
            details.append(gettext("born %(year)s") % {"year": self.birth_date.year})
        digits = "".join(c for c in self.phone if c.isdigit())
        if len(digits) >= 4:
            details.append(gettext("phone ending %(digits)s") % {"digits": digits[-4:]})
        return gettext("%(name)s (%(details)s)") % {
            "name": self.name,
            "details": pgettext("list separator", ", ").join(details),
        }


# What erasure on request writes over a person's own fields (community, Party membership and links stay).
PERSON_ERASURE = erasure_values(Person)


class CommitteeMember(models.Model):
    """A member of a community's two committees (社区"两委") for one term."""

    class Role(models.TextChoices):
        SECRETARY = "secretary", _("secretary")
        DEPUTY_SECRETARY = "deputy_secretary", _("deputy secretary")
        PARTY_COMMITTEE_MEMBER = "party_committee_member", _("Party committee member")
        DIRECTOR = "director", _("director")
        DEPUTY_DIRECTOR = "deputy_director", _("deputy director")
        RESIDENTS_COMMITTEE_MEMBER = "residents_committee_member", _("residents' committee member")

    person = models.ForeignKey(
        Person, models.PROTECT, related_name="committee_roles", verbose_name=_("person")
    )
    community = models.ForeignKey(
        Community, models.PROTECT, related_name="committee_members", verbose_name=_("community")
    )
    term = models.PositiveSmallIntegerField(_("term (year elected)"))
    elected_on = models.DateField(_("elected on"))
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)

    scope_paths = community_scoped("community")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")
        ordering = ["community__name", "term", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "term", "person", "role"],
                name="committee_member_unique_role",
                violation_error_message=_("This person already holds this role in this term."),
            ),
            models.CheckConstraint(
                condition=Q(term__gte=1949) & Q(term__lte=2100), name="committee_term_year"
            ),
        ]

    def __str__(self):
        return f"{self.person} · {self.get_role_display()} ({self.term})"

    def clean(self):
        if self.person_id and self.community_id and self.person.community_id != self.community_id:
            raise ValidationError({"person": _("This person is not registered in this community.")})
        if self.elected_on and self.term and self.elected_on.year != self.term:
            raise ValidationError({"elected_on": _("The election date must fall in the term's year.")})


class PartnerOrganization(models.Model):
    """A unit stationed in or serving the area (共驻共建单位) or a social organisation."""

    class Kind(models.TextChoices):
        STATE_ENTERPRISE = "state_enterprise", _("state-owned enterprise")
        PUBLIC_INSTITUTION = "public_institution", _("public institution")
        SCHOOL = "school", _("school")
        NON_PUBLIC_ENTERPRISE = "non_public_enterprise", _("non-public enterprise")
        SOCIAL_ORGANIZATION = "social_organization", _("social organisation")
        SOCIAL_WORK_AGENCY = "social_work_agency", _("social-work agency")

    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    subdistrict = models.ForeignKey(
        Subdistrict, models.PROTECT, related_name="partner_organizations", verbose_name=_("subdistrict")
    )
    has_party_organization = models.BooleanField(_("has its own Party organisation"), default=False)
    communities = models.ManyToManyField(
        Community, through="Partnership", related_name="partners", verbose_name=_("communities")
    )

    scope_paths = subdistrict_scoped("subdistrict")
    not_personal_data = ("name",)  # names no person
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["subdistrict", "name"],
                name="partner_name_unique_in_subdistrict",
                violation_error_message=_("A partner organisation of this name already exists here."),
            ),
        ]

    def __str__(self):
        return self.name


class Partnership(models.Model):
    class Agreement(models.TextChoices):
        LETTER_OF_INTENT = "letter_of_intent", _("letter of intent for cooperation")
        SERVICE_AGREEMENT = "service_agreement", _("community service cooperation agreement")
        CO_BUILDING = "co_building", _("co-building agreement")

    partner = models.ForeignKey(
        PartnerOrganization,
        models.CASCADE,
        related_name="partnerships",
        verbose_name=_("partner organisation"),
    )
    community = models.ForeignKey(
        Community, models.CASCADE, related_name="partnerships", verbose_name=_("community")
    )
    agreement = models.CharField(_("agreement"), max_length=30, choices=Agreement.choices)
    signed_on = models.DateField(_("signed on"), validators=[validate_not_future])
    social_workers = models.PositiveSmallIntegerField(_("social workers placed"), default=0)
    in_service_centre = models.BooleanField(_("stationed in the service centre"), default=False)

    scope_paths = community_scoped("community")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "community"],
                name="partnership_unique",
                violation_error_message=_("This organisation already partners this community."),
            ),
        ]

    def __str__(self):
        return f"{self.partner} ↔ {self.community}"


class Honour(models.Model):
    title = models.CharField(_("title"), max_length=200)
    awarded_by = models.CharField(_("awarding body"), max_length=150)
    year = models.PositiveSmallIntegerField(_("year"))
    subdistrict = models.ForeignKey(
        Subdistrict, models.PROTECT, related_name="honours", verbose_name=_("subdistrict")
    )
    community = models.ForeignKey(
        Community, models.PROTECT, null=True, blank=True, related_name="honours", verbose_name=_("community")
    )
    party_organization = models.ForeignKey(
        PartyOrganization,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="honours",
        verbose_name=_("Party organisation"),
    )

    objects = ScopedQuerySet.as_manager()
    scope_paths = subdistrict_scoped("subdistrict", community="community")

    class Meta:
        verbose_name = _("honour")
        verbose_name_plural = _("honours")
        ordering = ["-year", "title"]
        constraints = [
            models.CheckConstraint(condition=Q(year__gte=1949) & Q(year__lte=2100), name="honour_year_sane"),
        ]

    def __str__(self):
        return f"{self.title} ({self.year})"

    def clean(self):
        if self.community_id and self.subdistrict_id and self.community.subdistrict_id != self.subdistrict_id:
            raise ValidationError({"community": _("This community is not in the chosen subdistrict.")})


class StaffProfile(models.Model):
    """The one unit a staff account works for: a city, a district, a subdistrict or a community."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="staff_profile", verbose_name=_("user")
    )
    city = models.ForeignKey(City, models.CASCADE, null=True, blank=True, verbose_name=_("city"))
    district = models.ForeignKey(District, models.CASCADE, null=True, blank=True, verbose_name=_("district"))
    subdistrict = models.ForeignKey(
        Subdistrict, models.CASCADE, null=True, blank=True, verbose_name=_("subdistrict")
    )
    community = models.ForeignKey(
        Community, models.CASCADE, null=True, blank=True, verbose_name=_("community")
    )

    class Meta:
        verbose_name = _("staff unit")
        verbose_name_plural = _("staff units")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        city__isnull=False,
                        district__isnull=True,
                        subdistrict__isnull=True,
                        community__isnull=True,
                    )
                    | Q(
                        city__isnull=True,
                        district__isnull=False,
                        subdistrict__isnull=True,
                        community__isnull=True,
                    )
                    | Q(
                        city__isnull=True,
                        district__isnull=True,
                        subdistrict__isnull=False,
                        community__isnull=True,
                    )
                    | Q(
                        city__isnull=True,
                        district__isnull=True,
                        subdistrict__isnull=True,
                        community__isnull=False,
                    )
                ),
                name="staff_profile_exactly_one_unit",
                violation_error_message=_(
                    "Choose exactly one unit: a city, a district, a subdistrict or a community."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.unit}"

    @property
    def unit(self):
        # The finest level set; one foreign key per level of the tree (registers.units), named as the level.
        return next(
            (unit for name in reversed(level_names()) if (unit := getattr(self, name, None)) is not None),
            None,
        )
