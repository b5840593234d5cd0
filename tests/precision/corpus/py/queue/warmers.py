"""Helpers that look like handlers to a glance at the text, but are none: a cached function
taking two arguments under a wrapped `functools` decorator, and a parenthesised assignment of a
name no handler setting matches. Nothing here is on a handler path, so the background refresh
thread it starts is not a leak."""
import functools
import threading

import boto3


@functools.lru_cache(
    maxsize=32,
)
def table_for(region, name):
    return boto3.resource("dynamodb", region_name=region).Table(name)


def refresh_in_background(region, name):
    threading.Thread(target=table_for, args=(region, name)).start()


session_factory = (
    boto3.session.Session
)
