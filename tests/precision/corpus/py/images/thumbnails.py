"""Thumbnails for every uploaded image of an S3 event, made in parallel threads that the
handler waits for before it returns."""
import io
from concurrent.futures import ThreadPoolExecutor, as_completed
from urllib.parse import unquote_plus

import boto3

s3 = boto3.client("s3")
SIZES = (64, 256, 1024)
DOWNLOADS = ThreadPoolExecutor(max_workers=8)


def _resize(body: bytes, size: int) -> bytes:
    return body[: size * size]


def _thumbnail(bucket: str, key: str, size: int) -> str:
    original = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    target = f"thumbs/{size}/{key}"
    s3.put_object(Bucket=bucket, Key=target, Body=io.BytesIO(_resize(original, size)))
    return target


def _objects(event):
    for record in event["Records"]:
        yield record["s3"]["bucket"]["name"], unquote_plus(record["s3"]["object"]["key"])


def handler(event, context):
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = {pool.submit(_thumbnail, bucket, key, size): key for bucket, key in _objects(event) for size in SIZES}
        made = [future.result() for future in as_completed(futures)]
    return {"thumbnails": made}


def warm_handler(event, context):
    sizes = list(DOWNLOADS.map(lambda item: s3.head_object(Bucket=item[0], Key=item[1])["ContentLength"], _objects(event)))
    pending = [DOWNLOADS.submit(_thumbnail, bucket, key, 64) for bucket, key in _objects(event)]
    for future in pending:
        future.result(timeout=context.get_remaining_time_in_millis() / 1000)
    return {"bytes": sum(sizes)}
