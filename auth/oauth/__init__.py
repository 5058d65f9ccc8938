"""The OAuth 2 authorization server (Authlib): grants, endpoints, sign-in pages and client storage."""
