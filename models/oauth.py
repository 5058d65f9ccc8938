"""OAuth 2 storage: registered clients, their trusted documents, authorization codes and refresh
tokens."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from models._base import created_at


class OAuthClient(Model):
    id = fields.IntField(primary_key=True)
    client_id = fields.CharField(max_length=64, unique=True)
    client_secret_hash = fields.CharField(max_length=255, null=True)  # null for public clients
    name = fields.CharField(max_length=120)
    grant_types: list[str] = fields.JSONField(default=list)
    redirect_uris: list[str] = fields.JSONField(default=list)
    scopes = fields.TextField(default="")
    public = fields.BooleanField(default=False)
    first_party = fields.BooleanField(default=False)
    # May introspect any client's tokens (RFC 7662 section 4); others only their own.
    resource_server = fields.BooleanField(default=False)
    # Runs only the documents registered for it (`peoplegraph documents push`): no free text.
    trusted_documents_only = fields.BooleanField(default=False)
    revoked_at = fields.DatetimeField(null=True)
    created_at = created_at()

    class Meta:
        table = "oauth_clients"


class TrustedDocument(Model):
    """A GraphQL document a client registered ahead of time, known by the SHA-256 of its text."""

    id = fields.IntField(primary_key=True)
    client_id = fields.CharField(max_length=64)
    sha256 = fields.CharField(max_length=64)
    body = fields.TextField()
    created_at = created_at()

    class Meta:
        table = "trusted_documents"
        unique_together = (("client_id", "sha256"),)


class OAuthCode(Model):
    id = fields.IntField(primary_key=True)
    code_hash = fields.CharField(max_length=128, unique=True)
    client_id = fields.CharField(max_length=64)
    employee_id = fields.IntField()
    redirect_uri = fields.TextField()
    scope = fields.TextField(default="")
    code_challenge = fields.CharField(max_length=128, null=True)
    code_challenge_method = fields.CharField(max_length=16, null=True)
    nonce = fields.CharField(max_length=255, null=True)
    # The refresh-token family the code's tokens will belong to: a reused code revokes it.
    family_id = fields.CharField(max_length=64, null=True)
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)
    created_at = created_at()

    class Meta:
        table = "oauth_codes"


class OAuthToken(Model):
    """A refresh token (hashed), its family for reuse detection, and its revocation.

    kind "refresh": a refresh token; revoking it (or its family) also refuses the access token
    issued with it (`access_token_jti`). kind "revoked_access": a revoked access token, by jti,
    kept until the token would have expired anyway.
    """

    id = fields.IntField(primary_key=True)
    kind = fields.CharField(max_length=16, default="refresh")
    refresh_token_hash = fields.CharField(max_length=128, unique=True, null=True)
    family_id = fields.CharField(max_length=64, db_index=True, null=True)
    client_id = fields.CharField(max_length=64, db_index=True)
    employee_id = fields.IntField(null=True, db_index=True)
    scope = fields.TextField(default="")
    access_token_jti = fields.CharField(max_length=64, null=True, db_index=True)
    issued_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    rotated_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "oauth_tokens"
