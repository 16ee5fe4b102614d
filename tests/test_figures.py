"""Cached figures and pages (tracker.figures): every server process shares them, and any change
to a record, a record restricted say, stops every process from serving what was computed before."""

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches

import tracker.settings as production
from tracker import figures
from tracker.figures import cached_figure
from tracker.models import Visibility

SEND_A_CHANGE = """
import django
django.setup()
from prisoners.models import Prisoner
from tracker.figures import invalidate_on_change
invalidate_on_change(sender=Prisoner)  # what saving a person calls
"""


def test_a_change_in_another_process_refreshes_the_figures(settings, tmp_path):
    settings.CACHES = {
        alias: {**production.CACHES[alias], "LOCATION": str(tmp_path / folder)}
        for alias, folder in [("default", "figures"), ("generation", "generation")]
    }
    computed = []

    def compute():
        computed.append(True)
        return len(computed)

    assert cached_figure("people", compute) == 1
    assert cached_figure("people", compute) == 1, "a figure is computed once"

    subprocess.run(
        [sys.executable, "-c", SEND_A_CHANGE],
        check=True,
        cwd=django_settings.BASE_DIR,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tracker.settings",
            "DJANGO_DEBUG": "1",
            "DJANGO_CACHE_DIR": str(tmp_path),
        },
    )
    assert cached_figure("people", compute) == 2, "the other process's change is seen at once"


@pytest.fixture
def page_cache(settings):
    settings.PUBLIC_PAGE_CACHE = True


@pytest.mark.django_db
def test_a_kept_page_is_served_without_queries_until_a_record_changes(
    client, page_cache, make_event, django_assert_num_queries
):
    event = make_event(title="Prisoners freed in spring")
    first = client.get("/releases/")
    assert "Prisoners freed in spring" in first.text
    with django_assert_num_queries(0):
        again = client.get("/releases/")
    assert again.status_code == 200 and again.content == first.content
    assert again["Content-Security-Policy"] == first["Content-Security-Policy"]

    event.visibility = Visibility.RESTRICTED
    event.save()
    hidden = client.get("/releases/")
    assert hidden.status_code == 200 and "Prisoners freed in spring" not in hidden.text
    assert "No releases match." in hidden.text
    home = client.get("/")
    assert home.status_code == 200 and "Prisoners freed in spring" not in home.text


@pytest.mark.django_db
def test_pages_are_kept_by_url_and_only_when_found(client, page_cache, make_event):
    make_event(title="Freed by Belarus", releasing="BY")
    make_event(title="Freed by Russia", releasing="RU")
    belarus = client.get("/releases/", {"country": "BY"}).text
    russia = client.get("/releases/", {"country": "RU"}).text
    assert "Freed by Belarus" in belarus and "Freed by Russia" not in belarus
    assert "Freed by Russia" in russia and "Freed by Belarus" not in russia

    hidden = make_event(title="Under review", visibility=Visibility.RESTRICTED)
    assert client.get(hidden.get_absolute_url()).status_code == 404
    hidden.visibility = Visibility.PUBLIC
    hidden.save()
    assert client.get(hidden.get_absolute_url()).status_code == 200
    assert client.get("/releases/", {"country": "XX"}).status_code == 400
    assert client.get("/releases/", {"format": "json"}).streaming, "downloads are not kept"


@pytest.mark.django_db
def test_a_transaction_of_many_changes_starts_a_generation_at_its_first_change_and_at_commit(
    django_capture_on_commit_callbacks, make_prisoner
):
    """loaddata saves every record in one transaction, and a publish many: the figures are
    forgotten at the first change and at commit, not at every record; again at a later change
    only if one was cached in between."""

    def generation():
        return caches["generation"].get(figures.GENERATION_KEY)

    before = generation()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        make_prisoner()
        first = generation()
        for _ in range(4):
            make_prisoner()
        assert generation() == first, "nothing was cached in between: no new generation"
        cached_figure("people", lambda: 1)
        make_prisoner()
        second = generation()
        assert second != first, "a figure cached in the transaction is forgotten at a change"
    assert before != first and generation() != second, "and all of them at commit"
    assert callbacks.count(figures._new_generation) == 1
