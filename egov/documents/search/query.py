"""What a person types in the search box (từ khóa tìm kiếm) and the filters beside it, checked and normalised.

Words are matched without diacritics ("quyet dinh" finds "Quyết định"); a word typed with diacritics matches
the same documents and ranks those spelled exactly that way higher. Text in double quotes is an exact phrase:
its words in that order, diacritics respected, case ignored. A number and symbol such as "2508/QĐ-UBND" is
split into its words, which must then be adjacent ("2508 qđ ubnd"), so the punctuation typed does not matter.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _

from egov.core.errors import ValidationFailed
from egov.core.text import clean, fold

MAX_QUERY_LENGTH = 500  # the length of SavedSearch.query
# A longer "word" is an encoded blob or a hash, never something a person searches for; both engines
# refuse or truncate such tokens, so they are left out on both sides alike.
MAX_TOKEN_LENGTH = 60

_TOKEN = re.compile(r"[^\W_]+")
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "＂": '"'})


def words(text: str) -> list[str]:
    """The words of a text as both engines index them: NFC, lower-case, letters and digits only."""
    if not text:
        return []
    normal = unicodedata.normalize("NFC", text).lower()
    return [w for w in _TOKEN.findall(normal) if len(w) <= MAX_TOKEN_LENGTH]


def has_marks(word: str) -> bool:
    return fold(word) != word


@dataclass(frozen=True)
class Term:
    """One thing the document must contain: a word, or words that must be adjacent (a phrase)."""

    tokens: tuple[str, ...]
    exact: bool = False  # typed in quotes: diacritics must match too

    @property
    def folded(self) -> tuple[str, ...]:
        return tuple(fold(t) for t in self.tokens)


@dataclass(frozen=True)
class ParsedQuery:
    text: str
    terms: tuple[Term, ...] = ()

    @property
    def is_blank(self) -> bool:
        """Nothing typed: the search lists documents by the filters alone."""
        return not self.text

    @property
    def matches_nothing(self) -> bool:
        """Something typed but no word in it (only punctuation): no document can match."""
        return bool(self.text) and not self.terms

    @property
    def boost_tokens(self) -> tuple[str, ...]:
        """Words typed with diacritics outside quotes: documents spelling them the same rank higher."""
        seen: list[str] = []
        for term in self.terms:
            if not term.exact:
                seen.extend(t for t in term.tokens if has_marks(t) and t not in seen)
        return tuple(seen)

    @property
    def folded_text(self) -> str:
        return " ".join(" ".join(term.folded) for term in self.terms)


def parse_query(raw: str | None) -> ParsedQuery:
    text = clean(raw).translate(_QUOTES)
    if len(text) > MAX_QUERY_LENGTH:
        raise ValidationFailed(
            {"q": [_("Từ khóa tìm kiếm tối đa %(n)d ký tự (đang có %(m)d).") % {"n": MAX_QUERY_LENGTH, "m": len(text)}]}
        )
    terms: list[Term] = []

    def add(term: Term) -> None:
        if term.tokens and term not in terms:
            terms.append(term)

    # Split on quotes: odd pieces were inside quotes; an unclosed quote runs to the end of the text.
    for index, piece in enumerate(text.split('"')):
        if index % 2:
            add(Term(tuple(words(piece)), exact=True))
            continue
        for chunk in piece.split():
            add(Term(tuple(words(chunk))))
    return ParsedQuery(text=text, terms=tuple(terms))


# --- Filters -----------------------------------------------------------------------------------------------

FILTER_KEYS = ("direction", "year", "issued_from", "issued_to", "type_code", "urgency", "organisation", "state")


@dataclass(frozen=True)
class SearchFilters:
    """The filters of a search (bộ lọc); None or "" means "any"."""

    direction: str = ""
    year: int | None = None
    issued_from: dt.date | None = None
    issued_to: dt.date | None = None
    type_code: str = ""
    urgency: str = ""
    organisation: int | None = None
    state: str = ""

    def as_json(self) -> dict:
        """Only the filters that are set, JSON-safe (dates in ISO form), for a saved search."""
        data = {}
        for key in FILTER_KEYS:
            value = getattr(self, key)
            if value in (None, ""):
                continue
            data[key] = value.isoformat() if isinstance(value, dt.date) else value
        return data

    @property
    def is_empty(self) -> bool:
        return not self.as_json()


def _date(value, key: str, errors: dict) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        errors[key] = [_("Ngày không hợp lệ (dạng YYYY-MM-DD).")]
        return None


def _whole(value, key: str, errors: dict, low: int, high: int, message: str) -> int | None:
    if isinstance(value, bool):
        errors[key] = [message]
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
    else:
        errors[key] = [message]
        return None
    if not low <= number <= high:
        errors[key] = [message]
        return None
    return number


def parse_filters(filters: dict | None) -> SearchFilters:
    """Check the filters; every bad value is reported at once, on its own key."""
    from egov.documents.models import Direction, IncomingState, OutgoingState, Urgency

    if not filters:
        return SearchFilters()
    if not isinstance(filters, dict):
        raise ValidationFailed({"filters": [_("Bộ lọc không hợp lệ.")]})
    errors: dict[str, list[str]] = {}
    unknown = sorted(str(k) for k in filters if k not in FILTER_KEYS)
    if unknown:
        errors["filters"] = [_("Không có điều kiện lọc “%(keys)s”.") % {"keys": ", ".join(unknown)}]
    values = {k: filters.get(k) for k in FILTER_KEYS if filters.get(k) not in (None, "")}
    out: dict = {}

    def choice(key: str, allowed, message: str) -> None:
        if key in values:
            value = str(values[key]).strip()
            if value in allowed:
                out[key] = value
            else:
                errors[key] = [message]

    choice("direction", Direction.values, _("Loại sổ phải là văn bản đi hoặc văn bản đến."))
    choice("urgency", Urgency.values, _("Độ khẩn không hợp lệ."))
    choice("state", set(OutgoingState.values) | set(IncomingState.values), _("Trạng thái không hợp lệ."))
    if "year" in values:
        out["year"] = _whole(values["year"], "year", errors, 1900, 2999, _("Năm không hợp lệ."))
    if "organisation" in values:
        out["organisation"] = _whole(
            values["organisation"], "organisation", errors, 1, 2**63 - 1, _("Cơ quan không hợp lệ.")
        )
    for key in ("issued_from", "issued_to"):
        if key in values:
            out[key] = _date(values[key], key, errors)
    if out.get("issued_from") and out.get("issued_to") and out["issued_from"] > out["issued_to"]:
        errors["issued_to"] = [_("Ngày kết thúc phải sau hoặc bằng ngày bắt đầu.")]
    if "type_code" in values:
        code = clean(str(values["type_code"]))
        if len(code) > 40:
            errors["type_code"] = [_("Loại văn bản không hợp lệ.")]
        else:
            out["type_code"] = code
    if errors:
        raise ValidationFailed(errors)
    return SearchFilters(**out)
