"""Synthetic public data at scale: for the benchmark (`make bench`) and for trying the site out.

The data is plausible, not real: people with Belarusian, Russian, Persian, Chinese, Arabic,
Azerbaijani and Spanish names (Latin spelling, original script, other transliterations), dual
nationals and foreigners, release events of 1 to 500 documented people, sanctions concessions,
monthly political-prisoner counts, and sources on example.org. Every record is public.

A seed gives the same records on every run and database (only the created/updated timestamps,
which record when the rows were written, differ). Rows are written with `bulk_create`, so
`save()` and signals do not run: the command sets what they would set (slugs, search keys), and
no audit history is written. It ends with ANALYZE, so that the query planner knows the data
(SQLite has no autovacuum to do it).
"""

import datetime
import functools
import random
import time
from collections import defaultdict

from anyascii import anyascii
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils.text import slugify

from prisoners.models import Prisoner, PrisonerCount, PrisonerStatus, sort_key
from prisoners.search import search_key
from releases.models import (
    ConcessionFigure,
    ConcessionKind,
    ConcessionLink,
    LinkBasis,
    Participant,
    ParticipantRole,
    Release,
    ReleaseCircumstances,
    ReleaseEvent,
    ReportedNationality,
    RouteLeg,
    SanctionsConcession,
)
from tracker.dates import DatePrecision
from tracker.figures import invalidate
from tracker.models import Country, Source, Visibility

# Fixed, so that a seed gives the same data whatever the day; all of it in the past.
FIRST_DAY = datetime.date(1995, 1, 1)
LAST_DAY = datetime.date(2025, 12, 31)
COUNTS_FROM = datetime.date(2015, 1, 1)
BATCH_SIZE = 2000
MAX_DOCUMENTED = 500
SYNTHETIC_NOTE = "Synthetic record (generate_synthetic_data --seed {seed})."

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

# --- Names -------------------------------------------------------------------------------------

