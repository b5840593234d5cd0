"""Order events from SQS, the Powertools way: structured logs, traces, metrics, partial batch
failures. Clients are made once per environment; nothing outlives an invocation."""
import json
import os

import boto3
from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

logger = Logger()
tracer = Tracer()
metrics = Metrics(namespace="Orders")
processor = BatchProcessor(event_type=EventType.SQS)
table = boto3.resource("dynamodb").Table(os.environ.get("ORDERS_TABLE", "orders"))


@tracer.capture_method
def record_handler(record: SQSRecord):
    order = json.loads(record.body)
    table.put_item(Item={"pk": order["id"], "status": "RECEIVED", "total": str(order["total"])})
    metrics.add_metric(name="OrderReceived", unit=MetricUnit.Count, value=1)
    return order["id"]


@logger.inject_lambda_context(log_event=False)
@tracer.capture_lambda_handler
@metrics.log_metrics(capture_cold_start_metric=True)
def lambda_handler(event, context):
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
