"""What a benchmark run is made of: sizes of the seeded district, step lengths, targets."""

from dataclasses import dataclass, field

PG_ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"
REDIS_URL = "redis://127.0.0.1:6379/0"
HOST = "127.0.0.1"
# The harness owns ports 8170-8179: the app listens on the first.
APP_PORT = 8170
BENCH_PASSWORD = "distretto-bench-password"


@dataclass(frozen=True)
class Sizes:
    """The seeded district; every count is a floor the cache check compares against."""

    firms: int
    users_per_firm: int
    orders: int
    bids_per_order: float
    consortia: int
    events_history: int
    # Floors of the generated history (the issue's: >= 1,000,000 bids, >= 100,000 contracts).
    min_bids: int
    min_contracts: int


@dataclass(frozen=True)
class Profile:
    name: str
    database: str
    sizes: Sizes
    step_seconds: float
    warmup_seconds: float
    max_connections: int
    ws_connections: int
    fanout_clients: int
    fanout_events_per_step: int
    resume_clients: int
    resume_gap_seconds: float
    award_orders: int
    award_racers: int
    completion_contracts: int
    # Mail fan-out (issue 19): users whose saved search the one new order matches, the
    # fixed rate the board is read at meanwhile, and the windows around the burst.
    mail_watchers: int
    mail_board_rate: float
    mail_before_seconds: float
    mail_after_seconds: float
    # Orders posted one after another, their bursts' board requests pooled.
    mail_bursts: int
    # Time boxes: on a busy box opening 10,000 sockets or racing 20,000 awards can take
    # far longer than a run should; past these the scenario stops and reports how far it got.
    connect_seconds_max: float
    award_seconds_max: float
    # Rates (req/s) at which each step search starts; the search grows from there.
    start_rates: dict[str, float] = field(default_factory=dict)


FULL = Profile(
    name="full",
    database="distretto_bench",
    sizes=Sizes(
        firms=2_400,
        users_per_firm=5,
        orders=210_000,
        bids_per_order=5.3,
        consortia=24,
        events_history=400_000,
        min_bids=1_000_000,
        min_contracts=100_000,
    ),
    step_seconds=8.0,
    warmup_seconds=3.0,
    max_connections=512,
    ws_connections=10_000,
    fanout_clients=5_000,
    fanout_events_per_step=12,
    resume_clients=1_000,
    resume_gap_seconds=30.0,
    award_orders=1_000,
    award_racers=20,
    completion_contracts=12_000,
    mail_watchers=5_000,
    mail_board_rate=25,
    mail_before_seconds=10.0,
    mail_after_seconds=5.0,
    mail_bursts=4,
    connect_seconds_max=300.0,
    award_seconds_max=420.0,
    start_rates={"ceiling": 300, "read": 20, "bids": 10, "completion": 5},
)

QUICK = Profile(
    name="quick",
    database="distretto_bench_quick",
    sizes=Sizes(
        firms=240,
        users_per_firm=5,
        orders=21_000,
        bids_per_order=5.3,
        consortia=6,
        events_history=40_000,
        min_bids=100_000,
        min_contracts=10_000,
    ),
    step_seconds=2.5,
    warmup_seconds=1.0,
    max_connections=256,
    ws_connections=1_000,
    fanout_clients=500,
    fanout_events_per_step=5,
    resume_clients=100,
    resume_gap_seconds=5.0,
    award_orders=100,
    award_racers=20,
    completion_contracts=3_000,
    mail_watchers=1_000,
    mail_board_rate=15,
    mail_before_seconds=6.0,
    mail_after_seconds=3.0,
    mail_bursts=3,
    connect_seconds_max=90.0,
    award_seconds_max=120.0,
    start_rates={"ceiling": 300, "read": 20, "bids": 10, "completion": 5},
)

PROFILES = {p.name: p for p in (FULL, QUICK)}


# p99 bound each step search holds (ms): the target where there is one, otherwise
# the harness's own bound (said so in the report).
P99_BOUNDS_MS = {
    "ceiling": 50.0,
    "board_first": 30.0,
    "board_deep": 30.0,
    "search_rare": 30.0,
    "search_common": 30.0,
    "order_detail": 50.0,
    "bids": 100.0,
    "completion": 200.0,
}
