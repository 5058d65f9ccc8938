"""Authentication and authorization: the principal, scopes, tokens and their keys, revocations, and
the policy (auth/policy.py, its rules by domain in auth/rules/); the OAuth 2 server in auth/oauth/."""
