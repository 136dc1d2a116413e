"""Headers that describe one HTTP connection, not the message (RFC 9110 §7.6.1, plus the
proxy headers of old clients): the remote-access proxy drops them at both ends of the tunnel."""

from __future__ import annotations

HOP_BY_HOP = frozenset({
    "connection", "keep-alive", "te", "trailer", "trailers", "transfer-encoding", "upgrade",
    "proxy-authorization", "proxy-authenticate", "proxy-connection",
})  # fmt: skip
