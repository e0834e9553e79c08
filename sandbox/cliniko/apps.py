from django.apps import AppConfig


class SandboxClinikoConfig(AppConfig):
    name = "sandbox.cliniko"
    label = "sandbox_cliniko"
    verbose_name = "Sandbox: Cliniko simulator"
