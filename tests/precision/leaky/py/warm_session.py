"""A cached aiohttp session made under the first invocation's event loop."""
import asyncio

import aiohttp

_session = None


async def _client():
    global _session
    if _session is None:
        _session = aiohttp.ClientSession()  # LEAK stale-event-loop
    return _session


async def fetch(url):
    session = await _client()
    async with session.get(url) as response:
        return await response.text()


def lambda_handler(event, context):
    return asyncio.run(fetch(event["url"]))
