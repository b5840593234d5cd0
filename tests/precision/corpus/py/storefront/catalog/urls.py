from django.urls import path, re_path
from django.views.decorators.http import require_GET

from catalog import views

urlpatterns = [
    path("prices/", require_GET(views.prices)),
    re_path(r"^items/(?P<sku>[\w-]+)/$", views.ItemView.as_view()),
]
