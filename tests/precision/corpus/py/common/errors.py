"""Error reporting for every function: warns shortly before the Lambda timeout and reports
exceptions. The warning timer is cancelled on every path, the raising one included."""
import functools
import logging
import threading

log = logging.getLogger("errors")


def _warn(function_name: str) -> None:
    log.warning("%s is about to time out", function_name)


def report_errors(handler):
    @functools.wraps(handler)
    def decorated(event, context):
        remaining = context.get_remaining_time_in_millis() / 1000
        warning = threading.Timer(max(remaining - 1.0, 0.0), _warn, args=(context.function_name,))
        warning.daemon = True
        warning.start()
        try:
            return handler(event, context)
        except Exception:
            log.exception("unhandled error in %s", context.function_name)
            raise
        finally:
            warning.cancel()

    return decorated
