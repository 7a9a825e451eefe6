"""Demo people. Passwords are for the local demo only and printed by `make run`."""

from __future__ import annotations

from typing import TextIO

from allauth.account.models import EmailAddress

from .models import User

DEMO_PASSWORD = "demo-cluster-2026"  # noqa: S105 - documented demo credential, local data only

DEMO_USERS = [
    # email, full name, staff, language
    ("secretaria@cmsp.pe", "Lucía Quispe Mamani", True, "es"),
    ("ana.torres@minera-chachani.pe", "Ana Torres Valdivia", False, "es"),
    ("jorge.huaman@andestech.pe", "Jorge Huamán Ccori", False, "es"),
    ("m.rivera@unsa.edu.pe", "Mariela Rivera Paredes", False, "en"),
]


def seed(*, stdout: TextIO) -> None:
    for email, full_name, is_staff, language in DEMO_USERS:
        user, created = User.objects.get_or_create(
            email=email,
            defaults={"full_name": full_name, "is_staff": is_staff, "language": language},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
    stdout.write(
        f"  demo logins (password '{DEMO_PASSWORD}'): "
        + ", ".join(email for email, *_ in DEMO_USERS)
        + " — staff must set up two-factor authentication on first login."
    )
