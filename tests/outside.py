"""Real local stand-ins for the services messages go to, started once per test session:

- ``sms_provider``: an HTTP server that answers as Tencent Cloud SMS documents (API 2021-01-11, SendSms),
  after checking the request the official SDK sent — its action, version, and its TC3-HMAC-SHA256 signature
  recomputed with the secret key. It records each request; ``plan`` makes the next answers fail.
- ``smtp_server``: aiosmtpd, a real SMTP server; ``messages`` holds what it received.

The worker (tests/jobs.py) is started with settings pointing at both (MESSAGES_DELIVERY=live).
"""

import hashlib
import hmac
import json
import socket
import threading
import uuid
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

SECRET_ID, SECRET_KEY = "AKIDtestsecretid000000000000000000", "test-secret-key-0000000000000000"
APP_ID, SIGN_NAME = "1400000001", "西关街道"
TEMPLATES = {
    "booking_received": "2000001",
    "booking_confirmed": "2000002",
    "booking_rejected": "2000003",
    "booking_cancelled": "2000004",
    "visit_reminder": "2000005",
}


def _sign(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def tc3_signature(headers, body: bytes) -> str:
    """The signature Tencent Cloud computes for a request (its documented TC3-HMAC-SHA256)."""
    timestamp = headers["X-TC-Timestamp"]
    credential = headers["Authorization"].split("Credential=")[1].split(",")[0]
    _secret_id, date, service, _end = credential.split("/")
    canonical = "\n".join(
        [
            "POST",
            "/",
            "",
            f"content-type:{headers['Content-Type']}\nhost:{headers['Host']}\n",
            "content-type;host",
            hashlib.sha256(body).hexdigest(),
        ]
    )
    scope = f"{date}/{service}/tc3_request"
    to_sign = "\n".join(["TC3-HMAC-SHA256", timestamp, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = _sign(_sign(_sign(("TC3" + SECRET_KEY).encode(), date), service), "tc3_request")
    return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()


class SmsProvider:
    def __init__(self):
        self.requests: list[dict] = []
        self.plan: list[str] = []  # the next answers: "ok", "5xx", "InternalError", "template"
        self.lock = threading.Lock()

    def sent(self, template=None) -> list[dict]:
        with self.lock:
            return [r for r in self.requests if template is None or r["TemplateId"] == template]

    def answer(self, headers, body: bytes) -> tuple[int, dict]:
        request_id = str(uuid.uuid4())
        signature = headers.get("Authorization", "").rsplit("Signature=", 1)[-1]
        if (
            headers.get("X-TC-Action") != "SendSms"
            or headers.get("X-TC-Version") != "2021-01-11"
            or not hmac.compare_digest(signature, tc3_signature(headers, body))
        ):
            error = {
                "Code": "AuthFailure.SignatureFailure",
                "Message": "The provided credentials are invalid.",
            }
            return 200, {"Response": {"Error": error, "RequestId": request_id}}
        payload = json.loads(body)
        with self.lock:
            step = self.plan.pop(0) if self.plan else "ok"
            if step == "5xx":
                return 502, {"error": "bad gateway"}
            if step == "InternalError":
                error = {"Code": "InternalError.Timeout", "Message": "timeout"}
                return 200, {"Response": {"Error": error, "RequestId": request_id}}
            self.requests.append(payload)
        [phone] = payload["PhoneNumberSet"]
        if step == "template":
            code, text = "FailedOperation.TemplateIncorrectOrUnapproved", "template is not approved"
        else:
            code, text = "Ok", "send success"
        status = {
            "SerialNo": f"5000:{uuid.uuid4().int % 10**20}",
            "PhoneNumber": phone,
            "Fee": 1,
            "SessionContext": payload.get("SessionContext", ""),
            "Code": code,
            "Message": text,
            "IsoCode": "CN",
        }
        return 200, {"Response": {"SendStatusSet": [status], "RequestId": request_id}}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def sms_provider():
    provider = SmsProvider()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            status, answer = provider.answer(self.headers, body)
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    provider.address = f"127.0.0.1:{server.server_address[1]}"
    yield provider
    server.shutdown()


class Inbox:
    """Accepts every address but those starting "refused", which it refuses as a real server refuses an
    unknown mailbox (550)."""

    def __init__(self):
        self.messages = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("refused"):
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@pytest.fixture(scope="session")
def smtp_server():
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    inbox.port = controller.port
    yield inbox
    controller.stop()


def worker_settings(provider: SmsProvider, inbox: Inbox) -> dict:
    """The environment of a worker that sends for real, to the stand-ins."""
    return {
        "MESSAGES_DELIVERY": "live",
        "SMS_SECRET_ID": SECRET_ID,
        "SMS_SECRET_KEY": SECRET_KEY,
        "SMS_APP_ID": APP_ID,
        "SMS_SIGN_NAME": SIGN_NAME,
        "SMS_ENDPOINT": provider.address,
        "SMS_PROTOCOL": "http",
        "SMS_TEMPLATES": ",".join(f"{kind}={template}" for kind, template in TEMPLATES.items()),
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(inbox.port),
        "MESSAGES_RETRY_BACKOFF": "1",
    }
