"""Row-level problems found in an exchange file, and the exception that rejects the whole file."""

from dataclasses import dataclass

MAX_ERRORS = 100


@dataclass(frozen=True)
class RowError:
    """One problem: where it is (file name, 1-based line or row number) and why."""

    line: int
    reason: str
    file: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.file else f"line {self.line}"
        return f"{where}: {self.reason}"


class ImportRejected(Exception):
    """The file is refused as a whole: nothing read from it may be kept.

    `errors` holds at most MAX_ERRORS problems in file order; `truncated` says reading stopped
    there, so more problems may follow. Not retryable: the same bytes fail the same way.
    """

    retryable = False

    def __init__(self, errors: list[RowError], *, truncated: bool = False) -> None:
        self.errors = tuple(errors)
        self.truncated = truncated
        more = " (stopped reading: more may follow)" if truncated else ""
        shown = "; ".join(str(error) for error in self.errors[:5])
        super().__init__(f"{len(self.errors)} problem(s){more}: {shown}")


class RowProblem(Exception):
    """Raised inside a parser by value checks; turned into a RowError for the current row."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)
