"""Three languages: English at today's URLs, Belarusian under /be/ and Russian under /ru/."""

import csv
import datetime
import io
import json
import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

from prisoners.models import Prisoner
from tests.public_pages import HTML_PAGES
from tracker import dates
from tracker.models import count_display

pytestmark = pytest.mark.django_db

EVENT = "/releases/belarus-release-2025-12-13/"
PERSON = "/prisoners/ales-bialiatski/"
# A phrase of each public page (tests/public_pages.py) that must appear translated: be, ru.
PHRASES = {
    "home": ("Галоўныя лічбы", "Главные цифры"),
    "releases:list": ("Вызваленні", "Освобождения"),
    "releases:year": ("Іншыя перыяды", "Другие периоды"),
    "releases:month": ("Іншыя перыяды", "Другие периоды"),
    "releases:detail": ("Вызваленыя, пайменна", "Освобождённые, поимённо"),
    "prisoners:list": ("Арыгінальнае напісанне", "Оригинальное написание"),
    "prisoners:detail": ("Імя ў арыгінальным напісанні", "Имя в оригинальном написании"),
    "concessions:list": ("Рэестр санкцый", "Реестр санкций"),
    "concessions:detail": ("Вызваленні, за якімі яна рушыла", "Освобождения, за которыми она"),
    "entities:list": ("Суб’екты пад санкцыямі", "Субъекты под санкциями"),
    "entities:detail": ("Гісторыя", "История"),
    "countries:list": ("Краіны і што трэкер пра іх запісвае", "Страны и что трекер о них"),
    "countries:detail": ("Вызваленні з удзелам гэтай краіны", "Освобождения с участием этой"),
    "about": (
        "Як факты падмацоўваюцца крыніцамі і правяраюцца",
        "Как факты подкрепляются источниками и проверяются",
    ),
    "data": ("Увесь публічны набор даных", "Весь публичный набор данных"),
}


def test_every_page_of_the_registry_has_a_phrase():
    assert set(PHRASES) == {page.name for page in HTML_PAGES}


def html_lang(response):
    return re.search(r'<html lang="([^"]+)"', response.text).group(1)


@pytest.mark.parametrize("page", HTML_PAGES, ids=[page.name for page in HTML_PAGES])
def test_every_public_page_reads_in_belarusian_and_russian(client, seed, page):
    path, (be, ru) = page.path(), PHRASES[page.name]
    english = client.get(path)
    assert english.status_code == 200 and html_lang(english) == "en"
    for code, phrase in (("be", be), ("ru", ru)):
        response = client.get(f"/{code}{path}")
        assert response.status_code == 200, (code, path)
        assert html_lang(response) == code
        assert phrase in response.text
        # The navigation is translated too, and no English navigation is left.
        assert {"be": "Краіны", "ru": "Страны"}[code] in response.text
        assert ">Countries<" not in response.text


LISTING = "/releases/?country=BY"


def test_hreflang_links_and_switcher_name_the_same_page_in_each_language(client, seed):
    response = client.get(f"/ru{LISTING}&utm_source=mail")
    text = response.text
    # The links keep the query the page reads, and leave out what it ignores.
    assert "utm_source" not in text
    for code, prefix in (("en", ""), ("be", "/be"), ("ru", "/ru")):
        url = f"http://testserver{prefix}{LISTING}"
        assert f'<link rel="alternate" hreflang="{code}" href="{url}">' in text
    assert f'hreflang="x-default" href="http://testserver{LISTING}"' in text
    # The switcher: plain links (cacheable, no form post), each language named in itself.
    assert f'<a href="/be{LISTING}" hreflang="be" lang="be">Беларуская</a>' in text
    assert f'<a href="{LISTING}" hreflang="en" lang="en">English</a>' in text
    assert 'hreflang="ru" lang="ru" aria-current="true">Русский</a>' in text


def test_the_switcher_on_a_missing_page_leads_to_each_home_page(client, db):
    response = client.get("/ru/no-such-page/")
    assert response.status_code == 404
    assert html_lang(response) == "ru"
    assert '<a href="/be/" hreflang="be"' in response.text
    assert '<a href="/" hreflang="en"' in response.text


@pytest.mark.parametrize("accept", ["ru", "de", "be,ru;q=0.8", "fr-CH, fr;q=0.9"])
def test_an_unprefixed_url_is_english_whatever_the_browser_asks_for(client, seed, accept):
    response = client.get("/", headers={"accept-language": accept})
    assert response.status_code == 200
    assert html_lang(response) == "en"
    assert "Headline figures" in response.text
    assert response["Content-Language"] == "en"


def test_an_unknown_language_prefix_is_not_a_page(client, seed):
    assert client.get("/de/releases/").status_code == 404
    assert client.get("/en/releases/").status_code == 404  # English has no prefix


