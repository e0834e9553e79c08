from django.urls import include, path

from sandbox.control import faults_view

urlpatterns = [
    path("cliniko/<str:shard>/v1/", include("sandbox.cliniko.urls")),
    path("fergus/", include("sandbox.fergus.urls")),
    path("_control/faults/<str:scope>", faults_view, name="sandbox-faults"),
]
