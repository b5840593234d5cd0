"""executor-leak, process-leak and timer-leak: work that outlives the invocation."""
import multiprocessing
import threading
from concurrent.futures import ThreadPoolExecutor

pool = ThreadPoolExecutor(max_workers=4)


def resize(key):
    print("resizing", key)


def lambda_handler(event, context):
    pool.submit(resize, event["key"])
    multiprocessing.Process(target=resize, args=(event["key"],)).start()
    threading.Timer(1.0, resize, args=(event["key"],)).start()
    return {"statusCode": 202}
