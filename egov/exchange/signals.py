"""What the exchange announces to other apps, without knowing them (the exchange imports none of its listeners).

Both are sent inside the transaction that records the event, so a listener's writes commit or roll back with it.
A listener writes through its own app's service and must not raise for a document it does not care about.
"""

from __future__ import annotations

from django.dispatch import Signal

# An outgoing document's package (or its recall/update) was queued for recipients.
# kwargs: document, to_codes (list[str]), business_type (0 new, 1 recall, 2 update, 3 replace), actor.
package_queued = Signal()

# A status message about an outgoing document arrived from one of its recipients.
# kwargs: document, organ_code (the recipient that sent it), code ("01".."16"), description, occurred_at.
status_received = Signal()
