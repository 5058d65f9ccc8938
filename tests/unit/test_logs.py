import json
import logging

from web.logs import JsonFormatter, lean_access_log, log_config


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


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _access_line(logger: logging.Logger) -> logging.LogRecord:
    handler, level = _Records(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        logger.info('%s - "%s %s HTTP/%s" %d', "1.2.3.4:5", "POST", "/graphql?x=1", "1.1", 200)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    (record,) = handler.records
    record.created = 0.0
    return record


def test_the_lean_access_logger_writes_the_lines_uvicorn_would() -> None:
    lean_access_log()
    plain = logging.Logger("uvicorn.access")  # what uvicorn's logger is without lean_access_log
    text = logging.Formatter(log_config("text")["formatters"]["default"]["format"])

    ours, theirs = _access_line(logging.getLogger("uvicorn.access")), _access_line(plain)

    assert (
        text.format(ours)
        == text.format(theirs)
        == 'INFO:     uvicorn.access 1.2.3.4:5 - "POST /graphql?x=1 HTTP/1.1" 200'
    )
    assert JsonFormatter().format(ours) == JsonFormatter().format(theirs)
