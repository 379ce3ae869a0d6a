"""What is wrong with an imported file: where (row and column, as the file names them) and what."""

from dataclasses import dataclass
from typing import TypedDict


class ProblemJSON(TypedDict):
    row: int | None
    column: str
    message: str


@dataclass(frozen=True, slots=True)
class Problem:
    # The file's own row number (the header is row 1); None for the file as a whole.
    row: int | None
    # The column's header as written in the file; "" when the problem is not about one column.
    column: str
    message: str

    def format(self, file_name: str) -> str:
        """``file:row:column: message``, the form a person greps and an editor jumps to."""
        if self.row is None:
            return f"{file_name}: {self.message}"
        if not self.column:
            return f"{file_name}:{self.row}: {self.message}"
        return f"{file_name}:{self.row}:{self.column}: {self.message}"

    def as_json(self) -> ProblemJSON:
        return {"row": self.row, "column": self.column, "message": self.message}


class FileRejected(Exception):  # noqa: N818 - it names the outcome, like Http404
    """The file cannot be imported at all: unreadable, unrecognised or missing columns."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(problem.message for problem in problems))
        self.problems = problems

    @classmethod
    def whole_file(cls, message: str) -> "FileRejected":
        return cls([Problem(row=None, column="", message=message)])
