"""A chat bot webhook: one event loop kept for the whole environment, driven by the
synchronous handler; `main` is the coroutine it runs, not a second entry point."""
import asyncio
import json

import aiohttp

LOOP = asyncio.new_event_loop()
API = "https://chat.example.com/bot"


async def reply(session: aiohttp.ClientSession, chat_id: int, text: str) -> int:
    async with session.post(f"{API}/sendMessage", json={"chat_id": chat_id, "text": text}) as response:
        return response.status


async def main(event, context):
    update = json.loads(event["body"])
    async with aiohttp.ClientSession() as session:
        status = await reply(session, update["message"]["chat"]["id"], "got it")
    return {"statusCode": 200, "body": json.dumps({"sent": status})}


def lambda_handler(event, context):
    asyncio.set_event_loop(LOOP)
    return LOOP.run_until_complete(main(event, context))