# (Belarusian, Russian) forms of first names.
BELARUSIAN_MEN = [
    ("Аляксандр", "Александр"),
    ("Сяргей", "Сергей"),
    ("Уладзімір", "Владимир"),
    ("Андрэй", "Андрей"),
    ("Дзмітрый", "Дмитрий"),
    ("Мікалай", "Николай"),
    ("Павел", "Павел"),
    ("Віктар", "Виктор"),
    ("Алесь", "Алесь"),
    ("Ігар", "Игорь"),
    ("Юрый", "Юрий"),
    ("Максім", "Максим"),
    ("Міхаіл", "Михаил"),
    ("Раман", "Роман"),
    ("Яўген", "Евгений"),
    ("Антон", "Антон"),
    ("Васіль", "Василий"),
    ("Ілья", "Илья"),
    ("Кірыл", "Кирилл"),
    ("Пётр", "Пётр"),
    ("Вадзім", "Вадим"),
    ("Дзяніс", "Денис"),
    ("Станіслаў", "Станислав"),
    ("Генадзь", "Геннадий"),
]
BELARUSIAN_WOMEN = [
    ("Марыя", "Мария"),
    ("Вольга", "Ольга"),
    ("Ганна", "Анна"),
    ("Алена", "Елена"),
    ("Наталля", "Наталья"),
    ("Тацяна", "Татьяна"),
    ("Святлана", "Светлана"),
    ("Ірына", "Ирина"),
    ("Кацярына", "Екатерина"),
    ("Юлія", "Юлия"),
    ("Людміла", "Людмила"),
    ("Вераніка", "Вероника"),
    ("Ксенія", "Ксения"),
    ("Марына", "Марина"),
    ("Валянціна", "Валентина"),
    ("Надзея", "Надежда"),
]
# (Belarusian, Russian) surname stems and endings: (Belarusian, Russian) for men, then women.
SURNAME_STEMS = [
    ("Кавал", "Ковал"),
    ("Мельнік", "Мельник"),
    ("Іван", "Иван"),
    ("Пятр", "Петр"),
    ("Сідар", "Сидор"),
    ("Лукаш", "Лукаш"),
    ("Шапавал", "Шаповал"),
    ("Макар", "Макар"),
    ("Гарбач", "Горбач"),
    ("Жук", "Жук"),
    ("Войт", "Войт"),
    ("Лабк", "Лабк"),
    ("Бабар", "Бабар"),
    ("Навум", "Наум"),
    ("Раман", "Роман"),
    ("Тарас", "Тарас"),
    ("Міхал", "Михал"),
    ("Грыгор", "Григор"),
    ("Дубр", "Дубр"),
    ("Сакал", "Сокол"),
    ("Варабей", "Воробей"),
    ("Крупен", "Крупен"),
    ("Цімашэн", "Тимошен"),
    ("Бандар", "Бондар"),
    ("Станкев", "Станкев"),
    ("Карпав", "Карпов"),
    ("Саўчан", "Савчен"),
    ("Лявон", "Леон"),
    ("Міклаш", "Миклаш"),
    ("Ясінск", "Ясинск"),
    ("Зайц", "Зайц"),
    ("Кулеш", "Кулеш"),
    ("Бурак", "Бурак"),
    ("Гуз", "Гуз"),
    ("Чарнаў", "Чернов"),
    ("Белагуб", "Белогуб"),
    ("Аляхн", "Олехн"),
    ("Бабр", "Бобр"),
    ("Вала", "Вол"),
    ("Вашкев", "Вашкев"),
    ("Гаўрыл", "Гаврил"),
    ("Грышк", "Гришк"),
    ("Давыд", "Давыд"),
    ("Дземяш", "Демяш"),
    ("Дзяргач", "Дергач"),
    ("Емяльян", "Емельян"),
    ("Жалудк", "Желудк"),
    ("Жыгал", "Жигал"),
    ("Захар", "Захар"),
    ("Зянюк", "Зенюк"),
    ("Казак", "Казак"),
    ("Калін", "Калин"),
    ("Камар", "Комар"),
    ("Карась", "Карась"),
    ("Касцюк", "Костюк"),
    ("Клім", "Клим"),
    ("Козл", "Козл"),
    ("Крывец", "Кривец"),
    ("Кузьм", "Кузьм"),
    ("Купал", "Купал"),
    ("Лагун", "Лагун"),
    ("Латыш", "Латыш"),
    ("Лось", "Лось"),
    ("Лысен", "Лысен"),
    ("Мазур", "Мазур"),
    ("Марозав", "Морозов"),
    ("Мацкев", "Мацкев"),
    ("Мядзведз", "Медведь"),
    ("Навіц", "Новиц"),
    ("Несцяр", "Нестер"),
    ("Панамар", "Пономар"),
    ("Паўлав", "Павлов"),
    ("Піліп", "Филип"),
    ("Пракоп", "Прокоп"),
    ("Рабец", "Рябец"),
    ("Радзев", "Родев"),
    ("Рудак", "Рудак"),
    ("Савіц", "Савиц"),
    ("Сапег", "Сапег"),
    ("Сяргей", "Сергей"),
    ("Сцепан", "Степан"),
    ("Ткач", "Ткач"),
    ("Трафім", "Трофим"),
    ("Усцін", "Устин"),
    ("Федар", "Федор"),
    ("Філон", "Филон"),
    ("Хамен", "Хомен"),
    ("Хвост", "Хвост"),
    ("Цярэш", "Терех"),
    ("Чарнявск", "Чернявск"),
    ("Шаўчук", "Шевчук"),
    ("Шыман", "Шиман"),
    ("Юрк", "Юрк"),
    ("Ярош", "Ярош"),
    ("Яцкев", "Яцкев"),
    ("Багдан", "Богдан"),
    ("Вайцех", "Войтех"),
    ("Гардзей", "Гордей"),
    ("Дуб", "Дуб"),
    ("Карнеў", "Корнев"),
]
SURNAME_ENDINGS = [
    (("енка", "енко"), ("енка", "енко")),
    (("овіч", "ович"), ("овіч", "ович")),
    (("скі", "ский"), ("ская", "ская")),
    (("оў", "ов"), ("ова", "ова")),
    (("ук", "ук"), ("ук", "ук")),
    (("ёнак", "ёнок"), ("ёнак", "ёнок")),
    (("ін", "ин"), ("іна", "ина")),
    (("чык", "чик"), ("чык", "чик")),
]


def _letters(cyrillic, latin):
    """A table of each Cyrillic letter to its Latin spelling ("_": none), from two strings."""
    return dict(zip(cyrillic, latin.replace("_", "").split(" "), strict=True))


