"""The live district: outbox delivery over websockets, brokers, notifications.

How an event travels. A feature calls ``kit.events.emit`` inside its transaction (the
outbox row and its audience keys commit with the change, in id order). After COMMIT the
request session hands the events to the app's broker (``broker.py``); every process's
dispatcher (``dispatcher.py``) receives them, fills any gap from the outbox, and fans
them out in id order through its hub (``hub.py``) to the local sockets whose audience
keys meet the event's (``policies.py``). Each socket (``connection.py``) has one writer
draining a bounded queue, so a slow client is dropped, never waited for, and each event
is encoded once per process, not once per socket. One watch per process (``watch.py``)
sends every socket its heartbeat and checks, in one query, whether a firm behind any of
them was suspended. The notification relay (``relay.py``) turns the same events into
per-user inbox rows.

The socket protocol (``WS /api/v1/ws?token=``):

- server → client: events ``{id, type, data, created_at}``; ``{"type": "heartbeat"}``;
  ``{"type": "pong"}``; ``{"type": "resumed", "last_id": N}`` after a replay;
  ``{"type": "error", "detail": ...}`` for a message it did not understand.
- client → server: ``{"type": "resume", "after": ID}``, ``{"type": "ping"}``.
- close codes: 1003 binary frame, 1008 bad token (before the handshake) or too many
  messages, 1009 message too big, 1011 server error, 1013 too slow, 4000 lifetime
  reached, 4001 token expired, 4003 firm suspended. Reconnect and resume after any.
"""
