from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Cliniko → Fergus integration portal"
admin.site.site_title = "Integration portal"
admin.site.index_title = "Administration"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("reports.urls")),
]
