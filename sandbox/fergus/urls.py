"""Mounted at /fergus/ by sandbox.urls. The back door comes first; everything else is the API."""

from django.urls import path, re_path

from sandbox.fergus import backdoor, views

urlpatterns = [
    path("_backdoor/<str:action>", backdoor.backdoor_view, name="fergus-backdoor"),
    re_path(r"^(?P<path>.*)$", views.dispatch, name="fergus-api"),
]
