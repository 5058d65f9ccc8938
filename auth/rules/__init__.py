"""The policy's rules, one module per domain; `auth.policy.Policy` combines them into one object."""
