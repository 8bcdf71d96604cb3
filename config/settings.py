"""All settings, read from the environment (django-environ). See docs/deploy.md for production values."""

import hashlib
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

if DEBUG:
    SECRET_KEY = env.str(
        "SECRET_KEY", default="development-only-key-never-use-in-production-0123456789abcdef"
    )
else:
    SECRET_KEY = env.str("SECRET_KEY", default="")
    if not SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "import_export",
    "registers",
    "communities",
    "volunteers",
    "activities",
    "venues",
    "messaging",
    "party",
    "reports",
    "api",
    # Security and personal data (audit app, docs/privacy.md): login throttling, two-factor sign-in,
    # change history of every register, access log, retention.
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "auditlog",
    "audit",
]

MIDDLEWARE = [
    "audit.middleware.RealClientAddressMiddleware",  # the visitor's address behind the proxy
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.middleware.SessionMiddleware",  # Django's, which a job's progress page may skip
    "config.middleware.CookieLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "audit.middleware.SessionLimitsMiddleware",
    "audit.middleware.TwoFactorMiddleware",
    "audit.middleware.PasswordAgeMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# Database: SQLite file in the project unless DATABASE_URL says otherwise.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers queue on SQLite's lock instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# The cache holds the rate-limit counters and cached pages of the public pages, shared by every worker process:
# the default, a file cache in this checkout's var/, works on one machine; production uses Redis,
# CACHE_URL=rediscache://127.0.0.1:6379/1 (Django's own RedisCache; docs/deploy.md, "Cache").
# Every key is prefixed with this instance's own prefix — by default one derived from its database — so that
# two instances sharing a cache (one Redis, or one machine) never read each other's entries.
# (django-environ lower-cases a ?KEY_PREFIX= on CACHE_URL into an ignored option: hence a variable of its own.)
CACHE_KEY_PREFIX = (
    env.str("CACHE_KEY_PREFIX", default="")
    or "db-"
    + hashlib.sha256(
        "|".join(
            str(DATABASES["default"].get(key, "")) for key in ("ENGINE", "NAME", "HOST", "PORT")
        ).encode()
    ).hexdigest()[:12]
)
CACHES = {
    "default": env.cache("CACHE_URL", default=f"filecache://{BASE_DIR / 'var' / 'cache'}"),
    # Background jobs' progress, written by the workers and read by the web servers (registers.jobs).
    "jobs": env.cache("JOBS_CACHE_URL", default=f"filecache://{BASE_DIR / 'var' / 'job-progress'}"),
}
for _cache in CACHES.values():
    _cache["KEY_PREFIX"] = CACHE_KEY_PREFIX

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Staff passwords (等保 2.0 身份鉴别 a; audit.passwords): at least 10 characters of three classes, not like the
# account's names, not a common password.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "audit.passwords.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "audit.passwords.NotContainingUsernameValidator"},
]
# Days after which a staff password must be changed before anything else (0: never; 180 in the 等保 profile
# of docs/deploy.md).
PASSWORD_MAX_AGE_DAYS = env.int("PASSWORD_MAX_AGE_DAYS", default=0)
# A password-reset link works this long.
PASSWORD_RESET_TIMEOUT = 2 * 3600

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

LOGIN_URL = "admin:login"

