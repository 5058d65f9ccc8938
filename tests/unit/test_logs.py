import json
import logging

from web.logs import JsonFormatter


def test_access_log_lines_are_json_with_request_fields() -> None:
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("1.2.3.4:5", "POST", "/graphql", "1.1", 200),
        None,
    )

    entry = json.loads(JsonFormatter().format(record))

    assert entry["method"] == "POST" and entry["path"] == "/graphql" and entry["status"] == 200
    assert entry["level"] == "info" and entry["logger"] == "uvicorn.access"
