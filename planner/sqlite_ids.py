"""`ids.to_global_id` as a SQLite expression: integer arithmetic and lookups, no Python callback per ID.

A global ID is the unpadded URL-safe base64 of `"<Type>:<pk>"`. The type name's bytes are the
same for every row of a column, so only the pk's decimal digits vary, and every digit is a byte
`0x30 + d` whose high four bits are always `0011`. Hence each base64 character after the
constant part depends on one digit alone (and, for the second character of a group, on whether
another digit follows), by the digit's place in its 3-byte group (`(len(prefix) + i) % 3`):

- first byte of a group: `A[(0x30 + d) >> 2]`, then `A[(d & 3) << 4 | 3]` (`| 0` if it is the
  last digit: the next byte is missing, so its bits are zero and the ID ends there);
- second byte: `A[d << 2]` (the third byte is a digit or missing, its top two bits are zero);
- third byte: `A[48 + d]`.

`A` is the URL-safe alphabet. So the characters of the digits that share a 3-byte group (a
*run*: up to three digits) depend on the run's value alone: each run is one `substr` of a
lookup table of every value's characters (`table`, 10 to 1,000 entries). The tables are BLOBs,
which `substr` indexes by byte (in a long TEXT it counts characters from the start), returned
by a deterministic SQL function of a constant key (`planner_ids('012')`), which SQLite computes
once per statement, not per row. Each ID is `'<constant>' || CASE <number of digits> ... END`:
one CASE branch per digit count, each the concatenation (TEXT) of its runs' lookups, the runs'
values taken by division. A null pk gives null. This replaced one `char()` of computed code
points per digit (about half the SQL text, 13% less of Q3's statement; bench/README.md).
`tests/unit/planner/test_dialect.py` compares it with `ids.to_global_id` for every node type and
pks of every length, on both backends' renderings.
"""

from __future__ import annotations

import base64
import functools
import re

from ids import BIGINT_TYPES, MAX_BIG_PK, MAX_PK

_PLAIN = re.compile(r'[\w".?]+')
_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
FUNCTION = "planner_ids"  # the SQL function of `table` (planner/sqlite_functions.py)


def _constant(prefix: bytes) -> str:
    """The characters the prefix fixes, given that at least one digit follows it."""
    whole = len(prefix) - len(prefix) % 3
    shown = base64.urlsafe_b64encode(prefix[:whole]).decode()
    rest = prefix[whole:]
    if len(rest) == 1:  # the group's second byte is a digit: its high bits are 0011
        shown += _ALPHABET[rest[0] >> 2] + _ALPHABET[(rest[0] & 3) << 4 | 3]
    elif len(rest) == 2:  # the third byte is a digit: its top two bits are 00
        first, second = rest
        shown += _ALPHABET[first >> 2] + _ALPHABET[(first & 3) << 4 | second >> 4]
        shown += _ALPHABET[(second & 15) << 2]
    return shown


def _characters(place: int, digit: int, last: bool) -> str:
    """The characters the digit adds at its place in a 3-byte group."""
    if place == 0:
        return _ALPHABET[(0x30 + digit) >> 2] + _ALPHABET[(digit & 3) << 4 | (0 if last else 3)]
    if place == 1:
        return _ALPHABET[digit << 2]
    return _ALPHABET[48 + digit]


@functools.cache
def table(key: str) -> bytes:
    """The characters of every value of a run of digits in one 3-byte group: `key` is the run's
    places ("012", "2", "01", ...) and "L" when the run ends the ID. Entry `v` (the run's digits
    as a number) is at `v * width`, `width` characters long."""
    places, last = [int(p) for p in key.rstrip("L")], key.endswith("L")
    entries = []
    for value in range(10 ** len(places)):
        digits = f"{value:0{len(places)}d}"
        entries.append(
            "".join(
                _characters(place, int(d), last and j == len(places) - 1)
                for j, (place, d) in enumerate(zip(places, digits, strict=True))
            )
        )
    return "".join(entries).encode()


def global_id(type_name: str, column: str) -> str:
    """The SQLite expression of `ids.to_global_id(type_name, column)` for a pk from 0 up."""
    if not _PLAIN.fullmatch(column):  # a column or a parameter needs no parentheses, the rest does
        column = f"({column})"
    prefix = f"{type_name}:".encode()
    digits = len(str(MAX_BIG_PK if type_name in BIGINT_TYPES else MAX_PK))
    branches = []
    for count in range(1, digits + 1):
        parts, i = [], 0
        while i < count:  # one run of digits per 3-byte group, one lookup per run
            place = (len(prefix) + i) % 3
            size = min(3 - place, count - i)
            key = "".join(str(p) for p in range(place, place + size)) + ("L" if i + size == count else "")
            width = sum(2 if p == 0 else 1 for p in range(place, place + size))
            power = 10 ** (count - i - size)
            value = f"{column} / {power} % {10**size}" if power > 1 else f"{column} % {10**size}"
            parts.append(f"substr({FUNCTION}('{key}'), {value} * {width} + 1, {width})")
            i += size
        bound = f"{column} < {10**count}" if count < 19 else f"{column} >= 0"
        branches.append(f"WHEN {bound} THEN {' || '.join(parts)}")
    return f"'{_constant(prefix)}' || CASE WHEN {column} < 0 THEN NULL {' '.join(branches)} END"
