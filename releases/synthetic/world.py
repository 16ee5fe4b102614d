"""The world the synthetic data describes: who releases and negotiates, who sanctions, and the
roles, charges, circumstances and measures a record may have."""

from prisoners.models import PrisonerStatus
from releases.models import (
    ConcessionKind,
    LinkBasis,
    ReleaseCircumstances,
)

# Detaining and releasing countries: weight, naming culture of their people, and the second
# nationalities most common among the dual nationals and foreigners they hold.
RELEASERS = {
    "BY": (30, "belarusian", ["LT", "PL", "US", "DE", "UA", "GB"]),
    "RU": (20, "russian", ["US", "IL", "DE", "UA", "FR"]),
    "IR": (10, "persian", ["GB", "FR", "US", "SE", "DE", "AT"]),
    "VE": (8, "spanish", ["US", "ES", "CO", "CL"]),
    "CN": (6, "chinese", ["CA", "AU", "SE", "US"]),
    "AZ": (5, "azerbaijani", ["TR", "DE", "GE"]),
    "NI": (5, "spanish", ["US", "CR", "ES"]),
    "CU": (5, "spanish", ["US", "ES"]),
    "EG": (5, "arabic", ["US", "GB", "DE", "IE"]),
    "SA": (3, "arabic", ["US", "GB", "CA"]),
    "BH": (3, "arabic", ["GB", "DK"]),
}
# Typical size of each country's political-prisoner count at the start of the counts.
COUNT_BASE = {"BY": 1200, "RU": 700, "IR": 900, "VE": 300, "CN": 2000, "AZ": 250}
COUNTERPARTS = ["US", "LT", "PL", "DE", "VA", "TR", "QA", "AE", "OM", "FR", "GB", "NO"]
SANCTIONING = ["US", "GB", "LT", "PL", "DE", "FR", "CA"]
DUAL_NATIONAL_SHARE = 0.04
FOREIGNER_SHARE = 0.01


ROLES = [
    "Journalist",
    "Human rights defender",
    "Opposition politician",
    "Blogger",
    "Lawyer",
    "Trade unionist",
    "Student activist",
    "Musician",
    "Election observer",
    "Religious leader",
    "Academic",
    "Protester",
]
CHARGES = [
    "Organising mass riots",
    "Participation in actions grossly violating public order",
    "Inciting social hatred",
    "Creating or participating in an extremist group",
    "Insulting the head of state",
    "Treason",
    "Espionage",
    "Spreading false information",
    "Calling for sanctions",
    "Tax evasion",
]
REGIMES = ["general regime", "strict regime", "open-type colony", "high-security prison"]
CIRCUMSTANCES = [
    (ReleaseCircumstances.PARDONED, 40),
    (ReleaseCircumstances.DEPORTED, 15),
    (ReleaseCircumstances.EXCHANGED, 5),
    (ReleaseCircumstances.SENTENCE_SERVED, 15),
    (ReleaseCircumstances.CHARGES_DROPPED, 5),
    (ReleaseCircumstances.OTHER, 5),
    (ReleaseCircumstances.UNKNOWN, 15),
]
PRISONER_STATUSES = [
    (PrisonerStatus.DETAINED, 80),
    (PrisonerStatus.UNKNOWN, 15),
    (PrisonerStatus.DECEASED, 5),
]
CONCESSION_KINDS = [
    (ConcessionKind.EASED, 35),
    (ConcessionKind.LICENCE, 25),
    (ConcessionKind.DELISTING, 20),
    (ConcessionKind.LIFTED, 10),
    (ConcessionKind.OTHER, 10),
]
LINK_BASES = [
    (LinkBasis.OFFICIAL, 15),
    (LinkBasis.ANNOUNCED_TOGETHER, 35),
    (LinkBasis.REPORTED, 40),
    (LinkBasis.INFERRED, 10),
]
CONCESSION_TARGETS = [
    "{country}: potash sector",
    "{country}: national airline",
    "{country}: state oil company",
    "{country}: state-owned banks",
    "{country}: fertiliser exports",
    "{country}: timber exports",
    "{country}: steel exports",
    "{country}: petrochemicals",
    "{country}: senior officials (travel bans)",
    "{country}: central bank reserves",
    "{country}: aircraft parts",
]
AUTHORITIES = {"US": "US Treasury, OFAC", "GB": "UK Treasury, OFSI", "CA": "Global Affairs Canada"}
PUBLISHERS = [
    "Regional Human Rights Monitor",
    "Independent Press Agency",
    "Foreign Affairs Weekly",
    "Sanctions Observer",
    "Evening Courier",
]
