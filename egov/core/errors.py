"""Domain errors: raised by services, turned into a clear 4xx by views and the API, never a 500."""

from __future__ import annotations


class DomainError(Exception):
    """A request that the rules refuse. `field` names the input at fault when there is one."""

    status = 400
    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = str(message)
        self.field = field
        if code:
            self.code = code

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "field": self.field}


class ValidationFailed(DomainError):
    """Input that breaks a rule; may carry several field errors."""

    status = 422
    code = "validation_error"

    def __init__(self, errors: dict[str, list[str]] | str, *, field: str | None = None) -> None:
        if isinstance(errors, str):
            errors = {field or "__all__": [errors]}
        self.errors = errors
        first_field, messages = next(iter(errors.items()))
        super().__init__(messages[0], field=None if first_field == "__all__" else first_field)

    def as_dict(self) -> dict:
        data = super().as_dict()
        data["errors"] = [
            {"field": None if name == "__all__" else name, "message": str(message)}
            for name, messages in self.errors.items()
            for message in messages
        ]
        return data


class PermissionDenied(DomainError):
    status = 403
    code = "permission_denied"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class InvalidTransition(DomainError):
    status = 409
    code = "invalid_transition"
