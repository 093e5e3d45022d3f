"""``client.users``: the tenant's users (an admin API: it is shared by every environment)."""

from __future__ import annotations

from welkin_async._pagination import Paginator
from welkin_async.models import User
from welkin_async.resources._base import Resource


class Users(Resource):
    """The tenant's users."""

    __slots__ = ()

    def list(self, *, size: int = 100) -> Paginator[User]:
        """Every user of the tenant."""
        return self._client.paginate("GET", "admin/users", size=size, item_type=User)

    async def get(self, user_id: str, /) -> User:
        """One user by id."""
        return await self._call(
            User,
            "GET",
            "admin/users/{user_id}",
            path_params={"user_id": user_id},
            params={"type": "ID"},
        )
