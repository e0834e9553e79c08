from django.contrib import admin
from django.urls import include, path

from sync.health import healthz

admin.site.site_header = "Cliniko → Fergus integration portal"
admin.site.site_title = "Integration portal"
admin.site.index_title = "Administration"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("", include("reports.urls")),
]
