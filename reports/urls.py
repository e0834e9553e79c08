from django.contrib.auth import views as auth_views
from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("", views.dashboard, name="home"),
    path("login/", auth_views.LoginView.as_view(template_name="registration/login.html"),
         name="login"),
    path("logout/", auth_views.LogoutView.as_view(next_page="reports:login"), name="logout"),
    path("mismatches/", views.mismatch_report, name="mismatches"),
    path("mismatches/export.csv", views.mismatch_export, name="mismatch_export"),
    path("mismatches/resync/", views.mismatch_resync_view, name="mismatch_resync"),
    path("mismatches/<int:pk>/ignore/", views.mismatch_ignore_view, name="mismatch_ignore"),
    path("connections/<int:connection_id>/reconcile/", views.reconcile_now,
         name="reconcile_now"),
    path("runs/", views.run_history, name="runs"),
]
