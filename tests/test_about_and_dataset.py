"""/about/ (method, corrections, licence, citation, last change) and /data/ (the whole public
dataset in one file, loadable into an empty database)."""

import hashlib
import io
import json
import zipfile

import pytest
from django.apps import apps
from django.core import serializers
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

from prisoners.models import Prisoner, PrisonerCount
from releases.models import ReleaseEvent
from tracker.exports import dataset
from tracker.models import Visibility

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def dataset_dir(settings, tmp_path):
    settings.DATASET_DIR = tmp_path / "dataset"
    return settings.DATASET_DIR


@pytest.fixture
def restricted(seed, make_source, make_prisoner, make_event, make_release, make_concession):
    """Restricted records of every kind, with a public person in no release beside them."""
    secret_source = make_source(title="Secret case file", slug="secret-case-file")
    hidden = make_prisoner(
        name="Hidden Person",
        slug="hidden-person",
        visibility=Visibility.RESTRICTED,
        sources=[secret_source],
    )
    hidden_event = make_event(
        title="Hidden release",
        slug="hidden-release",
        visibility=Visibility.RESTRICTED,
        sources=[secret_source],
    )
    kolesnikova = Prisoner.objects.get(slug="maria-kolesnikova")
    event = ReleaseEvent.objects.get(slug="belarus-release-2025-12-13")
    make_release(hidden_event, kolesnikova)
    make_release(event, hidden)
    make_concession(
        event, slug="hidden-measure", visibility=Visibility.RESTRICTED, sources=[secret_source]
    )
    public_alone = make_prisoner(name="Still Held", slug="still-held", sources=[make_source()])
    return {"public_alone": public_alone}


def natural_keys(*, public=False):
    """{model label: {natural key}} of the records of the tracker's apps (but countries);
    `public`: only those the public may see."""
    keys = {}
    for label in ("tracker", "prisoners", "releases"):
        for model in apps.get_app_config(label).get_models():
            if not hasattr(model, "natural_key") or model._meta.label == "tracker.Country":
                continue
            records = model._default_manager.all()
            if public and hasattr(records, "public"):
                records = records.public()
            keys[model._meta.label] = {record.natural_key() for record in records}
    return keys


def empty_the_tracker():
    """Deletes every record of the tracker's apps, countries included: an empty copy. (Not
    `flush`: PostgreSQL refuses to truncate inside the test's transaction.)"""
    models = [
        model
        for label in ("tracker", "prisoners", "releases")
        for model in apps.get_app_config(label).get_models()
        if hasattr(model, "natural_key")
    ]
    for model in reversed(serializers.sort_dependencies([(None, models)])):
        model._default_manager.all().delete()


