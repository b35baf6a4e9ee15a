"""Column layouts of Asterisk's Master.csv and how to tell them apart."""

import re

# cdr_csv (cdr/cdr_csv.c): 16 columns always, then uniqueid (loguniqueid), userfield
# (loguserfield) and peeraccount, linkedid, sequence (newcdrcolumns), each group optional.
CDR_CSV_BASE = (
    "accountcode", "src", "dst", "dcontext", "clid", "channel", "dstchannel", "lastapp",
    "lastdata", "start", "answer", "end", "duration", "billsec", "disposition", "amaflags",
)  # fmt: skip
NEW_CDR_COLUMNS = ("peeraccount", "linkedid", "sequence")
# The legacy mapping of configs/samples/cdr_custom.conf.sample.
CDR_CUSTOM = (
    "clid", "src", "dst", "dcontext", "channel", "dstchannel", "lastapp", "lastdata", "start",
    "answer", "end", "duration", "billsec", "disposition", "amaflags", "accountcode",
    "uniqueid", "userfield", "sequence",
)  # fmt: skip
KNOWN_COLUMNS = frozenset(CDR_CSV_BASE + NEW_CDR_COLUMNS + CDR_CUSTOM)
REQUIRED_COLUMNS = frozenset({"src", "dst", "start", "end", "billsec", "disposition"})
LAYOUTS = ("cdr_csv", "cdr_custom")
DISPOSITIONS = frozenset({"ANSWERED", "NO ANSWER", "BUSY", "FAILED", "CONGESTION"})
_TIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")
_UNIQUEID = re.compile(r"(?:[A-Za-z0-9_.-]+-)?\d+\.\d+")


def is_header(fields: list[str]) -> bool:
    """A header row names its columns instead of holding a call."""
    names = {field.strip().lower() for field in fields}
    return {"src", "billsec", "disposition"} <= names


def columns_for(layout: str, fields: list[str]) -> tuple[str, ...] | None:
    """The column names of `layout` for a row like `fields`, or None if it cannot fit."""
    if layout == "cdr_custom":
        return CDR_CUSTOM if len(fields) == len(CDR_CUSTOM) else None
    return _cdr_csv_columns(fields)


def guess_layout(fields: list[str]) -> str | None:
    """Tell the layouts apart by where the start time and the disposition sit."""
    custom = len(fields) == len(CDR_CUSTOM) and _fits(fields, CDR_CUSTOM)
    plain = _cdr_csv_columns(fields) is not None
    if custom and not plain:
        return "cdr_custom"
    if plain and not custom:
        return "cdr_csv"
    return None


def _cdr_csv_columns(fields: list[str]) -> tuple[str, ...] | None:
    count = len(fields)
    if not 16 <= count <= 21:
        return None
    extra = list(fields[16:])
    tail: tuple[str, ...] = ()
    if count >= 19 and extra[-1].strip().isdigit():
        tail, extra = NEW_CDR_COLUMNS, extra[:-3]
    if len(extra) == 2:
        middle: tuple[str, ...] = ("uniqueid", "userfield")
    elif len(extra) == 1:
        middle = ("uniqueid",) if _UNIQUEID.fullmatch(extra[0].strip()) else ("userfield",)
    elif not extra:
        middle = ()
    else:
        return None
    columns = CDR_CSV_BASE + middle + tail
    return columns if _fits(fields, columns) else None


def _fits(fields: list[str], columns: tuple[str, ...]) -> bool:
    row = dict(zip(columns, fields, strict=True))
    return bool(_TIME.fullmatch(row["start"].strip())) and row["disposition"] in DISPOSITIONS
