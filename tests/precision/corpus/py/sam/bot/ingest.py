"""The deployment names `entry`; `main` is a coroutine with a handler-like signature that a
helper drives."""
import asyncio

import aioboto3

session = aioboto3.Session()


async def main(event, context):
    async with session.client("sqs") as sqs:
        await sqs.send_message(QueueUrl=event["queue"], MessageBody=event["body"])
    return {"queued": True}


def _run(event, context):
    return asyncio.run(main(event, context))


def entry(event, context):
    return _run(event, context)
