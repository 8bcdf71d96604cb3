"""The read-only data interface (``/api/v1/``): a unit's figures for a period, and the units under it.

For the systems upstream (a city's or a province's shared form, 一表通): they read the same figures the
reports show, with a token that names the unit it may read (api.models.ApiToken). A unit outside the
token's unit and one that does not exist give the same 404. The OpenAPI 3 document is ``/api/v1/openapi.json``.
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Query, Schema
from ninja.errors import HttpError, ValidationError
from ninja.security import HttpBearer

from registers.units import contains, level_of, subunits, unit_by_key, unit_key
from reports.dashboard import build
from reports.figures import FIGURES

from .models import ApiToken, digest

# The longest period one request may ask for (the figures of ten years are ten requests).
LONGEST_PERIOD = datetime.timedelta(days=3660)
EARLIEST, LATEST = datetime.date(1949, 10, 1), datetime.date(2100, 12, 31)
# last_used_at is written at most this often per token.
USE_RECORDED_EVERY = datetime.timedelta(minutes=5)


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        found = ApiToken.objects.usable().filter(digest=digest(token)).first()
        if found is None:
            return None
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at > USE_RECORDED_EVERY:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        return found


api = NinjaAPI(
    title="社区服务数据接口",
    version="1",
    description="Read-only figures per unit and period, as the reports show them.",
    auth=TokenAuth(),
    docs_url=None,  # (the interactive page loads scripts from a CDN: not on an office network)
    urls_namespace="api",
)


class Error(Schema):
    detail: str


class UnitOut(Schema):
    key: str
    name: str
    level: str


class UnitTree(Schema):
    unit: UnitOut
    subunits: list[UnitOut]


class FigureOut(Schema):
    key: str
    label: str
    value: float | str | None  # a count, a share, an average; a few figures are text (a committee's term)


class FiguresOut(Schema):
    unit: UnitOut
    start: datetime.date
    end: datetime.date
    figures: list[FigureOut]


class Period(Schema):
    unit: str | None = Field(None, max_length=40, description="A unit under the token's, e.g. subdistrict:3")
    start: datetime.date = Field(
        ge=EARLIEST,
        le=LATEST,
        description="First day, 1949-10-01 to 2100-12-31; at most ten years before end",
    )
    end: datetime.date = Field(ge=EARLIEST, le=LATEST, description="Last day, not before start")


def _unit_out(unit) -> UnitOut:
    return UnitOut(key=unit_key(unit), name=str(unit), level=level_of(unit))


def _token_unit(token):
    return unit_by_key(token.unit)


def _only(request, *names: str) -> None:
    """A parameter the endpoint does not know is refused: a misspelt ``strat`` must not quietly mean nothing."""
    unknown = sorted(set(request.GET) - set(names))
    if unknown:
        raise HttpError(422, _("Unknown parameters: %(names)s.") % {"names": ", ".join(unknown)})


def _unit_for(request, value: str | None):
    """The unit a request names (the token's own when none), if inside the token's unit; else 404."""
    own = _token_unit(request.auth)
    if own is None:
        raise HttpError(404, _("This token's unit no longer exists."))
    if not value:
        return own
    unit = unit_by_key(value)
    if unit is None or not contains(own, unit):
        raise HttpError(404, _("There is no such unit in this token's unit."))
    return unit


@api.get(
    "/units",
    response={200: UnitTree, 401: Error, 404: Error, 422: Error},
    summary="The token's unit and its sub-units",
)
def units(request, unit: str | None = Query(None, max_length=40)):
    _only(request, "unit")
    found = _unit_for(request, unit)
    return UnitTree(unit=_unit_out(found), subunits=[_unit_out(sub) for sub in subunits(found)])


@api.get(
    "/figures",
    response={200: FiguresOut, 400: Error, 401: Error, 404: Error, 422: Error},
    summary="A unit's figures for a period (the reports' totals)",
)
def figures(request, period: Query[Period]):
    _only(request, "unit", "start", "end")
    unit = _unit_for(request, period.unit)
    if period.start > period.end:
        raise HttpError(400, _("The period's start is after its end."))
    if period.end - period.start > LONGEST_PERIOD:
        raise HttpError(400, _("Ask for ten years at most in one request."))
    totals = build(unit, period.start, period.end).totals
    labels = {figure.key: str(figure.label) for figure in FIGURES}
    return FiguresOut(
        unit=_unit_out(unit),
        start=period.start,
        end=period.end,
        figures=[
            FigureOut(key=key, label=labels.get(key, key), value=_value(value))
            for key, value in totals.items()
        ],
    )


def _value(value):
    if value is None or isinstance(value, str):
        return value
    return float(value)


@api.exception_handler(ValidationError)
def invalid(request, error):
    problems = "; ".join(
        f"{'.'.join(str(part) for part in problem.get('loc', ())[1:])}: {problem.get('msg', '')}"
        for problem in error.errors
    )
    return api.create_response(request, {"detail": problems}, status=422)


@api.exception_handler(HttpError)
def http_error(request, error):
    return api.create_response(request, {"detail": str(error)}, status=error.status_code)
