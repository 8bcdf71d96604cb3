"""The messages in the admin ("消息"): what was sent to whom (the number masked without the permission), when,
and how it went — in the demo, the outbox where every message that would have been sent can be read."""

from django.contrib import admin

from registers.admin import PersonalDataAdminMixin, ReadOnlyAdminMixin, ScopedAdminMixin

from .models import Message


@admin.register(Message)
class MessageAdmin(ReadOnlyAdminMixin, PersonalDataAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "kind_label", "channel", "recipient", "status", "sent_at", "error"]
    list_filter = ["status", "channel", "kind"]
    search_fields = ["about"]
    fields = [
        "kind_label", "channel", "recipient", "text", "status", "attempts", "error", "provider_id",
        "created_at", "send_after", "sent_at", "community", "about",
    ]  # fmt: skip
    readonly_fields = fields

    @admin.display(description=Message._meta.get_field("kind").verbose_name)
    def kind_label(self, message):
        return message.title
