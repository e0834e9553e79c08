"""Deterministic seeding of a Fergus company (called by `manage.py sandbox_seed`)."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from sandbox.fergus import models as m

TOKEN_DAYS = 365  # PATs expire after 365 days (HELP)


@dataclass
class CompanySeed:
    token: str  # the owner's PAT
    company_id: int
    user_tokens: dict[str, str] = field(default_factory=dict)  # e-mail -> PAT


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _names(email: str) -> tuple[str, str]:
    local = email.split("@", 1)[0].replace("_", ".").replace("-", ".")
    parts = [p.capitalize() for p in local.split(".") if p] or ["Staff"]
    return parts[0], " ".join(parts[1:]) or "Member"


def _user(company: m.Company, rng: random.Random, email: str, *, user_type: str,
          owner: bool = False, names: tuple[str, str] | None = None) -> m.User:
    user = m.User.objects.filter(company=company, email=email).first()
    if user is None:
        first, last = names or _names(email)
        user = m.User.objects.create(
            company=company, email=email, first_name=first, last_name=last,
            user_type=user_type, is_owner=owner, status="active",
            pay_rate=Decimal("45.00"), charge_out_rate=Decimal("95.00"),
        )
    if not hasattr(user, "token"):
        m.Token.objects.create(user=user, key=f"fergPAT_{_uuid(rng)}",
                               expires_at=timezone.now() + timedelta(days=TOKEN_DAYS))
    return user


def seed_company(user_emails: list[str], seed: int,
                 name: str = "Harbourside Allied Health Pty Ltd",
                 *, extra_user: bool = True) -> CompanySeed:
    """An AU company (Australia/Sydney, 10 % GST) with an owner and one field user per e-mail.

    Idempotent for the same seed: an existing company is reused and only missing users are
    added. E-mails are kept exactly as given so they match the Cliniko practitioners' users.
    """
    rng = random.Random(f"fergus-{seed}")
    company = m.Company.objects.filter(seed=seed).first()
    if company is None:
        company = m.Company.objects.create(
            seed=seed, name=name, guid=_uuid(rng), prefix="HAH", timezone="Australia/Sydney",
            currency="AUD", tax_rate=Decimal("10"), tax_type="GST",
        )
    else:
        rng.getrandbits(128)  # keep the stream aligned with the first run
    owner = _user(company, rng, f"owner+{seed}@fergus-sandbox.example", user_type="full_user",
                  owner=True, names=("Olivia", "Owner"))
    tokens = {owner.email: owner.token.key}
    for email in user_emails:
        u = _user(company, rng, email, user_type="tradesman")
        tokens[u.email] = u.token.key
    if extra_user:
        # A Fergus user with no Cliniko counterpart: the sync must never guess a match.
        u = _user(company, rng, f"apprentice+{seed}@fergus-sandbox.example",
                  user_type="apprentice", names=("Alex", "Apprentice"))
        tokens[u.email] = u.token.key
    return CompanySeed(token=owner.token.key, company_id=company.pk, user_tokens=tokens)
