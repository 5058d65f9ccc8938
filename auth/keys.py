"""Signing keys for access tokens: generated on first run, rotated by the operator.

Keys live as private JWK files under `<data_dir>/keys/` (never committed). The newest key signs;
every key still on disk verifies and is published in the JWKS, so rotating does not invalidate
tokens already issued. An operator drops a retired key by deleting its file once every token
it signed has expired (access tokens live minutes).
"""

from __future__ import annotations

import json
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from joserfc.jwk import ECKey, KeySet

ALGORITHM = "ES256"
_CURRENT = "current"


@dataclass(frozen=True)
class KeyRing:
    """The keys one process signs and verifies with."""

    directory: Path
    current_kid: str
    keys: KeySet

    @property
    def signing_key(self) -> ECKey:
        key = self.keys.get_by_kid(self.current_kid)
        assert isinstance(key, ECKey)
        return key

    @property
    def signing_set(self) -> KeySet:
        """A set holding only the signing key: joserfc then writes its kid in the header."""
        return KeySet([self.signing_key])

    def public_jwks(self) -> dict[str, Any]:
        return dict(self.keys.as_dict(private=False))

    def has_kid(self, kid: str) -> bool:
        return any(key.kid == kid for key in self.keys.keys)


def keys_dir(data_dir: Path) -> Path:
    return data_dir / "keys"


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)


def _new_key(directory: Path) -> str:
    # A date prefix makes the order of keys visible to an operator listing the folder.
    kid = time.strftime("%Y%m%d", time.gmtime()) + "-" + secrets.token_hex(4)
    key = ECKey.generate_key("P-256", parameters={"kid": kid, "alg": ALGORITHM, "use": "sig"})
    _write_private(directory / f"{kid}.jwk.json", json.dumps(key.as_dict(private=True)))
    _write_private(directory / _CURRENT, kid + "\n")
    return kid


def load_keys(data_dir: Path, *, create: bool = True) -> KeyRing:
    """Read every key on disk; make the first one when there is none."""
    directory = keys_dir(data_dir)
    files = sorted(directory.glob("*.jwk.json")) if directory.exists() else []
    if not files:
        if not create:
            raise FileNotFoundError(f"no signing keys under {directory}")
        _new_key(directory)
        files = sorted(directory.glob("*.jwk.json"))
    keys = [ECKey.import_key(json.loads(path.read_text())) for path in files]
    current_file = directory / _CURRENT
    current = current_file.read_text().strip() if current_file.exists() else ""
    if not any(key.kid == current for key in keys):
        current = str(keys[-1].kid)
    return KeyRing(directory=directory, current_kid=current, keys=KeySet(list(keys)))


def rotate_keys(data_dir: Path) -> KeyRing:
    """Make a new signing key; older keys stay published so their tokens still verify."""
    directory = keys_dir(data_dir)
    load_keys(data_dir)  # make sure the folder exists with its first key
    _new_key(directory)
    return load_keys(data_dir)


def session_secret(data_dir: Path) -> bytes:
    """The secret that signs sign-in session and CSRF cookies, shared by every worker."""
    path = keys_dir(data_dir) / "session.secret"
    if not path.exists():
        _write_private(path, secrets.token_hex(32))
    return bytes.fromhex(path.read_text().strip())
