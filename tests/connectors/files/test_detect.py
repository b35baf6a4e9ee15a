from connectors.billing.files import PARSERS, detect_format
from tests.connectors.files.data import ASTERISK, DETAIL_FILES, FREERADIUS


def _head(path) -> bytes:
    with path.open("rb") as file:
        return file.read(4096)


def test_real_files_are_recognised() -> None:
    assert detect_format(_head(FREERADIUS / "radacct.csv"), "radacct.csv") == "radacct_csv"
    assert detect_format(_head(DETAIL_FILES[0]), "") == "radius_detail"
    assert detect_format(_head(ASTERISK / "Master.csv"), "Master.csv") == "asterisk_cdr"
    assert detect_format(_head(ASTERISK / "Master-custom-layout.csv"), "x.csv") == "asterisk_cdr"


def test_kabinet_formats_are_recognised_in_any_encoding() -> None:
    meters = "\ufeffmeter_id;reading_at;metric;unit;reading\n".encode()
    accounts = "account_id,contract_number,balance,Примечание\n".encode("cp1251")

    assert detect_format(meters, "readings.csv") == "meter_readings_csv"
    assert detect_format(accounts, "accounts.csv") == "accounts_csv"


def test_unknown_content_is_not_guessed() -> None:
    assert detect_format(b"name,age\nbob,3\n", "people.csv") is None
    assert detect_format(b"\x00\x01binary", "x.bin") is None
    assert detect_format(b"", "detail-20261002") == "radius_detail"


def test_the_registry_names_every_parser_by_its_format() -> None:
    assert sorted(PARSERS) == [
        "accounts_csv",
        "asterisk_cdr",
        "meter_readings_csv",
        "radacct_csv",
        "radius_detail",
    ]
    assert all(parser.format_name == name for name, parser in PARSERS.items())


def test_lines_longer_than_a_chunk_come_out_whole():
    from connectors.billing.files.textio import byte_lines

    chunks = [b"x" * 65536] * 800 + [b"\nend\n", b"tail"]
    lines = list(byte_lines(iter(chunks)))

    assert [len(line) for line in lines] == [65536 * 800 + 1, 4, 4]