# Uploads: imports are spreadsheets of at most this size, checked before anything parses them
# (registers/sheets/limits.py): an XLSX is a zip, so its unpacked size and compression ratio are checked
# from its directory first (a 2 MB file can unpack to gigabytes), then the rows it declares.
IMPORT_MAX_UPLOAD_BYTES = env.int("IMPORT_MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)
IMPORT_MAX_UNPACKED_BYTES = env.int("IMPORT_MAX_UNPACKED_BYTES", default=200 * 1024 * 1024)
IMPORT_MAX_COMPRESSION_RATIO = env.int("IMPORT_MAX_COMPRESSION_RATIO", default=100)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=200_000)
# A sheet above either threshold is imported as a background job (registers.jobs) with a progress page.
IMPORT_JOB_THRESHOLD_BYTES = env.int("IMPORT_JOB_THRESHOLD_BYTES", default=1024 * 1024)
IMPORT_JOB_THRESHOLD_ROWS = env.int("IMPORT_JOB_THRESHOLD_ROWS", default=2000)
# A running job whose progress has been silent this long lost its worker: its page marks it failed.
IMPORT_JOB_STALE_SECONDS = env.int("IMPORT_JOB_STALE_SECONDS", default=600)
# An export of more rows than this is written by a worker (registers.exports); smaller ones are streamed.
EXPORT_JOB_THRESHOLD_ROWS = env.int("EXPORT_JOB_THRESHOLD_ROWS", default=2000)
# How long an exported file's download link works (only for the account that asked); then it is deleted.
EXPORT_DOWNLOAD_SECONDS = env.int("EXPORT_DOWNLOAD_SECONDS", default=24 * 3600)
# Background jobs' files: uploaded sheets (until imported) and exported files (until their links expire).
MEDIA_ROOT = env.str("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media"))
DATA_UPLOAD_MAX_MEMORY_SIZE = IMPORT_MAX_UPLOAD_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# django-import-export: imports need "change", exports "view"; every import is one transaction.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_EXPORT_IMPORT_FORMATS = [
    "import_export.formats.base_formats.CSV",
    "import_export.formats.base_formats.XLSX",
]
IMPORT_EXPORT_EXPORT_FORMATS = [
    "import_export.formats.base_formats.XLSX",
    "import_export.formats.base_formats.CSV",
]

# Security. Behind a TLS-terminating reverse proxy (docs/deploy.md).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
# Cookies go over HTTPS only. The app is reached through the TLS proxy, which says so with X-Forwarded-Proto
# (docs/deploy.md, "nginx"): an intranet deployment too. SECURE_COOKIES=false exists for a test installation
# on plain http only, and `check --deploy` warns about it.
SECURE_COOKIES = env.bool("SECURE_COOKIES", default=not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = SECURE_COOKIES
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Never write personal data to logs: only warnings and errors, without request bodies.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

# --- Security and personal data (owned by the audit app; see docs/privacy.md) -----------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses sign-in while an account or address is locked out
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling: failures counted per username and, separately, per address; tiered cool-offs
# (audit.throttling.cool_off), never a permanent lockout. Failures during a lockout do not extend it.
AXES_FAILURE_LIMIT = 5
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "audit.throttling.TieredLockoutHandler"  # a lock lasts until its expiry, whoever signs in
AXES_COOLOFF_TIME = "audit.throttling.cool_off"
AXES_USE_ATTEMPT_EXPIRATION = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = False  # else one valid account would wipe its address's failures against others
AXES_LOCKOUT_CALLABLE = "audit.throttling.lockout_response"
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]  # set from X-Forwarded-For by RealClientAddressMiddleware
# Addresses of the reverse proxies whose X-Forwarded-For header gives the visitor's address.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=["127.0.0.1", "::1"])
AXES_VERBOSE = False
# Staff sessions: 30 minutes idle, one working day at most (audit.middleware.SessionLimitsMiddleware).
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_IDLE_SECONDS = 30 * 60
SESSION_ABSOLUTE_SECONDS = env.int("SESSION_ABSOLUTE_SECONDS", default=10 * 60 * 60)
# Two-factor sign-in (django-otp, audit.two_factor): required for accounts that may see sensitive data.
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Community services")
# Content Security Policy (django-csp 4): no inline script or style anywhere, the admin included.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Change history of every register (django-auditlog; models registered in audit.apps).
AUDITLOG_DISABLE_REMOTE_ADDR = True  # the history says who, not from where: no visitors' addresses kept
# Personal data of bookings and visits is anonymised after this many days (manage.py purge_personal_data).
PERSONAL_DATA_RETENTION_DAYS = env.int("PERSONAL_DATA_RETENTION_DAYS", default=365)
# Security events and the access log are kept this long (days; never less than 180: 网络安全法 §21(3)), then
# purged nightly. The registers' change history is kept.
AUDIT_LOG_RETENTION_DAYS = env.int("AUDIT_LOG_RETENTION_DAYS", default=180)
if AUDIT_LOG_RETENTION_DAYS < 180:
    raise ImproperlyConfigured("AUDIT_LOG_RETENTION_DAYS must be at least 180 (网络安全法 §21: six months).")
