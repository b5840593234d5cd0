"""A Python handler that starts a thread and returns without joining it."""
import threading


def send_metrics(event):
    print("metrics", event)


def handler(event, context):
    threading.Thread(target=send_metrics, args=(event,)).start()
    return "OK"