_BELARUSIAN_LATIN = _letters(
    "абвгґджзійклмнопрстуўфхцчшыьэ'",
    "a b v h g d zh z i i k l m n o p r s t u u f kh ts ch sh y _ e _",
)
_RUSSIAN_LATIN = _letters(
    "абвгджзийклмнопрстуфхцчшщъыьэ",
    "a b v g d zh z i y k l m n o p r s t u f kh ts ch sh shch _ y _ e",
)
_RUSSIAN_PASSPORT = {**_RUSSIAN_LATIN, "й": "i", "ъ": "ie"}
# Iotated vowels: (at the start of a word or after a vowel, after a consonant).
_IOTATED = {
    "belarusian": {"е": ("ye", "e"), "ё": ("yo", "io"), "ю": ("yu", "iu"), "я": ("ya", "ia")},
    "russian": {"е": ("ye", "e"), "ё": ("yo", "yo"), "ю": ("yu", "yu"), "я": ("ya", "ya")},
    "passport": {"е": ("e", "e"), "ё": ("e", "e"), "ю": ("iu", "iu"), "я": ("ia", "ia")},
}
_ROMANIZATIONS = {
    "belarusian": (_BELARUSIAN_LATIN, {"ый": "y"}),
    "russian": (_RUSSIAN_LATIN, {"ий": "iy", "ый": "y"}),
    "passport": (_RUSSIAN_PASSPORT, {"ий": "ii", "ый": "y"}),
}
_VOWELS = set("аеёиоуыэюяіў")

PERSIAN_MEN = [
    ("Mohammad", "محمد"),
    ("Ali", "علی"),
    ("Reza", "رضا"),
    ("Hossein", "حسین"),
    ("Mehdi", "مهدی"),
    ("Amir", "امیر"),
    ("Saeed", "سعید"),
    ("Hamid", "حمید"),
]
PERSIAN_WOMEN = [
    ("Narges", "نرگس"),
    ("Fatemeh", "فاطمه"),
    ("Zahra", "زهرا"),
    ("Maryam", "مریم"),
    ("Sepideh", "سپیده"),
    ("Nasrin", "نسرین"),
]
PERSIAN_SURNAMES = [
    ("Mohammadi", "محمدی"),
    ("Ahmadi", "احمدی"),
    ("Hosseini", "حسینی"),
    ("Rezaei", "رضایی"),
    ("Karimi", "کریمی"),
    ("Rahimi", "رحیمی"),
    ("Jafari", "جعفری"),
    ("Moradi", "مرادی"),
    ("Ebrahimi", "ابراهیمی"),
    ("Sadeghi", "صادقی"),
    ("Kazemi", "کاظمی"),
]
CHINESE_SURNAMES = [
    ("Wang", "王"),
    ("Li", "李"),
    ("Zhang", "张"),
    ("Liu", "刘"),
    ("Chen", "陈"),
    ("Yang", "杨"),
    ("Huang", "黄"),
    ("Zhao", "赵"),
    ("Wu", "吴"),
    ("Zhou", "周"),
    ("Xu", "徐"),
    ("Sun", "孙"),
    ("Ma", "马"),
    ("Hu", "胡"),
    ("Guo", "郭"),
]
CHINESE_GIVEN = [
    ("wei", "伟"),
    ("fang", "芳"),
    ("min", "敏"),
    ("jing", "静"),
    ("lei", "磊"),
    ("jun", "军"),
    ("yong", "勇"),
    ("yan", "艳"),
    ("jie", "杰"),
    ("tao", "涛"),
    ("ming", "明"),
    ("chao", "超"),
    ("xia", "霞"),
    ("ping", "平"),
    ("hui", "慧"),
]
ARABIC_MEN = [
    ("Ahmed", "أحمد"),
    ("Mohamed", "محمد"),
    ("Mahmoud", "محمود"),
    ("Omar", "عمر"),
    ("Khaled", "خالد"),
    ("Youssef", "يوسف"),
    ("Alaa", "علاء"),
    ("Hossam", "حسام"),
]
ARABIC_WOMEN = [("Mona", "منى"), ("Sanaa", "سناء"), ("Aya", "آية"), ("Esraa", "إسراء")]
ARABIC_SURNAMES = [
    ("Abdel Fattah", "عبد الفتاح"),
    ("Hassan", "حسن"),
    ("Ibrahim", "إبراهيم"),
    ("Mostafa", "مصطفى"),
    ("Saleh", "صالح"),
    ("Farouk", "فاروق"),
    ("Mansour", "منصور"),
    ("Nasser", "ناصر"),
    ("Soliman", "سليمان"),
    ("Fathy", "فتحي"),
]
# (English spelling, Azerbaijani spelling); a woman's surname adds "a".
AZERBAIJANI_MEN = [
    ("Tofig", "Tofiq"),
    ("Ilgar", "İlqar"),
    ("Anar", "Anar"),
    ("Emin", "Emin"),
    ("Bakhtiyar", "Bəxtiyar"),
    ("Afgan", "Afqan"),
    ("Rauf", "Rauf"),
]
AZERBAIJANI_WOMEN = [
    ("Khadija", "Xədicə"),
    ("Leyla", "Leyla"),
    ("Arzu", "Arzu"),
    ("Gunel", "Günel"),
]
AZERBAIJANI_SURNAMES = [
    ("Mammadov", "Məmmədov"),
    ("Aliyev", "Əliyev"),
    ("Huseynov", "Hüseynov"),
    ("Hasanov", "Həsənov"),
    ("Guliyev", "Quliyev"),
    ("Ismayilov", "İsmayılov"),
    ("Ibrahimov", "İbrahimov"),
    ("Jafarov", "Cəfərov"),
    ("Karimov", "Kərimov"),
    ("Mustafayev", "Mustafayev"),
]
SPANISH_MEN = ["José", "Juan", "Carlos", "Luis", "Miguel", "Jorge", "Pedro", "Rafael", "Félix"]
SPANISH_WOMEN = ["María", "Ana", "Rosa", "Carmen", "Lucía", "Daniela", "Yolanda", "Tamara"]
SPANISH_SURNAMES = [
    "García",
    "Rodríguez",
    "Martínez",
    "López",
    "González",
    "Pérez",
    "Sánchez",
    "Ramírez",
    "Torres",
    "Flores",
    "Rivera",
    "Díaz",
    "Reyes",
    "Morales",
    "Castillo",
    "Ortega",
]
ENGLISH_MEN = ["John", "Michael", "David", "Paul", "Mark", "Thomas", "Daniel", "Peter"]
ENGLISH_WOMEN = ["Sarah", "Emma", "Laura", "Anna", "Julia", "Karen"]
ENGLISH_SURNAMES = [
    "Smith",
    "Johnson",
    "Brown",
    "Miller",
    "Davis",
    "Wilson",
    "Anderson",
    "Taylor",
    "Moore",
    "Clark",
    "Walker",
    "Hall",
]