# --- end of security and personal data ---------------------------------------------------------------

# --- Messages to residents and staff (messaging/; docs/deploy.md, "Messages") ---------------------------------
# "outbox" (default): nothing leaves the machine, the admin's message list shows what would have been sent.
# "live": SMS through Tencent Cloud SMS (SMS_* below), email through Django's EMAIL_* settings.
MESSAGES_DELIVERY = env.str("MESSAGES_DELIVERY", default="outbox")
# No message that can wait is sent between these hours (local time): it is held until the morning.
MESSAGES_QUIET_HOURS = (21, 8)
# Finding one's bookings by phone (/bookings/find/): the SMS code's life and tries, then how long the list
# stays open in that browser.
FIND_CODE_SECONDS = 600
FIND_CODE_TRIES = 5
FIND_SESSION_SECONDS = 30 * 60
# How long places freed in a full slot are held for the first on its waitlist (never past the venue's notice).
WAITLIST_OFFER_SECONDS = env.int("WAITLIST_OFFER_SECONDS", default=2 * 3600)
# Check-in at the door (venues.checkin): a confirmed booking nobody checked in this long after its slot
# started becomes a no-show; a phone with NO_SHOW_LIMIT no-shows in NO_SHOW_DAYS has its next bookings
# approved by staff.
NO_SHOW_AFTER_MINUTES = env.int("NO_SHOW_AFTER_MINUTES", default=60)
NO_SHOW_LIMIT = env.int("NO_SHOW_LIMIT", default=3)
NO_SHOW_DAYS = env.int("NO_SHOW_DAYS", default=90)
# The address the staff's messages and the certificates' QR codes link to (this deployment's own).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# The Chinese font of the volunteer service certificates (a .ttc collection or a .ttf/.otf file): Debian's
# fonts-noto-cjk by default. A missing file is reported by `manage.py check`.
CERTIFICATE_FONT = env.str(
    "CERTIFICATE_FONT", default="/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"
)
CERTIFICATE_FONT_BOLD = env.str(
    "CERTIFICATE_FONT_BOLD", default="/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc"
)
# Photos and documents attached to records as evidence (registers.attachments): at most this size each.
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
# The seal image an issuing office uploads: at most this size (checked and re-encoded as PNG with Pillow).
SEAL_MAX_BYTES = env.int("SEAL_MAX_BYTES", default=2 * 1024 * 1024)
# A booking waiting this long for approval is flagged on the admin's home page and in the staff's digest.
BOOKING_APPROVAL_WARN_HOURS = env.int("BOOKING_APPROVAL_WARN_HOURS", default=24)
# At most this many messages a day to one phone number or address, whatever asks for them.
MESSAGES_DAILY_LIMIT = env.int("MESSAGES_DAILY_LIMIT", default=20)
MESSAGES_MAX_ATTEMPTS = env.int("MESSAGES_MAX_ATTEMPTS", default=5)
MESSAGES_RETRY_BACKOFF = env.int("MESSAGES_RETRY_BACKOFF", default=30)  # seconds before the 2nd try, doubling
SMS_SECRET_ID = env.str("SMS_SECRET_ID", default="")
SMS_SECRET_KEY = env.str("SMS_SECRET_KEY", default="")
SMS_APP_ID = env.str("SMS_APP_ID", default="")  # the SmsSdkAppId
SMS_SIGN_NAME = env.str("SMS_SIGN_NAME", default="")  # the approved signature, e.g. 西关街道
SMS_REGION = env.str("SMS_REGION", default="ap-guangzhou")
SMS_ENDPOINT = env.str("SMS_ENDPOINT", default="sms.tencentcloudapi.com")
SMS_PROTOCOL = env.str("SMS_PROTOCOL", default="https")
SMS_TIMEOUT = env.int("SMS_TIMEOUT", default=10)
# Each message kind's approved template id: SMS_TEMPLATES=booking_confirmed=1234567,booking_rejected=1234568
SMS_TEMPLATES = env.dict("SMS_TEMPLATES", default={})
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="noreply@localhost")

