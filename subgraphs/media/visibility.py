"""Who may read which article: drafts belong to their author and to admins.

The same rule in two forms, kept side by side: a SQL predicate for lists and counts, and a
Python check for rows already loaded (by id, through a DataLoader).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import ColumnElement, or_, true

from shared.identity import Identity, Role
from subgraphs.media.models import Article, ArticleStatus

__all__ = ["Viewer"]


@dataclass(frozen=True, slots=True)
class Viewer:
    """The part of an identity that decides visibility (hashable: part of loader keys)."""

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

    def can_read(self, article: Article) -> bool:
        return (
            article.status is ArticleStatus.PUBLISHED
            or self.is_admin
            or (self.user_id is not None and article.author_id == self.user_id)
        )

    def can_edit(self, article: Article) -> bool:
        return self.is_admin or (self.user_id is not None and article.author_id == self.user_id)

    def readable(self) -> ColumnElement[bool]:
        """SQL: the articles this viewer may read."""
        if self.is_admin:
            return true()
        published = Article.status == ArticleStatus.PUBLISHED
        if self.user_id is None:
            return published
        return or_(published, Article.author_id == self.user_id)
