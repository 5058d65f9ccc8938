"""`ids.to_global_id` as a SQLite expression: integer arithmetic, no Python callback per ID.

A global ID is the unpadded URL-safe base64 of `"<Type>:<pk>"`. The type name's bytes are the
same for every row of a column, so only the pk's decimal digits vary, and every digit is a byte
`0x30 + d` whose high four bits are always `0011`. Hence each base64 character after the
constant part depends on one digit alone (and, for the second character of a group, on whether
another digit follows), by the digit's place in its 3-byte group (`(len(prefix) + i) % 3`):

- first byte of a group: `A[(0x30 + d) >> 2]`, then `A[(d & 3) << 4 | 3]` (`| 0` if it is the
  last digit: the next byte is missing, so its bits are zero and the ID ends there);
- second byte: `A[d << 2]` (the third byte is a digit or missing, its top two bits are zero);
- third byte: `A[48 + d]`.

`A` is the URL-safe alphabet. Its index ranges above map to code points by a few integer steps,
so each ID is `'<constant>' || CASE <number of digits> ... char(<code points>) END`: one CASE
branch per digit count, the digits taken by division. A null pk gives null.
`tests/unit/planner/test_dialect.py` compares it with `ids.to_global_id` for every node type and
pks of every length, on both backends' renderings.
"""

from __future__ import annotations

import base64
import re

from ids import BIGINT_TYPES, MAX_BIG_PK, MAX_PK

_PLAIN = re.compile(r'[\w".?]+')
_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


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


def _code_points(place: int, digit: str, last: bool) -> list[str]:
    """SQL integers: the code points of the characters the digit (a SQL value 0-9, written so
    that it needs no parentheses) adds at its place in a 3-byte group. Few parentheses: SQLite's
    parser has a small stack, and these sit deep inside the statement's JSON."""
    if place == 0:
        low = f"{digit} % 4"  # index 16 * low (+ 3): A Q g w, or D T j z
        return [f"77 + {digit} / 4", f"{65 if last else 68} + {low} * 16 + {low} / 2 * 6"]  # M N O
    if place == 1:  # index 4 * d: A-Z up to 6, then c g k
        return [f"65 + {digit} * 4 + {digit} / 7 * 6"]
    return [f"119 + {digit} - ({digit} + 4) / 8 * 75"]  # index 48 + d: w-z, then 0-5


def global_id(type_name: str, column: str) -> str:
    """The SQLite expression of `ids.to_global_id(type_name, column)` for a pk from 0 up."""
    if not _PLAIN.fullmatch(column):  # a column or a parameter needs no parentheses, the rest does
        column = f"({column})"
    prefix = f"{type_name}:".encode()
    digits = len(str(MAX_BIG_PK if type_name in BIGINT_TYPES else MAX_PK))
    branches = []
    for count in range(1, digits + 1):
        points: list[str] = []
        for i in range(count):
            power = 10 ** (count - 1 - i)
            digit = f"{column} / {power} % 10" if power > 1 else f"{column} % 10"
            points += _code_points((len(prefix) + i) % 3, digit, last=i == count - 1)
        bound = f"{column} < {10**count}" if count < 19 else f"{column} >= 0"
        branches.append(f"WHEN {bound} THEN char({', '.join(points)})")
    return f"'{_constant(prefix)}' || CASE WHEN {column} < 0 THEN NULL {' '.join(branches)} END"
