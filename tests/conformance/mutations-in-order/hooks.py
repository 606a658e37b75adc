"""Every mutation appends itself to the case's shared log and answers its position and the log.

addItem first yields to the event loop for a moment: were the router to send the root
mutation fields concurrently, a later checkout would be logged before it.
"""

import asyncio
from typing import Any


def _step(info: Any, entry: str) -> dict[str, Any]:
    log: list[str] = info.context["state"].log
    log.append(entry)
    return {"seq": len(log), "seen": list(log)}


async def add_item(_: Any, info: Any, name: str) -> dict[str, Any]:
    await asyncio.sleep(0.05)
    return _step(info, f"addItem({name})")


def checkout(_: Any, info: Any) -> dict[str, Any]:
    return _step(info, "checkout")


RESOLVERS = {"cart": {"Mutation.addItem": add_item}, "orders": {"Mutation.checkout": checkout}}
