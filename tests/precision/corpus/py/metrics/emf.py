"""Embedded-metric-format metrics: the decorator flushes them when the handler returns."""
from aws_embedded_metrics import metric_scope
from aws_embedded_metrics.config import get_config

get_config().namespace = "Checkout"


@metric_scope
def handler(event, context, metrics):
    metrics.set_dimensions({"Stage": event.get("stage", "prod")})
    metrics.put_metric("Checkouts", 1, "Count")
    metrics.set_property("RequestId", context.aws_request_id)
    return {"ok": True}
