"""The mail fan-out scenario's pure parts: who is set up, how the board's latency is cut
into windows, and the correctness verdict. No server and no database."""

from collections import Counter

from bench.district import POPULAR_PHASE
from bench.report import target_table
from bench.scenarios.mail import (
    ORDER_QUANTITY,
    ORDER_WORDS,
    Role,
    Sample,
    SetUpUser,
    mail_checks,
    plan_users,
    pooled,
    slowdown,
    window,
)
from bench.stats import LatencySummary

ORDER_REGION = "Marche"


def order_matches(user: SetUpUser) -> bool:
    """The product's matching rule for the scenario's order (phase, region, words, size)."""
    search = user.search
    text = f"Finissaggio di tessuto in {ORDER_WORDS}".lower()
    return (
        (search.phase is None or search.phase == POPULAR_PHASE)
        and (search.region is None or search.region.lower() == ORDER_REGION.lower())
        and (search.q is None or all(w in text for w in search.q.lower().split()))
        and (search.min_quantity is None or search.min_quantity <= ORDER_QUANTITY)
    )


def test_the_plan_has_the_watchers_and_every_kind_of_decoy() -> None:
    users = plan_users(400, 12, ORDER_REGION, "weaving")
    roles = Counter(u.role for u in users)
    assert roles[Role.WATCHER] == 400
    assert all(roles[r] == 12 for r in Role if r != Role.WATCHER)
    assert len({u.serial for u in users}) == len(users)
    assert len({u.email for u in users}) == len(users)
    # Every search matches the order except the no-match decoys', which all miss it.
    assert all(order_matches(u) for u in users if u.role != Role.NO_MATCH)
    assert not any(order_matches(u) for u in users if u.role == Role.NO_MATCH)
    # The watchers' searches use each field, so no one field carries the scenario.
    watchers = [u.search for u in users if u.role == Role.WATCHER]
    assert {s.phase is not None for s in watchers} == {True, False}
    assert any(s.region for s in watchers) and any(s.min_quantity for s in watchers)


def test_only_watchers_expect_mail_and_decoys_say_why_not() -> None:
    users = {u.role: u for u in plan_users(4, 1, ORDER_REGION, "weaving")}
    assert [r for r, u in users.items() if u.expects_mail] == [Role.WATCHER]
    assert not users[Role.NO_FIRM].in_firm and users[Role.DISABLED].in_firm
    assert users[Role.DAILY].mail_mode == "daily" and users[Role.MAIL_OFF].mail_mode == "off"
    assert users[Role.KIND_OFF].kinds == {"order_matching": False}
    assert users[Role.WATCHER].mail_mode == "immediate" and users[Role.WATCHER].kinds == {}


def test_windows_take_the_requests_meant_for_them() -> None:
    samples = [Sample(t / 10, 0.010 if t < 50 else 0.030, True) for t in range(100)]
    before = window(samples, 0.0, 5.0)
    during = window(samples, 5.0, 10.0)
    assert before.count == 50 and during.count == 50
    assert 9.9 <= before.p99_ms <= 10.1 and 29.9 <= during.p99_ms <= 30.1
    assert slowdown(before, during) == round(during.p99_ms / before.p99_ms, 3)
    assert window(samples, 20.0, 30.0).count == 0


def test_bursts_pool_the_requests_meant_for_any_of_them() -> None:
    samples = [
        Sample(t / 10, 0.030 if 20 <= t < 30 or 60 <= t < 70 else 0.010, True) for t in range(100)
    ]
    during = pooled(samples, [(2.0, 3.0), (6.0, 7.0)])
    assert during.count == 20 and 29.9 <= during.p99_ms <= 30.1
    between = pooled(samples, [(3.0, 6.0), (7.0, 10.0)])
    assert between.count == 60 and 9.9 <= between.p99_ms <= 10.1
    assert pooled(samples, []).count == 0


def test_no_slowdown_without_samples_on_both_sides() -> None:
    empty = LatencySummary(0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    some = LatencySummary(10, 5.0, 6.0, 7.0, 7.0, 7.0, 5.0)
    assert slowdown(empty, some) is None and slowdown(some, empty) is None


def test_checks_pass_for_exactly_one_mail_per_watcher() -> None:
    users = plan_users(3, 1, ORDER_REGION, "weaving")
    ids = {u.serial: 100 + u.serial for u in users}
    watchers = [ids[u.serial] for u in users if u.expects_mail]
    checks = mail_checks(users, ids, watchers)
    assert all(check["ok"] for check in checks.values())


def test_checks_fail_on_a_duplicate_a_missing_watcher_or_a_decoy() -> None:
    users = plan_users(3, 1, ORDER_REGION, "weaving")
    ids = {u.serial: 100 + u.serial for u in users}
    watchers = [ids[u.serial] for u in users if u.expects_mail]
    no_firm = next(ids[u.serial] for u in users if u.role == Role.NO_FIRM)

    twice = mail_checks(users, ids, [*watchers, watchers[0]])
    assert not twice["exact_count"]["ok"] and not twice["one_per_user"]["ok"]

    short = mail_checks(users, ids, watchers[1:])
    assert not short["exact_count"]["ok"] and not short["one_per_user"]["ok"]

    leaked = mail_checks(users, ids, [*watchers[1:], no_firm])
    assert leaked["exact_count"]["ok"]  # the count alone would not have caught it
    assert not leaked["none_unseen_or_unwanted"]["ok"]
    assert "no_firm" in leaked["none_unseen_or_unwanted"]["detail"]


def test_the_report_judges_the_mail_targets() -> None:
    scenarios = {
        "mail": {
            "queued_seconds": 3.2,
            "patience_seconds": 120.0,
            "board_slowdown": 1.5,
            "summary": "5,000 of 5,000 mails queued in 3.20 s",
            "board_summary": "p99 30 ms before, 45 ms during",
        }
    }
    rows = {line.split(" | ")[0].lstrip("| "): line for line in target_table(scenarios)}
    assert "**pass**" in rows["Mail fan-out: one order matching every watcher's saved search"]
    assert "**miss** by 25%" in rows["Board p99 during the mail burst"]
    # Not all queued within the harness's patience: a miss, not "not measured".
    scenarios["mail"]["queued_seconds"] = None
    rows = {line.split(" | ")[0].lstrip("| "): line for line in target_table(scenarios)}
    assert "**miss**" in rows["Mail fan-out: one order matching every watcher's saved search"]
