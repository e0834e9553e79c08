"""Guided onboarding of a clinic in the admin (services, forms, views; no app of its own)."""
