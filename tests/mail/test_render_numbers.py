"""Quantities in mail are written the reader's way (a Prato reader writes "1.250,5")."""

import pytest

from distretto.mail.render import event_words, format_quantity


@pytest.mark.parametrize(
    ("raw", "language", "shown"),
    [
        ("1250.5", "it", "1.250,5"),
        ("1250.5", "en", "1,250.5"),
        ("1250.5", "zh", "1,250.5"),
        ("1800", "it", "1.800"),
        ("999", "it", "999"),
        ("1234567.125", "it", "1.234.567,125"),
        ("-1500", "en", "-1,500"),
        ("n/a", "it", "n/a"),
        ("12.x", "it", "12.x"),
    ],
)
def test_quantities_are_grouped_and_pointed_per_language(
    raw: str, language: str, shown: str
) -> None:
    assert format_quantity(raw, language) == shown


def test_an_order_mail_names_the_quantity_the_italian_way() -> None:
    values = {
        "client_name": "Lanificio Rossi",
        "quantity": "1250.5",
        "unit": "kg",
        "phase": "tintoria",
        "region": "Toscana",
        "title": "Tintura lana",
        "bid_deadline": "2026-12-20T17:00:00+00:00",
    }
    _, line = event_words("it", "saved_search.matched", values)
    assert "1.250,5 kg" in line
