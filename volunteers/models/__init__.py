"""The volunteers app's models: teams, care recipients and home visits (visits.py); each volunteer's record
of service, training, commendations and evaluations (records.py); certificates (certificates.py)."""

from .certificates import Certificate, CertificateSerial, IssuingOffice, mask_name
from .records import (
    MAX_MINUTES,
    STAR_HOURS,
    Commendation,
    Evaluation,
    ServiceRecord,
    Training,
    star_level,
)
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
    "mask_name",
    "star_level",
]
