"""Names of people in the cultures the synthetic data draws from: Latin spelling, original
script, and other transliterations (BGN/PCGN-like, passport, Belarusian national systems)."""

from anyascii import anyascii

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
