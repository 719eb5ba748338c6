"""Who is acting: a signed-in person, another system through an API key, or the platform itself."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from egov.accounts.models import ApiKey, User
    from egov.organisations.models import Organisation


@dataclass
class Actor:
    user: User | None = None
    api_key: ApiKey | None = None
    organisation: Organisation | None = None  # the organisation acted for (đơn vị đang làm việc)
    ip_address: str | None = None
    request_id: str | None = None
    system_label: str | None = None

    @classmethod
    def system(cls, label: str) -> Actor:
        """The platform itself (command line, background job): may do everything."""
        return cls(system_label=label)

    @property
    def is_system(self) -> bool:
        return self.user is None and self.api_key is None and self.system_label is not None

    @property
    def is_authenticated(self) -> bool:
        return self.is_system or self.api_key is not None or (self.user is not None and self.user.is_authenticated)

    @property
    def label(self) -> str:
        if self.user is not None and self.user.is_authenticated:
            return f"{self.user.full_name} ({self.user.username})"
        if self.api_key is not None:
            return f"API: {self.api_key.system_name} ({self.api_key.prefix})"
        return self.system_label or "anonymous"

    @cached_property
    def grants(self) -> dict[str, tuple[str, ...] | None]:
        """Permission → organisation paths it holds in (None: everywhere)."""
        from egov.accounts.permissions import grants_for

        return grants_for(self)