# --- Everything else ---------------------------------------------------------------------------

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


def romanize(text, system):
    """Cyrillic `text` in Latin letters by `system` ("belarusian", "russian" or "passport")."""
    letters, endings = _ROMANIZATIONS[system]
    iotated = _IOTATED[system]
    words = []
    for word in text.lower().split():
        for ending, spelling in endings.items():
            if word.endswith(ending):
                word = word[: -len(ending)] + spelling
        latin, previous = [], None
        for char in word:
            if char in iotated:
                latin.append(iotated[char][previous is not None and previous not in _VOWELS])
            else:
                latin.append(letters.get(char, char))
            previous = char
        words.append("".join(latin).capitalize())
    return " ".join(words)


def _east_slavic_name(rng, female, *, belarusian):
    first_names = BELARUSIAN_WOMEN if female else BELARUSIAN_MEN
    first_be, first_ru = rng.choice(first_names)
    stem_be, stem_ru = rng.choice(SURNAME_STEMS)
    ending_be, ending_ru = rng.choice(SURNAME_ENDINGS)[female]
    native_be = f"{first_be} {stem_be}{ending_be}"
    native_ru = f"{first_ru} {stem_ru}{ending_ru}"
    if belarusian:
        name, native = romanize(native_be, "belarusian"), native_be
        others = [romanize(native_ru, "russian"), native_ru]
    else:
        name, native = romanize(native_ru, "russian"), native_ru
        others = [romanize(native_ru, "passport")]
    return name, native, [other for other in others if other not in (name, native)]


def _paired_name(rng, first_names, surnames, *, surname_first=False):
    first, first_native = rng.choice(first_names)
    last, last_native = rng.choice(surnames)
    if surname_first:
        return f"{last} {first.capitalize()}", f"{last_native}{first_native}", []
    return f"{first} {last}", f"{first_native} {last_native}", []