@pytest.mark.parametrize(
    ("language", "day", "month", "number"),
    [
        ("en", "13 December 2025", "March 2025", "1,100"),
        ("be", "13 снежня 2025", "сакавік 2025", "1\xa0100"),
        ("ru", "13 декабря 2025", "март 2025", "1\xa0100"),
    ],
)
def test_dates_and_numbers_in_the_page_language(language, day, month, number):
    with translation.override(language):
        assert dates.display(datetime.date(2025, 12, 13), "day") == day
        assert dates.display(datetime.date(2025, 3, 1), "month") == month
        assert count_display(1100, "at_least").endswith(number)


def test_pages_show_dates_in_the_page_language(client, seed):
    assert "13 снежня 2025" in client.get(f"/be{EVENT}").text
    assert "13 декабря 2025" in client.get(f"/ru{EVENT}").text
    assert "13 December 2025" in client.get(EVENT).text
    # The month archive's title, in the nominative.
    assert "снежань 2025" in client.get("/be/releases/2025/12/").text
    assert "декабрь 2025" in client.get("/ru/releases/2025/12/").text


def test_country_names_in_the_page_language(client, seed):
    assert "Беларусь" in client.get("/ru/countries/").text
    assert "ЗША" in client.get("/be/countries/").text
    assert "США" in client.get(f"/ru{EVENT}").text
    assert ">Belarus<" in client.get("/countries/").text


def test_names_show_in_the_script_of_the_page_with_the_english_one_beside(client, seed):
    Prisoner.objects.filter(slug="ales-bialiatski").update(
        name_be="Алесь Бяляцкі", name_ru="Алесь Беляцкий"
    )
    russian = client.get(f"/ru{PERSON}").text
    assert '<h1>Алесь Беляцкий <span class="name-en" lang="en">(Ales Bialiatski)</span></h1>' in (
        russian
    )
    belarusian = client.get(f"/be{PERSON}").text
    assert "<h1>Алесь Бяляцкі <span" in belarusian
    assert "<h1>Ales Bialiatski</h1>" in client.get(PERSON).text
    # Lists and the release page too.
    assert "Алесь Беляцкий" in client.get("/ru/prisoners/").text
    assert "Алесь Беляцкий" in client.get(f"/ru{EVENT}").text
    # Where no Russian spelling is recorded, the English name stands alone.
    assert "Maria Kolesnikova" in client.get(f"/ru{EVENT}").text


def test_search_finds_people_by_their_belarusian_and_russian_spellings(client, seed):
    person = Prisoner.objects.get(slug="ales-bialiatski")
    person.name_ru = "Алесь Беляцкий"
    person.other_names = ""
    person.save()
    assert list(Prisoner.objects.search("Беляцкий")) == [person]
    assert "/prisoners/ales-bialiatski/" in client.get("/ru/prisoners/?q=Беляцкий").text


def test_downloads_are_the_same_file_in_every_language(client, seed):
    Prisoner.objects.filter(slug="ales-bialiatski").update(name_ru="Алесь Беляцкий")
    english = client.get("/prisoners/?format=csv")
    russian = client.get("/ru/prisoners/?format=csv")
    assert english.status_code == russian.status_code == 200
    english_csv = b"".join(english.streaming_content)
    assert english_csv == b"".join(russian.streaming_content)
    rows = list(csv.reader(io.StringIO(english_csv.decode("utf-8-sig"))))
    assert "name in Russian" in rows[0] and "status" in rows[0]
    assert "Алесь Беляцкий" in english_csv.decode()
    assert "Belarus" in english_csv.decode() and "Беларусь" not in english_csv.decode()
    json_en = b"".join(client.get(f"{EVENT}?format=json").streaming_content)
    json_ru = b"".join(client.get(f"/ru{EVENT}?format=json").streaming_content)
    assert json_en == json_ru
    ftm_en = b"".join(client.get(f"{PERSON}?format=ftm").streaming_content)
    assert ftm_en == b"".join(client.get(f"/be{PERSON}?format=ftm").streaming_content)
    people = [
        entity for line in ftm_en.splitlines() if (entity := json.loads(line))["schema"] == "Person"
    ]
    assert "Алесь Беляцкий" in people[0]["properties"]["alias"]


def test_the_feed_in_russian(client, seed):
    response = client.get("/ru/releases/feed/")
    assert response.status_code == 200
    assert "Вызваленні" not in response.text
    assert "Освобождения политзаключённых" in response.text


def test_the_admin_in_russian_and_belarusian(staff_client, seed):
    index = staff_client.get("/ru/admin/")
    assert index.status_code == 200
    assert html_lang(index) == "ru"
    assert "Трекер освобождений: ввод данных" in index.text
    assert "Освобождения и уступки" in index.text
    person = Prisoner.objects.get(slug="ales-bialiatski")
    change = staff_client.get(f"/ru/admin/prisoners/prisoner/{person.pk}/change/")
    assert change.status_code == 200
    for label in ("Личность", "Имя по-русски", "Задержание", "Гражданства"):
        assert label in change.text
    belarusian = staff_client.get(f"/be/admin/prisoners/prisoner/{person.pk}/change/")
    assert "Імя па-беларуску" in belarusian.text
    assert staff_client.get("/be/admin/import/").status_code == 200
    assert "Імпартаваць JSON-фікстуру" in staff_client.get("/be/admin/").text
    # English stays at /admin/.
    assert "Release tracker: data entry" in staff_client.get("/admin/").text


