"""The one base every exchange-file parser derives from."""

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, BinaryIO, ClassVar, Generic, TypeVar

from connectors.billing.files.errors import MAX_ERRORS, ImportRejected, RowError, RowProblem
from connectors.billing.types import UsageRecordData

T = TypeVar("T")


class _ErrorLimitReached(Exception):
    pass


class FileParser(ABC, Generic[T]):
    """Turns one or more files of one format into typed records, all or nothing.

    Construct with binary streams (opened "rb"; several files of one format are one import, in
    the order given), then iterate `records()`. It is a generator: records are yielded while
    the files are read, so memory does not grow with the file, only with what a format must
    remember (open RADIUS sessions, the last reading per meter, one digest per record key for
    duplicate detection). Problems do not stop the reading: every bad row is noted as a
    `RowError`, nothing more is yielded after the first one, and when the files are exhausted
    `ImportRejected` is raised with all of them (reading stops early at MAX_ERRORS). A caller
    writes inside a database transaction and rolls back on `ImportRejected`.

    `now` anchors the "not in the future" check; it defaults to the current time.
    """

    format_name: ClassVar[str] = ""

    def __init__(self, *streams: BinaryIO, now: datetime | None = None) -> None:
        if not streams:
            raise TypeError("give at least one file")
        self.streams = streams
        self.now = (now or datetime.now(UTC)).astimezone(UTC)
        self.errors: list[RowError] = []
        self._seen: dict[bytes, tuple[bytes, int]] = {}
        self._file = ""

    def records(self) -> Iterator[T]:
        """Yield every record of every file, then raise ImportRejected if anything was wrong."""
        self.errors = []
        self._seen = {}
        try:
            for index, stream in enumerate(self.streams):
                self._file = str(getattr(stream, "name", "") or f"file {index + 1}")
                yield from self._only_while_clean(self.parse_file(stream))
            self._file = ""
            yield from self._only_while_clean(self.finish())
        except _ErrorLimitReached:
            raise ImportRejected(self.errors, truncated=True) from None
        if self.errors:
            raise ImportRejected(self.errors)

    @abstractmethod
    def parse_file(self, stream: BinaryIO) -> Iterator[T]:
        """Yield the records of one file; report bad rows with `reject`."""

    def finish(self) -> Iterator[T]:
        """Yield what can only be known after the last file (e.g. sessions without a Stop)."""
        return iter(())

    def reject(self, line: int, reason: str) -> None:
        """Note a problem at `line` of the current file."""
        self.errors.append(RowError(line=line, reason=reason, file=self._file))
        if len(self.errors) >= MAX_ERRORS:
            raise _ErrorLimitReached

    def is_new(self, key: str, values: tuple[Any, ...], line: int) -> bool:
        """False for an exact repeat of an earlier key; a repeat with other values is rejected.

        Only two 16-byte digests are kept per key, so millions of rows stay affordable.
        """
        key_digest = hashlib.blake2b(key.encode(), digest_size=16).digest()
        value_digest = hashlib.blake2b(repr(values).encode(), digest_size=16).digest()
        earlier = self._seen.get(key_digest)
        if earlier is None:
            self._seen[key_digest] = (value_digest, line)
            return True
        if earlier[0] != value_digest:
            self.reject(line, f"{key} appears again with other values (first at line {earlier[1]})")
        return False

    def _only_while_clean(self, items: Iterator[T]) -> Iterator[T]:
        # Keep reading after a problem to report every one, but hand out nothing more.
        for item in items:
            if not self.errors:
                yield item


class UsageParser(FileParser[UsageRecordData]):
    """A parser whose records are `UsageRecordData`: see FileParser for the contract."""


__all__ = ["FileParser", "ImportRejected", "RowError", "RowProblem", "UsageParser"]
