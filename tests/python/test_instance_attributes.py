"""`self.client.fetch()`: an instance attribute's class is read from the attribute's assignments
(no astroid inference, which would read other modules), through chains and local base classes."""

from __future__ import annotations

import textwrap

from lambda_leak.config import Config
from lambda_leak.engine import analyse_source

SOURCE = textwrap.dedent('''
    import asyncio


    class Base:
        async def fetch(self):
            await asyncio.sleep(0)

        def plain(self):
            return 1


    class Client(Base):
        pass


    class Session:
        cache = Client()

        def __init__(self):
            self.client = Client()


    class Service:
        def __init__(self, other):
            self.session = Session()
            self.other = other

        async def run(self):
            self.session.client.fetch()
            self.session.cache.fetch()
            self.session.client.plain()
            self.other.fetch()
            await self.session.client.fetch()


    def handler(event, context):
        return asyncio.run(Service(None).run())
''')


def test_chains_of_instance_attributes_and_local_bases():
    report = analyse_source("app.py", SOURCE, Config(select=frozenset({"unawaited-coroutine"})))
    lines = [f.range.start.line + 1 for f in report.findings]
    # `self.other` holds a parameter (unknown), `plain` is not async, the last one is awaited
    assert lines == [SOURCE.split("\n").index("        self.session.client.fetch()") + 1,
                     SOURCE.split("\n").index("        self.session.cache.fetch()") + 1]
