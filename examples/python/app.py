"""thread-leak: the thread is frozen when the handler returns and resumes in a later invocation."""
import threading


def send_metrics(payload):
    print("sending", payload)


def lambda_handler(event, context):
    threading.Thread(target=send_metrics, args=(event,)).start()
    return {"statusCode": 200}
