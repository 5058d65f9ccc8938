"""GraphiQL page (filled in by the GraphiQL work)."""