# --- Background work (Celery; docs/deploy.md) ------------------------------------------------------------
# Production: a broker shared by the web servers and the workers, CELERY_BROKER_URL=redis://127.0.0.1:6379/2
# or amqp://user:password@host:5672//. Without one (the embedded default, `make demo`), messages are files
# in var/celery/ that the worker `make demo` starts beside the web server reads: one machine, nothing to run.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT = "config.filesystem_broker:Transport"  # messages written whole (see there)
    _queue_folder = Path(env.str("CELERY_FILESYSTEM_FOLDER", default=str(BASE_DIR / "var" / "celery")))
    _queue_folder.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_folder),
        "data_folder_out": str(_queue_folder),
        "control_folder": str(_queue_folder / "control"),
        "polling_interval": 0.5,  # seconds between looks at the folder
    }
else:
    # A job a worker took but did not finish (killed, machine lost) goes back to the queue after this long.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
    }
# What a job did is kept in the database by the job itself, not in a result backend.
CELERY_TASK_IGNORE_RESULT = True
# A job is acknowledged once it has finished: a worker killed half-way leaves it to be run again, and each
# job runs in one transaction, so nothing of a half-done run remains.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Named queues, so that an office can give imports (or messages) workers of their own.
CELERY_TASK_DEFAULT_QUEUE = "default"
JOB_QUEUES = ["default", "imports", "exports", "messages"]
CELERY_TASK_QUEUES = [Queue(name) for name in JOB_QUEUES]  # a worker started without -Q serves them all
CELERY_TASK_ROUTES = {
    "*.import_*": {"queue": "imports"},
    "*.export_*": {"queue": "exports"},
    "*.send_*": {"queue": "messages"},
}
CELERY_TIMEZONE = TIME_ZONE
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Periodic work (celery beat): changed here and deployed, like the rest of the settings.
CELERY_BEAT_SCHEDULE = {
    "purge-expired-personal-data": {
        "task": "audit.purge_personal_data",
        "schedule": crontab(hour=3, minute=15),
    },
    # The evening before a visit, its reminder (residents who declined it get none).
    "visit-reminders": {
        "task": "venues.queue_visit_reminders",
        "schedule": crontab(hour=18, minute=0),
    },
    # Each morning, to the staff who approve bookings: how many wait for them.
    "booking-digests": {
        "task": "venues.queue_booking_digests",
        "schedule": crontab(hour=8, minute=30),
    },
    # On the first of each month, each team leader: how many of the team's care recipients are due a visit.
    "due-visit-lists": {
        "task": "volunteers.queue_due_lists",
        "schedule": crontab(day_of_month=1, hour=8, minute=0),
    },
    # The evening before an activity, each volunteer with a place there.
    "volunteer-reminders": {
        "task": "volunteers.queue_sign_up_reminders",
        "schedule": crontab(hour=18, minute=10),
    },
    # Waitlist offers not taken up in time pass to the next in line.
    "expire-waitlist-offers": {
        "task": "venues.expire_waitlist_offers",
        "schedule": crontab(minute="*/5"),
    },
    # Every hour: a booking waiting longer than BOOKING_APPROVAL_WARN_HOURS, to those who may approve it.
    "overdue-approval-warnings": {
        "task": "venues.queue_overdue_warnings",
        "schedule": crontab(minute=20),
    },
    "mark-no-shows": {
        "task": "venues.mark_no_shows",
        "schedule": crontab(minute="*/15"),
    },
    "send-held-messages": {
        "task": "messaging.send_held",
        "schedule": crontab(minute="*/5"),
    },
    "purge-old-audit-entries": {
        "task": "audit.purge_old_audit_entries",
        "schedule": crontab(hour=3, minute=45),
    },
    "purge-expired-exports": {
        "task": "registers.purge_expired_exports",
        "schedule": crontab(minute=5),
    },
    # The reports' summary tables: what changed since the last minute (a dashboard also refreshes its own).
    "refresh-summaries": {
        "task": "reports.refresh_summaries",
        "schedule": crontab(minute="*"),
    },
}
