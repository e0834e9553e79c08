"""A model field that keeps a secret encrypted in the database."""

from __future__ import annotations

from typing import Any

from django.db import models

from sync import crypto


class EncryptedSecret:
    """Descriptor giving `obj.<name>` as plaintext, decrypted only on access.

    The column holds Fernet ciphertext. Reading the attribute decrypts it (and
    raises DecryptionError with a clear message if no key matches); assigning
    plaintext encrypts it at once, so ciphertext is all the instance keeps.
    """

    def __init__(self, column_attname: str, what: str) -> None:
        self.column_attname = column_attname
        self.what = what

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, objtype: type | None = None) -> Any:
        if obj is None:
            return self
        ciphertext = getattr(obj, self.column_attname)
        if not ciphertext:
            return ""
        return crypto.decrypt(ciphertext, what=f"{self.what} of {obj!r}")

    def __set__(self, obj: Any, value: str) -> None:
        value = (value or "").strip()
        if value and crypto.looks_encrypted(value):
            raise ValueError(f"Refusing to store what looks like ciphertext as the {self.what}.")
        setattr(obj, self.column_attname, crypto.encrypt(value) if value else "")


class EncryptedTextField(models.TextField):
    """Holds ciphertext. Pair it with an EncryptedSecret for plaintext access."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)
