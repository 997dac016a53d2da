"""French without slips: elision, plurals, time zones in words."""

from clas_local.i18n import local_time_label, of, plural


def test_de_is_elided_before_a_vowel():
    assert of("École Volga") == "d'École Volga"
    assert of("Hélène Martin") == "d'Hélène Martin"
    assert of("Claire Martin") == "de Claire Martin"


def test_plural_never_writes_s_in_brackets():
    assert plural(1, "contact") == "1 contact"
    assert plural(3, "contact") == "3 contacts"


def test_the_time_zone_is_named_in_words():
    assert local_time_label("Europe/Paris") == "heure de Paris"
    assert "Europe/Paris" not in local_time_label("Europe/Paris")
    assert local_time_label("America/Martinique") == "heure locale (Martinique)"


def test_the_meeting_form_says_heure_de_paris(client, login_as):
    from tests.conftest import page_text

    login_as("host")
    text = page_text(client.get("/c/rennes/meetings/new"))
    assert "À l'heure de Paris." in text and "Heure de Europe/Paris" not in text
