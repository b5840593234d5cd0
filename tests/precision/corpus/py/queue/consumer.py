"""An SQS consumer formatted by Black: the Powertools decorator's arguments are wrapped over
several lines and a comment sits before the def. Every message's upload is waited for before the
handler returns (the executor is used as a context manager)."""
from concurrent.futures import ThreadPoolExecutor

from aws_lambda_powertools.utilities.data_classes import SQSEvent, event_source


def _store(body: str) -> None:
    print("stored", len(body))


@event_source(
    data_class=SQSEvent,
)
# one batch per invocation
def process(event, context):
    with ThreadPoolExecutor(max_workers=4) as pool:
        for record in event.records:
            pool.submit(_store, record.body)
    return {"batchItemFailures": []}
