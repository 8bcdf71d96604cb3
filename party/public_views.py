"""The wish wall (微心愿) for everyone, without an account: the wishes waiting to be claimed, claiming one with
a proven phone, and the resident's confirmation and rating."""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from communities.models import Community
from messaging.forms import CodeForm, PhoneForm
from messaging.phone_codes import CodeRefused, codes_asked_too_often, codes_tried_too_often
from registers.personal_data import mask_name
from registers.phones import mask_phone

from . import wishes
from .models import Wish

PENDING = "party:wish_claim"


class RatingForm(CodeForm):
    rating = forms.TypedChoiceField(
        label=gettext_lazy("How well was your wish fulfilled?"),
        choices=[(n, "★" * n) for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
    )


def _too_many(request):
    return render(
        request,
        "party/public/wish_wall.html",
        {"wishes": [], "message": _("Too many codes asked for. Please try again in an hour.")},
        status=429,
    )


def wall(request):
    shown = list(
        # Waiting ones first ("published" sorts after "claimed"), the soonest deadline first.
        Wish.objects.on_the_wall().select_related("community").order_by("-status", "deadline", "pk")[:200]
    )
    for wish in shown:
        wish.masked_name = mask_name(wish.resident_name)
    return render(request, "party/public/wish_wall.html", {"wishes": shown, "message": ""})


@require_http_methods(["GET", "POST"])
def wish_detail(request, pk):
    wish = get_object_or_404(Wish.objects.on_the_wall().select_related("community"), pk=pk)
    wish.masked_name = mask_name(wish.resident_name)
    pending = request.session.get(PENDING)
    step = "code" if pending and pending.get("wish") == wish.pk else "phone"
    form = (CodeForm if step == "code" else PhoneForm)(request.POST or None)
    if request.method == "POST" and wish.status == Wish.Status.PUBLISHED and form.is_valid():
        if step == "phone":
            phone = form.cleaned_data["phone"]
            if codes_asked_too_often(request, phone):
                return _too_many(request)
            if wishes.claimant_for_phone(phone, wish) is not None:
                wishes.CODES.send(phone)
            request.session[PENDING] = {"wish": wish.pk, "phone": phone}
            return redirect("party:wish", pk=wish.pk)
        if codes_tried_too_often(request):
            return _too_many(request)
        try:
            wishes.CODES.check(pending["phone"], form.cleaned_data["code"])
        except CodeRefused as refusal:
            form.add_error("code", str(refusal))
        else:
            del request.session[PENDING]
            person = wishes.claimant_for_phone(pending["phone"], wish)
            try:
                if person is None:
                    raise wishes.WishError(
                        _(
                            "Wishes are claimed by Party members of this subdistrict or reporting to this community."
                        )
                    )
                wishes.claim(wish, person=person)
            except wishes.WishError as refusal:
                messages.error(request, str(refusal))
            else:
                messages.success(
                    request, _("Thank you: the wish is yours. The community will tell the resident.")
                )
            return redirect("party:wish", pk=wish.pk)
    return render(
        request,
        "party/public/wish_detail.html",
        {
            "wish": wish,
            "form": form,
            "step": step,
            "masked_phone": mask_phone(pending["phone"]) if step == "code" else "",
        },
    )


@require_http_methods(["GET", "POST"])
def wish_confirm(request, pk):
    """The resident confirms and rates their wish: the code goes to the phone the wish was entered with."""
    wish = get_object_or_404(Wish.objects.select_related("community"), pk=pk)
    form = RatingForm(request.POST or None) if request.method == "POST" and "code" in request.POST else None
    if request.method == "POST" and form is None:
        if codes_asked_too_often(request, wish.resident_phone):
            return _too_many(request)
        wishes.CODES.send(wish.resident_phone)
        form = RatingForm()
    elif form is not None and form.is_valid():
        if codes_tried_too_often(request):
            return _too_many(request)
        try:
            wishes.CODES.check(wish.resident_phone, form.cleaned_data["code"])
            wishes.confirm(wish, rating=form.cleaned_data["rating"])
        except (CodeRefused, wishes.WishError) as refusal:
            form.add_error("code", str(refusal))
        else:
            messages.success(request, _("Thank you for confirming. We are glad your wish came true."))
            return redirect("party:wishes")
    return render(
        request,
        "party/public/wish_confirm.html",
        {"wish": wish, "form": form, "phone_end": wish.resident_phone[-4:]},
    )


class WishForm(PhoneForm):
    """A resident's own wish from the public page; the phone is proven by a code before it is entered."""

    name = forms.CharField(label=gettext_lazy("Your name"), max_length=50)
    community = forms.ModelChoiceField(Community.objects.none(), label=gettext_lazy("Your community"))
    title = forms.CharField(label=gettext_lazy("Your wish"), max_length=100)
    story = forms.CharField(label=gettext_lazy("Why (optional)"), max_length=300, required=False)
    consent = forms.BooleanField(
        label=gettext_lazy(
            "I agree that my wish is shown on the wish wall with my name partly hidden, and that the community "
            "keeps my name and phone to tell me who claims it."
        ),
        error_messages={"required": gettext_lazy("Without your consent the wish cannot be published.")},
    )

    field_order = ["name", "phone", "community", "title", "story", "consent"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = Community.objects.order_by("subdistrict__name", "name")


NEW_WISH = "party:new_wish"


@require_http_methods(["GET", "POST"])
def new_wish(request):
    """A resident makes a wish: the form, then the code sent to their phone; staff set its value and deadline
    when they publish it (a wish from this page waits for them, unpublished)."""
    pending = request.session.get(NEW_WISH)
    if pending and request.method == "POST" and "code" in request.POST:
        form = CodeForm(request.POST)
        if form.is_valid():
            if codes_tried_too_often(request):
                return _too_many(request)
            try:
                wishes.CODES.check(pending["phone"], form.cleaned_data["code"])
            except CodeRefused as refusal:
                form.add_error("code", str(refusal))
            else:
                del request.session[NEW_WISH]
                wishes.submit(**pending)
                messages.success(
                    request, _("Thank you: the community will look at your wish and publish it.")
                )
                return redirect("party:wishes")
        return render(
            request,
            "party/public/wish_new.html",
            {"form": form, "step": "code", "masked_phone": mask_phone(pending["phone"])},
        )
    form = WishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if codes_asked_too_often(request, data["phone"]):
            return _too_many(request)
        wishes.CODES.send(data["phone"])
        request.session[NEW_WISH] = {
            "name": data["name"], "phone": data["phone"], "community_id": data["community"].pk,
            "title": data["title"], "story": data["story"],
        }  # fmt: skip
        return render(
            request,
            "party/public/wish_new.html",
            {"form": CodeForm(), "step": "code", "masked_phone": mask_phone(data["phone"])},
        )
    return render(request, "party/public/wish_new.html", {"form": form, "step": "wish", "masked_phone": ""})
