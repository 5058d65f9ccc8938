"""web/errors.py: the code a GraphQL error without one is given, over HTTP and WebSocket."""

from __future__ import annotations

from graphql import GraphQLError, GraphQLSyntaxError, Source

from web.errors import graphql_error_code


def test_a_refused_document_gets_the_code_of_its_reason() -> None:
    syntax = GraphQLSyntaxError(Source("{"), 1, "Expected Name, found <EOF>.")
    too_long = GraphQLSyntaxError(Source("{"), 1, "Document contains more than 5 tokens. Parsing aborted.")
    assert graphql_error_code(syntax) == "GRAPHQL_PARSE_FAILED"
    assert graphql_error_code(too_long) == "TOO_MANY_TOKENS"
    assert graphql_error_code(GraphQLError("Unknown field.")) == "GRAPHQL_VALIDATION_FAILED"
    assert graphql_error_code(GraphQLError("boom", path=["viewer"])) == "INTERNAL_SERVER_ERROR"
