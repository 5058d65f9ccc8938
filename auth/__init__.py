"""Authentication and authorization: OAuth 2 server, tokens, scopes, principal and policy."""
