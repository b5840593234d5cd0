"""A FastAPI service behind API Gateway. Background tasks run inside the invocation (Mangum
waits for them); outbound calls use a client made per request."""
import asyncio

import httpx
from fastapi import APIRouter, BackgroundTasks, FastAPI

app = FastAPI(title="catalog")
items = APIRouter(prefix="/items")
SEARCH_URL = "https://search.internal.example.com"


def write_audit(item_id: str, action: str) -> None:
    print({"item": item_id, "action": action})


async def _lookup(client: httpx.AsyncClient, item_id: str) -> dict:
    response = await client.get(f"{SEARCH_URL}/items/{item_id}")
    response.raise_for_status()
    return response.json()


@app.get("/health")
async def health():
    return {"ok": True}


@items.get("/{item_id}")
async def read_item(item_id: str, background_tasks: BackgroundTasks):
    async with httpx.AsyncClient(timeout=3) as client:
        item, related = await asyncio.gather(_lookup(client, item_id), _lookup(client, item_id + "-related"))
    background_tasks.add_task(write_audit, item_id, "read")
    return {"item": item, "related": related}


@items.delete("/{item_id}")
def delete_item(item_id: str, background_tasks: BackgroundTasks):
    background_tasks.add_task(write_audit, item_id, "delete")
    return {"deleted": item_id}


app.include_router(items)
