from django.apps import AppConfig


class SandboxFergusConfig(AppConfig):
    name = "sandbox.fergus"
    label = "sandbox_fergus"
    verbose_name = "Sandbox: Fergus simulator"
