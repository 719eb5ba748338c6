"""Pages: imports."""

from __future__ import annotations

urlpatterns: list = []
