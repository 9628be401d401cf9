"""Prometheus metrics of email delivery (per process; Prometheus sums the replicas)."""

from prometheus_client import Counter

SENT = Counter("distretto_mail_sent_total", "Emails the SMTP server (or the .eml folder) accepted")
RETRIED = Counter("distretto_mail_retries_total", "Failed sends that will be tried again later")
FAILED = Counter(
    "distretto_mail_failed_total",
    "Emails that ended failed, by reason: refused (5xx), exhausted (out of attempts), "
    "skipped (no longer wanted or no recipient), compose (a template or data error)",
    ["reason"],
)