def download(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    return response, b"".join(response.streaming_content)


def test_the_dataset_loads_into_an_empty_database_with_every_public_record_and_no_other(
    client, restricted, tmp_path
):
    expected = natural_keys(public=True)
    expected["tracker.Source"].discard(("secret-case-file",))
    response, content = download(client, "data-json")
    assert response["Content-Disposition"] == (
        'attachment; filename="release-tracker-dataset.json"'
    )
    assert 'rel="license"' in response["Link"]
    path = tmp_path / "dataset.json"
    path.write_bytes(content)

    empty_the_tracker()
    assert not Prisoner.objects.exists() and not PrisonerCount.objects.exists()
    call_command("loaddata", str(path), verbosity=0)

    loaded = natural_keys()
    for label, keys in expected.items():
        assert loaded[label] == keys, label
    count = PrisonerCount.objects.get(country__code="BY")
    assert count.count == 1227
    assert Prisoner.objects.filter(slug="still-held", releases=None).exists()
    text = content.decode()
    for secret in ("hidden-person", "Hidden release", "hidden-measure", "Secret case file"):
        assert secret not in text
    assert "internal_notes" not in text


def test_the_dataset_page_gives_sizes_counts_checksums_and_the_last_change(client, restricted):
    page = client.get("/data/")
    assert page.status_code == 200
    html = page.content.decode()
    _response, fixture = download(client, "data-json")
    _response, archive = download(client, "data-zip")
    for content in (fixture, archive):
        assert hashlib.sha256(content).hexdigest() in html
    records = json.loads(fixture)
    assert page.context["total"] == len(records)
    counts = dict(page.context["counts"])
    assert counts["prisoners"] == 5  # the seed's four and the person in no release
    assert counts["political-prisoner counts"] == 1
    assert page.context["last_change"] is not None
    assert "CC BY 4.0" in html


def test_the_zip_holds_a_csv_per_model_the_fixture_and_the_licence(client, restricted):
    _response, content = download(client, "data-zip")
    archive = zipfile.ZipFile(io.BytesIO(content))
    names = set(archive.namelist())
    assert {"LICENSE.txt", "README.txt", dataset.FIXTURE_NAME} <= names
    assert "csv/prisoners.prisonercount.csv" in names
    assert "creativecommons.org/licenses/by/4.0" in archive.read("LICENSE.txt").decode()
    people = archive.read("csv/prisoners.prisoner.csv").decode("utf-8-sig")
    header = people.splitlines()[0].split(",")
    assert "name" in header and "internal_notes" not in header
    assert "Maria Kolesnikova" in people and "Hidden Person" not in people
    counts = archive.read("csv/prisoners.prisonercount.csv").decode("utf-8-sig")
    assert "1227" in counts and "BY" in counts


def test_the_dataset_is_written_once_and_again_after_a_change(client, restricted, dataset_dir):
    first = dataset.current()
    assert dataset.current()["files"]["json"]["sha256"] == first["files"]["json"]["sha256"]
    assert len([p for p in dataset_dir.iterdir() if p.is_dir()]) == 1

    person = Prisoner.objects.get(slug="hidden-person")
    person.visibility = Visibility.PUBLIC
    person.save()

    second = dataset.current()
    assert second["files"]["json"]["sha256"] != first["files"]["json"]["sha256"]
    assert second["counts"]["prisoners.prisoner"] == first["counts"]["prisoners.prisoner"] + 1
    # The older files are gone: one generation is kept.
    assert len([p for p in dataset_dir.iterdir() if p.is_dir()]) == 1


def test_restricting_a_public_record_is_a_public_change(restricted):
    before = dataset.last_public_change()
    person = Prisoner.objects.get(slug="still-held")
    person.visibility = Visibility.RESTRICTED
    person.save()
    cache.clear()
    assert dataset.last_public_change() > before
    assert dataset.last_public_change() == person.history.latest().history_date


def test_about_explains_the_method_and_names_the_corrections_contact(client, seed, settings):
    settings.CORRECTIONS_CONTACT = "corrections@example.org"
    response = client.get("/about/")
    assert response.status_code == 200
    html = response.content.decode()
    for words in (
        "Reported",
        "Documented",
        "Disputed",
        "How facts are sourced",
        "Corrections",
        "Licence",
        "How to cite",
        "Last updated",
    ):
        assert words in html
    assert 'href="mailto:corrections@example.org"' in html
    assert "https://creativecommons.org/licenses/by/4.0/" in html
    assert response.context["last_change"] is not None
    assert "history" in html


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/releases/",
        "/prisoners/",
        "/countries/BY/",
        "/about/",
        "/data/",
        "/concessions/",
        "/releases/belarus-release-2025-12-13/",
    ],
)
def test_every_public_page_links_to_about_and_data(client, seed, url):
    html = client.get(url).content.decode()
    assert 'href="/about/"' in html and 'href="/data/"' in html


def test_page_downloads_carry_the_licence(client, seed):
    for fmt in ("json", "csv", "ftm"):
        response = client.get(f"/prisoners/?format={fmt}")
        assert response["Link"] == dataset.LICENCE_LINK


def test_the_dataset_can_be_written_ahead_of_the_first_visitor(seed, dataset_dir):
    out = io.StringIO()
    call_command("write_dataset", stdout=out)
    info = dataset.current()
    assert info["files"]["json"]["sha256"] in out.getvalue()
    assert f"{sum(info['counts'].values())} records" in out.getvalue()
