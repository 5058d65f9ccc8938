"""Writing a ready frame to one WebSocket without a task or an await (web/ws_relay.py).

`write` answers at once: SENT (the frame is in the connection's transport, or handed to the
server), FULL (sending would wait: nothing was written) or GONE (the connection is closing).
"""

from __future__ import annotations

from typing import Any

from websockets.protocol import State

SENT, FULL, GONE = "sent", "full", "gone"


def frame_header(length: int) -> bytes:
    """The header of one unmasked, final text frame (RFC 6455 section 5.2) of `length` bytes."""
    if length < 126:
        return bytes((0x81, length))
    if length < 1 << 16:
        return bytes((0x81, 126)) + length.to_bytes(2, "big")
    return bytes((0x81, 127)) + length.to_bytes(8, "big")


class Transport:
    """A uvicorn `websockets-sansio` connection without extensions: frames go straight to its
    transport. Nothing waits in its protocol between writes (uvicorn flushes after every one),
    so a frame written here keeps its place among the connection's other frames."""

    __slots__ = ("_protocol",)
    framed = True  # takes whole frames, header included

    def __init__(self, protocol: Any) -> None:
        self._protocol = protocol

    @staticmethod
    def of(websocket: Any) -> Transport | None:
        protocol = getattr(getattr(websocket, "_receive", None), "__self__", None)
        conn = getattr(protocol, "conn", None)
        if conn is None or conn.extensions or not hasattr(protocol, "writable"):
            return None  # another server, or permessage-deflate: frames must go through it
        return Transport(protocol)

    def write(self, frame: bytes) -> str:
        protocol = self._protocol
        if protocol.disconnected or protocol.close_sent or protocol.conn.state is not State.OPEN:
            return GONE
        if not protocol.writable.is_set():  # its write buffer is above the high-water mark
            return FULL
        protocol.transport.write(frame)
        return SENT


class Sender:
    """Any other ASGI server: the socket's own `send_text`, run to its end without a task when
    it does not wait, abandoned before it writes anything when it would."""

    __slots__ = ("_websocket",)
    framed = False  # takes the message; the server frames it

    def __init__(self, websocket: Any) -> None:
        self._websocket = websocket

    def write(self, message: bytes) -> str:
        sending = self._websocket.send_text(message.decode())
        try:
            sending.send(None)
        except StopIteration:
            return SENT
        except Exception:  # closed meanwhile: its own task is ending it
            return GONE
        sending.close()
        return FULL
