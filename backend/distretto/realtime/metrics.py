"""Prometheus metrics of live delivery (per process; Prometheus sums the replicas)."""

from prometheus_client import Counter, Gauge

CONNECTIONS = Gauge("distretto_ws_connections", "Open live-event websockets in this process")
REJECTED = Counter(
    "distretto_ws_rejected_total", "Websocket handshakes refused before accept", ["reason"]
)
DELIVERED = Counter("distretto_ws_events_delivered_total", "Events sent to websocket clients")
CLOSED = Counter(
    "distretto_ws_closed_total", "Websockets closed by the server, by close code", ["code"]
)
DROPPED = Counter(
    "distretto_ws_clients_dropped_total",
    "Websocket clients dropped because their send queue was full",
)
BROKER_PUBLISH_FAILURES = Counter(
    "distretto_broker_publish_failures_total",
    "Publishes the broker could not hand to Redis (delivered locally and from the outbox)",
)
BROKER_RECONNECTS = Counter(
    "distretto_broker_subscriptions_total", "Times this process (re)subscribed to the broker"
)
OUTBOX_CATCH_UP = Counter(
    "distretto_outbox_catch_up_events_total",
    "Events read back from the outbox because live fan-out missed them",
)
NOTIFICATIONS_WRITTEN = Counter(
    "distretto_notification_events_total", "Outbox events turned into user notifications"
)
POOL_RETRIES = Counter(
    "distretto_ws_pool_retries_total",
    "Socket database reads (handshake, replay page) retried after a pool timeout",
)
