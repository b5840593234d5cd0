"""async-handler, unawaited-coroutine and dangling-task."""
import asyncio


async def notify(message):
    await asyncio.sleep(0.1)
    print(message)


async def process(event):
    notify("started")
    asyncio.create_task(notify("in the background"))
    return {"ok": True}


async def handler(event, context):
    return await process(event)
