"""A lease in the database: one pusher and one poller at a time across all workers, so messages stay in order.

The lease is taken with a conditional UPDATE (free, expired, or already ours) and renewed on every round; a
worker killed while holding it loses it when it expires, and another worker takes over.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import threading

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from egov.exchange.models import Lease

_ME = f"{socket.gethostname()}:{os.getpid()}"


def holder() -> str:
    return f"{_ME}:{threading.get_ident()}"


def _dead_here(value: str) -> bool:
    """A holder on this machine whose process is gone (killed): its lease need not run out first."""
    host, _, rest = value.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def acquire(name: str, *, seconds: int = 15) -> bool:
    now = timezone.now()
    me = holder()
    expires = now + dt.timedelta(seconds=seconds)
    free = Q(expires_at__lt=now) | Q(expires_at__isnull=True) | Q(holder=me)
    with transaction.atomic():
        taken = Lease.objects.filter(name=name).filter(free).update(holder=me, expires_at=expires)
        if not taken:
            current = Lease.objects.filter(name=name).values_list("holder", flat=True).first()
            if current and _dead_here(current):
                taken = Lease.objects.filter(name=name, holder=current).update(holder=me, expires_at=expires)
    if taken:
        return True
    try:
        with transaction.atomic():
            Lease.objects.create(name=name, holder=me, expires_at=expires)
        return True
    except IntegrityError:
        return False


def release(name: str) -> None:
    Lease.objects.filter(name=name, holder=holder()).update(holder="", expires_at=None)
