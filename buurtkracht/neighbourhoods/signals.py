"""What other apps hear about memberships (decision 0048). Neighbourhoods come first in
the layers: the apps built on them (the time bank) listen here, so this app never imports
them. Sent inside the service's transaction: what a receiver writes commits or rolls back
with the membership. Receivers only call a service of their own app."""

from django.dispatch import Signal

member_joined = Signal()
"""Someone became a member: `membership` (a Membership)."""

member_left = Signal()
"""Someone left or was removed: `actor`, `user`, `neighbourhood`."""