def person_name(rng, culture):
    """(name in English, name in the original script, other spellings) of a new person."""
    female = rng.random() < 0.3
    if culture in ("belarusian", "russian"):
        return _east_slavic_name(rng, female, belarusian=culture == "belarusian")
    if culture == "persian":
        return _paired_name(rng, PERSIAN_WOMEN if female else PERSIAN_MEN, PERSIAN_SURNAMES)
    if culture == "arabic":
        return _paired_name(rng, ARABIC_WOMEN if female else ARABIC_MEN, ARABIC_SURNAMES)
    if culture == "chinese":
        return _paired_name(rng, CHINESE_GIVEN, CHINESE_SURNAMES, surname_first=True)
    if culture == "azerbaijani":
        first, first_native = rng.choice(AZERBAIJANI_WOMEN if female else AZERBAIJANI_MEN)
        last, last_native = rng.choice(AZERBAIJANI_SURNAMES)
        suffix = "a" if female else ""
        return f"{first} {last}{suffix}", f"{first_native} {last_native}{suffix}", []
    if culture == "spanish":
        surnames = rng.sample(SPANISH_SURNAMES, rng.choice((1, 2)))
        name = " ".join([rng.choice(SPANISH_WOMEN if female else SPANISH_MEN), *surnames])
        plain = anyascii(name)
        return name, "", [plain] if plain != name else []
    first = rng.choice(ENGLISH_WOMEN if female else ENGLISH_MEN)
    return f"{first} {rng.choice(ENGLISH_SURNAMES)}", "", []


class UniqueSlugs:
    """Slugs made from text, "-2", "-3"... on repeats, as `tracker.models.unique_slug` does."""

    def __init__(self):
        self.used = defaultdict(int)
        self.slugs = {}

    def __call__(self, text, max_length=200):
        if text not in self.slugs:
            self.slugs[text] = slugify(anyascii(text))[: max_length - 8].strip("-") or "record"
        base = self.slugs[text]
        self.used[base] += 1
        count = self.used[base]
        return base if count == 1 else f"{base}-{count}"


def _recent_date(rng):
    """A date between FIRST_DAY and LAST_DAY, more often recent: records grow over the years."""
    span = (LAST_DAY - FIRST_DAY).days
    return FIRST_DAY + datetime.timedelta(days=round(span * rng.random() ** 0.5))


def _weighted(rng, choices):
    values, weights = zip(*choices, strict=True)
    return rng.choices(values, weights)[0]


