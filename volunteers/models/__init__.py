"""The volunteers app's models: teams, care recipients and home visits (visits.py); each volunteer's record
of service, training, commendations and evaluations (records.py); certificates (certificates.py); recruiting volunteers for activities, their sign-ups
and check-ins (recruiting.py)."""

from .certificates import Certificate, CertificateRequest, CertificateSerial, IssuingOffice
from .records import (
    MAX_MINUTES,
    STAR_HOURS,
    Commendation,
    Evaluation,
    ServiceRecord,
    Training,
    star_level,
)
from .recruiting import MAX_CHECK_INS_PER_DAY, CheckIn, Recruitment, SignUp
from .visits import (
    MAX_MONTHS,
    CareCategory,
    CareRecipient,
    CodedChoice,
    DaysBefore,
    DaysBetween,
    HomeVisit,
    Membership,
    Service,
    VolunteerTeam,
    add_months,
)

__all__ = [
    "MAX_CHECK_INS_PER_DAY",
    "CertificateRequest",
    "CheckIn",
    "Recruitment",
    "SignUp",
    "MAX_MINUTES",
    "MAX_MONTHS",
    "STAR_HOURS",
    "CareCategory",
    "CareRecipient",
    "Certificate",
    "CertificateSerial",
    "CodedChoice",
    "Commendation",
    "DaysBefore",
    "DaysBetween",
    "Evaluation",
    "HomeVisit",
    "IssuingOffice",
    "Membership",
    "Service",
    "ServiceRecord",
    "Training",
    "VolunteerTeam",
    "add_months",
    "star_level",
]
