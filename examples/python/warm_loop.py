"""stale-event-loop: a fresh event loop per invocation, a lock made under the first one."""
import asyncio

WRITE_LOCK = asyncio.Lock()


async def save(event):
    async with WRITE_LOCK:
        await asyncio.sleep(0.01)
    return {"saved": event["id"]}


def lambda_handler(event, context):
    return asyncio.run(save(event))
