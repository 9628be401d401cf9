"""The live district: outbox delivery over websockets, brokers, notifications."""