class SyntheticData:
    """The records of one seed, built unsaved in memory, then written with `bulk_create`.

    Many-to-many links are kept as (record, [related records]) pairs until both ends have
    primary keys.
    """

    def __init__(self, *, seed, events, prisoners):
        self.rng = random.Random(seed)
        self.note = SYNTHETIC_NOTE.format(seed=seed)
        self.countries = {country.code: country for country in Country.objects.all()}
        self.event_count, self.prisoner_count = events, prisoners
        self.sources, self.source_keys, self.registers = [], set(), {}
        self.source_slugs = set()
        self.people, self.events, self.releases, self.concessions, self.counts = [], [], [], [], []
        self.concession_links, self.concession_figures = [], []
        self.participants, self.nationality_reports, self.route_legs = [], [], []
        self.links = defaultdict(list)  # many-to-many relation -> [(record, [related])]
        # By position in self.people: the country holding each person, and their nationalities.
        self.held_by, self.nationalities = [], []
        self.event_slugs = UniqueSlugs()

    def link(self, relation, record, related):
        if related:
            self.links[relation].append((record, related))

    def country_list(self, codes):
        return [self.countries[code] for code in codes]

    def source(self, title, published_on, publisher):
        """A new source; a title may repeat on another day, never on the same one."""
        while (title, published_on) in self.source_keys:
            title += " (update)"
        self.source_keys.add((title, published_on))
        # bulk_create skips clean(), which makes a source's slug: made here, unique.
        slug = base = slugify(f"{title} {published_on:%Y-%m-%d}")[:190]
        while slug in self.source_slugs:
            slug = f"{base}-{len(self.source_slugs)}"
        self.source_slugs.add(slug)
        source = Source(
            title=title,
            slug=slug,
            publisher=publisher,
            url=f"https://example.org/{slugify(publisher)}/{len(self.sources) + 1}",
            published_on=published_on,
        )
        self.sources.append(source)
        return source

    def register(self, code, year):
        """A country's yearly register of political prisoners, which people and counts cite."""
        year = max(year, COUNTS_FROM.year)
        if (code, year) not in self.registers:
            self.registers[code, year] = self.source(
                f"Register of political prisoners in {self.countries[code].name}, {year}",
                min(datetime.date(year, 12, 31), LAST_DAY),
                PUBLISHERS[0],
            )
        return self.registers[code, year]

    def build(self):
        pools = self.build_people()
        released_on = defaultdict(list)  # position of a person -> the dates they were freed
        for _ in range(self.event_count):
            for position, date in self.build_event(pools):
                released_on[position].append(date)
        for position, person in enumerate(self.people):
            self.complete_person(person, self.held_by[position], released_on.get(position))
        self.build_counts()
        return self

    def build_people(self):
        """Every person; for each detaining country, a shuffled pool of the people it holds."""
        rng, slugs = self.rng, UniqueSlugs()
        # Names repeat (there are only so many Ivanous): compute each key once.
        key_of = functools.cache(search_key)
        codes, weights = list(RELEASERS), [weight for weight, *_ in RELEASERS.values()]
        pools = defaultdict(list)
        for _ in range(self.prisoner_count):
            code = rng.choices(codes, weights)[0]
            _weight, culture, second_nationalities = RELEASERS[code]
            draw, nationalities = rng.random(), [code]
            if draw < FOREIGNER_SHARE:
                nationalities, culture = [rng.choice(second_nationalities)], "english"
            elif draw < FOREIGNER_SHARE + DUAL_NATIONAL_SHARE:
                nationalities.append(rng.choice(second_nationalities))
            name, native, other_names = person_name(rng, culture)
            other_names = "\n".join(other_names)
            # Synthetic names are "Given Surname", Chinese ones "Surname Given".
            surname = name.split()[0 if culture == "chinese" else -1]
            person = Prisoner(
                name=name,
                surname=surname,
                sort_name=sort_key(name, surname),
                name_native=native,
                other_names=other_names,
                slug=slugs(name),
                role=rng.choice(ROLES) if rng.random() < 0.4 else "",
                charges=rng.choice(CHARGES) if rng.random() < 0.7 else "",
                visibility=Visibility.PUBLIC,
                internal_notes=self.note,
                search_key=key_of(name, native, other_names),
            )
            pools[code].append(len(self.people))
            self.people.append(person)
            self.held_by.append(code)
            self.nationalities.append(nationalities)
            self.link(Prisoner.nationalities, person, self.country_list(nationalities))
        for pool in pools.values():
            rng.shuffle(pool)
        return pools

    def build_event(self, pools):
        """One release event with its releases and concessions; returns (position, date) of
        each person freed."""
        rng = self.rng
        code = rng.choices(list(RELEASERS), [weight for weight, *_ in RELEASERS.values()])[0]
        country, date = self.countries[code], _recent_date(rng)
        size = min(MAX_DOCUMENTED, max(1, int(rng.lognormvariate(2.6, 1.4))))
        pool = pools[code]
        freed = [pool.pop() for _ in range(min(size, len(pool)))]
        if not freed:  # everyone this country held is free already: someone freed a second time
            held = [position for position, held_by in enumerate(self.held_by) if held_by == code]
            freed = [rng.choice(held or range(len(self.people)))]
        documented = len(freed)
        reported = None if rng.random() < 0.1 else documented + int(documented * rng.random())
        figure = reported or documented
        counterparts = sorted(rng.sample(COUNTERPARTS, rng.choice((0, 1, 1, 1, 2))))
        title = f"{country.name} frees {figure} political prisoner{'s' * (figure != 1)}"
        if counterparts:
            title += " after talks with " + " and ".join(
                self.countries[partner].name for partner in counterparts
            )
        event = ReleaseEvent(
            title=title,
            slug=self.event_slugs(f"{country.name} release {date.isoformat()}"),
            date=date,
            releasing_country=country,
            reported_count=reported,
            summary=(
                f"{country.name} released {figure} people held for political reasons; "
                f"{documented} of them are documented by name."
            ),
            visibility=Visibility.PUBLIC,
            internal_notes=self.note,
        )
        self.events.append(event)
        second_nationalities = RELEASERS[code][2]
        reported_nationalities = {
            nationality
            for position in freed
            for nationality in self.nationalities[position]
            if nationality != code
        }
        if rng.random() < 0.2:
            reported_nationalities.add(rng.choice(second_nationalities))
        destination = rng.choice(second_nationalities) if rng.random() < 0.3 else None
        publishers = rng.sample(PUBLISHERS[1:], rng.randint(1, 2))
        delays = sorted(rng.sample(range(10), len(publishers)))
        sources = [
            self.source(title, min(date + datetime.timedelta(days=delay), LAST_DAY), publisher)
            for delay, publisher in zip(delays, publishers, strict=True)
        ]
        self.link(ReleaseEvent.counterparts, event, self.country_list(counterparts))
        self.link(ReleaseEvent.sources, event, sources)
        shared = {"event": event, "visibility": Visibility.PUBLIC}
        if counterparts and rng.random() < 0.6:
            envoy = Participant(
                name=f"Envoy {len(self.participants) + 1}",
                role=ParticipantRole.ENVOY,
                title=f"Special envoy of {self.countries[counterparts[0]].name}",
                country=self.countries[counterparts[0]],
                **shared,
            )
            self.participants.append(envoy)
            self.link(Participant.sources, envoy, sources[:1])
        for nationality in sorted(reported_nationalities):
            self.nationality_reports.append(
                ReportedNationality(
                    country=self.countries[nationality], source=sources[0], **shared
                )
            )
        if destination:
            leg = RouteLeg(from_country=country, to_country=self.countries[destination], **shared)
            self.route_legs.append(leg)
            self.link(RouteLeg.sources, leg, sources[:1])
        for position in freed:
            circumstances = _weighted(rng, CIRCUMSTANCES)
            deported = destination and circumstances == ReleaseCircumstances.DEPORTED
            release = Release(
                event=event,
                prisoner=self.people[position],
                circumstances=circumstances,
                destination=self.countries[destination] if deported else None,
                visibility=Visibility.PUBLIC,
                internal_notes=self.note,
            )
            self.releases.append(release)
            if rng.random() < 0.3:
                self.link(Release.sources, release, sources[:1])
        if counterparts and rng.random() < 0.5:
            self.build_concessions(event, counterparts, sources[0])
        return [(position, date) for position in freed]

    def build_concessions(self, event, counterparts, source):
        """One to three concessions of a sanctioning counterpart, each on its own target."""
        rng = self.rng
        imposed_by = next((code for code in counterparts if code in SANCTIONING), "US")
        for target in rng.sample(CONCESSION_TARGETS, rng.randint(1, 3)):
            kind = _weighted(rng, CONCESSION_KINDS)
            announced = None
            if rng.random() < 0.9:
                announced = min(event.date + datetime.timedelta(days=rng.randint(0, 20)), LAST_DAY)
            licence = kind == ConcessionKind.LICENCE
            low = 10**6 * rng.randint(1, 2000) if rng.random() < 0.4 else None
            no_expiry = licence and rng.random() < 0.3
            expires = (
                announced + datetime.timedelta(days=rng.randint(180, 730))
                if announced and licence and not no_expiry
                else None
            )
            day, unknown = DatePrecision.DAY, DatePrecision.UNKNOWN
            concession = SanctionsConcession(
                slug=f"{event.slug}-measure-{len(self.concessions) + 1}",
                imposed_by=self.countries[imposed_by],
                authority=AUTHORITIES.get(imposed_by, "Ministry of Foreign Affairs"),
                target=target.format(country=event.releasing_country.name),
                target_country=event.releasing_country,
                kind=kind,
                identifier=f"General License {rng.randint(1, 120)}" if licence else "",
                announced_on=announced,
                announced_on_precision=day if announced else unknown,
                issued_on=announced,
                issued_on_precision=day if announced else unknown,
                expires_on=expires,
                expires_on_precision=day if expires else unknown,
                no_expiry=no_expiry,
                delists={ConcessionKind.LICENCE: False, ConcessionKind.DELISTING: True}.get(kind),
                visibility=Visibility.PUBLIC,
                internal_notes=self.note,
            )
            self.concessions.append(concession)
            self.link(SanctionsConcession.sources, concession, [source])
            link = ConcessionLink(
                concession=concession,
                event=event,
                basis=_weighted(rng, LINK_BASES),
                visibility=Visibility.PUBLIC,
                internal_notes=self.note,
            )
            self.concession_links.append(link)
            self.link(ConcessionLink.sources, link, [source])
            if low:
                figure = ConcessionFigure(
                    concession=concession,
                    slug="export-revenue",
                    measure="Exports per year before sanctions",
                    low=low,
                    high=low * rng.randint(1, 3),
                    currency="USD",
                    period="a year, before sanctions",
                    visibility=Visibility.PUBLIC,
                    internal_notes=self.note,
                )
                self.concession_figures.append(figure)
                self.link(ConcessionFigure.sources, figure, [source])

    def complete_person(self, person, code, released_on):
        """Status, detention and source of a person, now that their releases are known."""
        rng = self.rng
        if released_on:
            person.status, until = PrisonerStatus.RELEASED, min(released_on)
        else:
            person.status, until = _weighted(rng, PRISONER_STATUSES), LAST_DAY
        if rng.random() < 0.85:
            person.detained_on = max(
                FIRST_DAY, until - datetime.timedelta(days=rng.randint(30, 3000))
            )
            years = rng.randint(1, 15)
            person.sentence = f"{years} year{'s' * (years != 1)}, {rng.choice(REGIMES)}"
        else:
            person.detained_on_precision = DatePrecision.UNKNOWN
        year = (person.detained_on or until).year
        self.link(Prisoner.sources, person, [self.register(code, year)])

    def build_counts(self):
        """Monthly political-prisoner counts of every country that made a release."""
        rng = self.rng
        for code in sorted({event.releasing_country.code for event in self.events}):
            count, month = COUNT_BASE.get(code, 100), COUNTS_FROM
            while month <= LAST_DAY:
                count = max(0, round(count * rng.uniform(0.93, 1.08)))
                record = PrisonerCount(
                    country=self.countries[code],
                    as_of=month,
                    as_of_precision=DatePrecision.MONTH,
                    count=count,
                    counted_by="Register of political prisoners",
                )
                self.counts.append(record)
                self.link(PrisonerCount.sources, record, [self.register(code, month.year)])
                month = (month + datetime.timedelta(days=32)).replace(day=1)

    def save(self, log):
        """Write every record, parents before children, then the links, in one transaction."""

        def write(model, rows):
            started = time.perf_counter()
            model.objects.bulk_create(rows, batch_size=BATCH_SIZE)
            log(model._meta.label, len(rows), time.perf_counter() - started)

        with transaction.atomic():
            write(Source, self.sources)
            write(Prisoner, self.people)
            write(PrisonerCount, self.counts)
            write(ReleaseEvent, self.events)
            write(Release, self.releases)
            write(Participant, self.participants)
            write(ReportedNationality, self.nationality_reports)
            write(RouteLeg, self.route_legs)
            write(SanctionsConcession, self.concessions)
            # Their measures have primary keys now.
            for record in (*self.concession_links, *self.concession_figures):
                record.concession = record.concession
            write(ConcessionLink, self.concession_links)
            write(ConcessionFigure, self.concession_figures)
            for relation, pairs in self.links.items():
                through, field = relation.through, relation.field
                write(
                    through,
                    [
                        through(
                            **{
                                field.m2m_column_name(): record.pk,
                                field.m2m_reverse_name(): related.pk,
                            }
                        )
                        for record, related_records in pairs
                        for related in related_records
                    ],
                )


