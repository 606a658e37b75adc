"""Who may see and manage which partner.

Everyone sees VERIFIED partners (and their vouchers); a PENDING or SUSPENDED partner is
visible to its owner and to admins only. The owner and admins manage its vouchers.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from shared.identity import Identity, Role
from subgraphs.rf.models import Partner, PartnerStatus

__all__ = ["Viewer"]


@dataclass(frozen=True, slots=True)
class Viewer:
    user_id: uuid.UUID | None
    is_admin: bool

    @classmethod
    def of(cls, identity: Identity) -> Viewer:
        if not identity.is_authenticated or identity.user_id is None:
            return cls(user_id=None, is_admin=False)
        try:
            user_id: uuid.UUID | None = uuid.UUID(identity.user_id)
        except ValueError:
            user_id = None
        return cls(user_id=user_id, is_admin=identity.role is Role.ADMIN)

    def owns(self, partner: Partner) -> bool:
        return self.user_id is not None and partner.owner_id == self.user_id

    def can_see(self, partner: Partner) -> bool:
        return partner.status is PartnerStatus.VERIFIED or self.is_admin or self.owns(partner)

    def can_manage(self, partner: Partner) -> bool:
        return self.is_admin or self.owns(partner)
