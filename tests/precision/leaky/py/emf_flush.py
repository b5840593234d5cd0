"""Flushing embedded metrics by hand, without awaiting the coroutine flush() returns."""
from aws_embedded_metrics.logger.metrics_logger_factory import create_metrics_logger


def handler(event, context):
    metrics = create_metrics_logger()
    metrics.put_metric("Signups", 1, "Count")
    metrics.flush()  # LEAK unawaited-coroutine
    return {"ok": True}
