"""Where messages go, chosen by settings.MESSAGES_DELIVERY:

- "outbox" (the default, `make demo`): nowhere — each message stays in the admin's message list ("消息"), marked
  sent to the outbox, so the whole flow can be seen without a provider account;
- "live": SMS through Tencent Cloud SMS with its official SDK (tencentcloud-sdk-python-sms: it signs each
  request, TC3-HMAC-SHA256), email through Django's email backend (EMAIL_* settings).

A channel's ``send(message)`` returns the provider's id, raises ``TemporaryFailure`` for what a later try may
fix (the provider or mail server unreachable, its 5xx, its rate limit) and ``PermanentFailure`` for what it
will not (a template not approved, a number the provider refuses).
"""

import smtplib

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.message import make_msgid

OUTBOX = "outbox"


class TemporaryFailure(Exception):
    pass


class PermanentFailure(Exception):
    pass


class Outbox:
    def send(self, message) -> str:
        return OUTBOX


class TencentSms:
    """Tencent Cloud SMS (API 2021-01-11, SendSms): one number per request, the template's parameters in order."""

    # Errors a later try may fix; every other error code is final.
    TEMPORARY = (
        "InternalError",
        "RequestLimitExceeded",
        "LimitExceeded",
        "ClientNetworkError",
        "ServerNetworkError",
    )

    def __init__(self):
        from tencentcloud.common import credential
        from tencentcloud.common.profile.client_profile import ClientProfile
        from tencentcloud.common.profile.http_profile import HttpProfile
        from tencentcloud.sms.v20210111 import sms_client

        http = HttpProfile(
            protocol=settings.SMS_PROTOCOL, endpoint=settings.SMS_ENDPOINT, reqTimeout=settings.SMS_TIMEOUT
        )
        self.client = sms_client.SmsClient(
            credential.Credential(settings.SMS_SECRET_ID, settings.SMS_SECRET_KEY),
            settings.SMS_REGION,
            ClientProfile(httpProfile=http),
        )

    def send(self, message) -> str:
        from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
        from tencentcloud.sms.v20210111 import models

        from .catalogue import KINDS

        template = settings.SMS_TEMPLATES.get(message.kind)
        if not template:
            raise PermanentFailure(f"no SMS template id for “{message.kind}” (SMS_TEMPLATES)")
        request = models.SendSmsRequest()
        request.SmsSdkAppId = settings.SMS_APP_ID
        request.SignName = settings.SMS_SIGN_NAME
        request.TemplateId = template
        request.TemplateParamSet = [str(message.params.get(name, "")) for name in KINDS[message.kind].params]
        request.PhoneNumberSet = [f"+86{message.recipient}"]
        request.SessionContext = message.key
        try:
            response = self.client.SendSms(request)
        except TencentCloudSDKException as error:
            code = error.get_code() or ""
            failure = TemporaryFailure if code.startswith(self.TEMPORARY) else PermanentFailure
            raise failure(f"{code}: {error.get_message()}"[:300]) from None
        except OSError as error:  # the connection itself
            raise TemporaryFailure(str(error)[:300]) from None
        [status] = response.SendStatusSet
        if status.Code != "Ok":
            failure = TemporaryFailure if status.Code.startswith(self.TEMPORARY) else PermanentFailure
            raise failure(f"{status.Code}: {status.Message}"[:300])
        return status.SerialNo


class Email:
    def send(self, message) -> str:
        from .catalogue import subject

        message_id = make_msgid(domain=settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or None)
        email = EmailMessage(
            subject(message.kind), message.text, to=[message.recipient], headers={"Message-ID": message_id}
        )
        try:
            email.send()
        except smtplib.SMTPRecipientsRefused as error:  # the address itself: trying again will not help
            raise PermanentFailure(str(error)[:300]) from None
        except OSError as error:  # refused for now, unreachable (smtplib's errors are OSErrors)
            raise TemporaryFailure(str(error)[:300]) from None
        return message_id


def channel_for(message):
    if settings.MESSAGES_DELIVERY != "live":
        return Outbox()
    return TencentSms() if message.channel == "sms" else Email()