def test_the_admin_login_in_russian(client, db):
    response = client.get("/ru/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/ru/admin/login/")
    login = client.get(response["Location"])
    assert login.status_code == 200
    assert 'for="id_otp_token" class="required">Код:</label>' in login.text
    assert 'value="Войти"' in login.text


def test_the_page_cache_keeps_each_language_apart(client, seed, settings):
    settings.PUBLIC_PAGE_CACHE = True
    english = client.get("/releases/")
    russian = client.get("/ru/releases/")
    assert html_lang(english) == "en" and html_lang(russian) == "ru"
    assert client.get("/releases/").content == english.content
    assert client.get("/ru/releases/").content == russian.content
    assert client.get("/be/releases/").content != russian.content


@pytest.mark.parametrize("language", ["be", "ru"])
def test_catalogues_are_complete_and_compiled(language, tmp_path):
    """Every project string is translated, none fuzzy, and the committed .mo is the .po compiled."""
    po = Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "django.po"
    compiled = tmp_path / "django.mo"
    checked = subprocess.run(
        ["msgfmt", "--check-format", "--statistics", "-o", str(compiled), str(po)],
        capture_output=True,
        text=True,
        check=True,
    )
    statistics = checked.stderr.strip()
    assert re.fullmatch(r"\d+ translated messages\.", statistics), statistics
    assert po.with_suffix(".mo").read_bytes() == compiled.read_bytes(), "run compilemessages"


# The header of each catalogue says how it is made; the test makes it the same way.
MAKEMESSAGES_IGNORE = [".venv", "node_modules", "bench", "tests", "docs"]


def catalogue_msgids(po):
    """The (msgctxt, msgid, msgid_plural) of every live entry of a .po file, the header left out."""
    entries, entry, field = set(), {}, None

    def close():
        if entry.get("msgid"):
            entries.add((entry.get("msgctxt"), entry["msgid"], entry.get("msgid_plural")))

    for line in Path(po).read_text(encoding="utf-8").splitlines():
        keyword = re.match(r'(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) "(.*)"$', line)
        if keyword:
            if keyword.group(1) in ("msgctxt", "msgid") and field and field.startswith("msgstr"):
                close()
                entry = {}
            field = keyword.group(1)
            entry[field] = keyword.group(2)
        elif line.startswith('"') and field:
            entry[field] += line[1:-1]
        elif not line.startswith("#"):  # a blank line ends an entry (#~ obsolete: comments)
            if field and field.startswith("msgstr"):
                close()
            entry, field = {}, None
    if field and field.startswith("msgstr"):
        close()
    return entries


def test_catalogues_hold_every_string_of_the_source(tmp_path, settings, monkeypatch):
    """makemessages, run as the catalogues' header says, finds no string the catalogues lack.

    makemessages writes beside the first "locale" folder it walks past, whatever LOCALE_PATHS says,
    so it runs in a mirror of the project (symlinks to all but its locale folder) and writes a
    fresh catalogue into the mirror's own, empty, locale folder.
    """
    base = Path(settings.BASE_DIR)
    committed_files = {path: path.read_bytes() for path in (base / "locale").rglob("django.po")}
    mirror = tmp_path / "project"
    mirror.mkdir()
    for entry in base.iterdir():
        if entry.name != "locale":
            (mirror / entry.name).symlink_to(entry)
    fresh_locale = mirror / "locale"
    settings.LOCALE_PATHS = [fresh_locale]
    monkeypatch.chdir(mirror)
    call_command(
        "makemessages",
        locale=["ru"],
        no_location=True,
        symlinks=True,
        ignore_patterns=MAKEMESSAGES_IGNORE,
        verbosity=0,
    )
    fresh = catalogue_msgids(fresh_locale / "ru" / "LC_MESSAGES" / "django.po")
    assert len(fresh) > 100  # the run found the project's strings
    # The committed catalogues are read, never rewritten.
    assert {path: path.read_bytes() for path in (base / "locale").rglob("django.po")} == (
        committed_files
    )
    for language in ("be", "ru"):
        committed = catalogue_msgids(base / "locale" / language / "LC_MESSAGES" / "django.po")
        missing = sorted(fresh - committed, key=str)
        unused = sorted(committed - fresh, key=str)
        assert not missing, f"{language}: not in the catalogue (run makemessages): {missing}"
        assert not unused, f"{language}: in the catalogue but not in the source: {unused}"
