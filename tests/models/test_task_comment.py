"""A task comment as the tasks calls serve it (with its ``author``) and as a goal's view of its
tasks shows it (named by its writers' names, with ``updatedAt``): both decode typed."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from welkin_async import structure
from welkin_async.models import TaskComment

COMMENT_ID = "94852cc2-ecbc-4fa1-8641-a8f2252b9ffb"


def test_a_goal_views_comment_decodes_its_writers_names() -> None:
    """createdByName, updatedByName and updatedAt are typed fields, not wire extras."""
    comment = structure(
        {
            "id": COMMENT_ID,
            "createdByName": "Jane Dou",
            "createdAt": "2021-05-05T07:24:09.133Z",
            "updatedByName": "John Dou",
            "updatedAt": "2021-05-06T07:24:09.133Z",
            "text": "Lorem ipsum",
        },
        TaskComment,
    )
    assert (comment.id, comment.created_by_name, comment.updated_by_name) == (
        UUID(COMMENT_ID),
        "Jane Dou",
        "John Dou",
    )
    assert comment.updated_at == datetime(2021, 5, 6, 7, 24, 9, 133000, tzinfo=UTC)
    assert comment.wire_extra == {}
