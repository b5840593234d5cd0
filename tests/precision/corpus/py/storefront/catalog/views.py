"""Catalogue views: price lookups fan out to a pool and wait; stock refreshes join their worker."""
import threading
from concurrent.futures import ThreadPoolExecutor

import boto3
from django.http import JsonResponse
from django.views import View

dynamodb = boto3.client("dynamodb")


def _price(sku):
    item = dynamodb.get_item(TableName="prices", Key={"sku": {"S": sku}})
    return sku, item.get("Item", {}).get("amount", {}).get("N")


def prices(request):
    skus = request.GET.getlist("sku")
    with ThreadPoolExecutor(max_workers=4) as pool:
        found = dict(pool.map(_price, skus))
    return JsonResponse(found)


class ItemView(View):
    def get(self, request, sku):
        return JsonResponse(dict([_price(sku)]))

    def post(self, request, sku):
        refresher = threading.Thread(target=_price, args=(sku,))
        refresher.start()
        refresher.join(timeout=5)
        return JsonResponse({"refreshed": sku})
