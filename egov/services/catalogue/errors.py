"""Problems found in catalogue records and files, each naming the record (or CSV line) and the field."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from egov.core.errors import ValidationFailed


@dataclass(frozen=True)
class RecordError:
    """One problem: the record's number (from 1) or the CSV line, the field or column, and what is wrong."""

    index: int | None
    field: str | None
    message: str
    row: int | None = None

    def __str__(self) -> str:
        if self.row is not None:
            where = _("Dòng %(row)d") % {"row": self.row}
            if self.field:
                where += ", " + _("cột %(column)s") % {"column": self.field}
        elif self.index is not None:
            where = _("Bản ghi %(index)d") % {"index": self.index}
            if self.field:
                where += ", " + _("trường %(field)s") % {"field": self.field}
        else:
            return self.message
        return f"{where}: {self.message}"

    def as_dict(self) -> dict:
        return {"index": self.index, "row": self.row, "field": self.field, "message": self.message, "text": str(self)}


class CatalogueFileError(ValidationFailed):
    """A file that cannot be read as catalogue records; `problems` lists every place at fault."""

    def __init__(self, problems: list[RecordError]) -> None:
        self.problems = problems
        super().__init__({"file": [str(p) for p in problems]})