class Command(BaseCommand):
    help = (
        "Fill an empty database with synthetic public data: people, release events of 1 to 500 "
        "documented people, concessions, counts and sources, the same for a seed. Rows are "
        "bulk-inserted: no audit history is written for them, and save() and signals do not run."
    )

    def add_arguments(self, parser):
        parser.add_argument("--events", type=int, default=2000, help="Release events (2000).")
        parser.add_argument("--prisoners", type=int, default=100_000, help="People (100000).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (1).")

    def handle(self, *args, events, prisoners, seed, verbosity, **options):
        if events < 0 or prisoners < 0 or (events and not prisoners):
            raise CommandError("Give zero or more events and, for any event, at least one person.")
        existing = [
            model._meta.verbose_name_plural
            for model in (Source, Prisoner, PrisonerCount, ReleaseEvent)
            if model.objects.exists()
        ]
        if existing:
            raise CommandError(
                f"The database already holds {', '.join(map(str, existing))}. Synthetic data "
                "goes into an empty database (after migrate), so that a seed always gives the "
                "same records."
            )
        started = time.perf_counter()
        data = SyntheticData(seed=seed, events=events, prisoners=prisoners).build()
        if verbosity >= 1:
            self.stdout.write(f"Built in {time.perf_counter() - started:.1f} s; writing:")

        def log(label, rows, seconds):
            if verbosity >= 1:
                self.stdout.write(f"{rows:>9,} {label:<40} {seconds:6.1f} s")

        data.save(log)
        invalidate()  # bulk writes send no signals
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # the planner's statistics, after a bulk load
        if verbosity >= 1:
            self.stdout.write(
                self.style.SUCCESS(f"Done in {time.perf_counter() - started:.1f} s (seed {seed}).")
            )
