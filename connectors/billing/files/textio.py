"""Reading exchange files as lines without loading them whole, and guessing their encoding.

Encoding rule for the CSV formats Kabinet defines: a UTF-8 byte order mark means UTF-8; otherwise
the first 64 KiB must decode as strict UTF-8 to be taken as UTF-8, else the file is Windows-1251.
This is reliable for Russian text because Cyrillic in Windows-1251 is bytes 0xC0-0xFF, and two
such bytes in a row (any Cyrillic word) are never valid UTF-8. Pure ASCII reads the same either way.
"""

import codecs
from collections.abc import Iterator
from typing import BinaryIO

SNIFF_BYTES = 64 * 1024
CHUNK_BYTES = 1024 * 1024
UTF8 = "utf-8"
CP1251 = "cp1251"
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def detect_encoding(head: bytes) -> str:
    """Return "utf-8-sig", "utf-8" or "cp1251" for a file that starts with `head`.

    Raises ValueError for UTF-16 and for binary data, which no Kabinet format accepts.
    """
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith(_UTF16_BOMS) or b"\x00" in head:
        raise ValueError("not a text file (UTF-16 or binary); save it as UTF-8 or Windows-1251")
    try:
        # Not final: the sample may end inside a multi-byte character.
        codecs.getincrementaldecoder(UTF8)().decode(head, final=False)
    except UnicodeDecodeError:
        return CP1251
    return UTF8


def peek(stream: BinaryIO) -> tuple[bytes, Iterator[bytes]]:
    """Read the first bytes of `stream` and return them with an iterator over all its chunks."""
    head = stream.read(SNIFF_BYTES)

    def chunks() -> Iterator[bytes]:
        yield head
        while chunk := stream.read(CHUNK_BYTES):
            yield chunk

    return head, chunks()


def byte_lines(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """Split a stream of chunks into lines at LF, each keeping its ending (CRLF stays whole)."""
    # Pieces of the line being read are kept apart and joined once, so a very long line costs
    # time in proportion to its length, not to its square.
    pieces: list[bytes] = []
    for chunk in chunks:
        start = 0
        while (end := chunk.find(b"\n", start)) != -1:
            pieces.append(chunk[start : end + 1])
            yield b"".join(pieces)
            pieces = []
            start = end + 1
        if start < len(chunk):
            pieces.append(chunk[start:])
    if pieces:
        yield b"".join(pieces)


def text_lines(
    chunks: Iterator[bytes], encoding: str, errors: list[int] | None = None
) -> Iterator[str]:
    """Decode lines one by one; a line that does not decode is replaced and its number noted."""
    bom = encoding == "utf-8-sig"
    codec = UTF8 if bom else encoding
    for number, raw in enumerate(byte_lines(chunks), start=1):
        if bom and number == 1:
            raw = raw.removeprefix(codecs.BOM_UTF8)
        try:
            yield raw.decode(codec)
        except UnicodeDecodeError:
            if errors is not None:
                errors.append(number)
            yield raw.decode(codec, errors="replace")
