import pytest

from tenants.hosts import canonical_host, display_host


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("alpha.platform.test", "alpha.platform.test"),
        ("ALPHA.Platform.TEST", "alpha.platform.test"),
        ("alpha.platform.test.", "alpha.platform.test"),
        ("alpha.platform.test:8000", "alpha.platform.test"),
        ("Alpha.Platform.Test.:443", "alpha.platform.test"),
        ("пример.рф", "xn--e1afmkfd.xn--p1ai"),
        ("ПРИМЕР.РФ", "xn--e1afmkfd.xn--p1ai"),
        ("XN--E1AFMKFD.xn--p1ai.", "xn--e1afmkfd.xn--p1ai"),
        ("кабинет.пример.рф:8000", "xn--80acmlhv0b.xn--e1afmkfd.xn--p1ai"),
    ],
)
def test_canonical_host_accepts_every_spelling_of_a_domain(raw, expected):
    assert canonical_host(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        None,
        ".",
        "a..b",
        "-a.test",
        "a-.test",
        "a_b.test",
        "a b.test",
        "a/b.test",
        "a" * 64 + ".test",
        "xn--zz.test",
        "evil.test\r\nx",
        "[::1]:80",
        "ex@mple.test",
    ],
)
def test_canonical_host_rejects_what_cannot_be_a_domain(raw):
    assert canonical_host(raw) is None


def test_display_host_shows_unicode():
    assert display_host("xn--e1afmkfd.xn--p1ai") == "пример.рф"
