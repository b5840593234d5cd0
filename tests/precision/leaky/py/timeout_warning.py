"""An error reporter whose timeout warning survives a raising handler into the next invocation."""
import functools
import threading


def _warn(name):
    print(name, "is about to time out")


def report_errors(handler):
    @functools.wraps(handler)
    def decorated(event, context):
        warning = threading.Timer(context.get_remaining_time_in_millis() / 1000 - 1, _warn, args=(context.function_name,))
        warning.start()  # LEAK timer-leak
        response = handler(event, context)
        warning.cancel()
        return response

    return decorated


@report_errors
def handler(event, context):
    if not event.get("id"):
        raise ValueError("missing id")
    return {"id": event["id"]}
