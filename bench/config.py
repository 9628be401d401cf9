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
    connect_seconds_max=90.0,
    award_seconds_max=120.0,
    start_rates={"ceiling": 300, "read": 20, "bids": 10, "completion": 5},
)

PROFILES = {p.name: p for p in (FULL, QUICK)}


@dataclass(frozen=True)
class Target:
    """One line of the issue's targets: what is measured, the bound, which way is good."""

    key: str
    label: str
    bound: float
    unit: str
    higher_is_better: bool


# The targets (2 workers, 2 cores, PostgreSQL + Redis).
TARGETS = {
    t.key: t
    for t in (
        Target("board_first.rps", "Board first page throughput", 3000, "req/s", True),
        Target("board_first.p99", "Board first page p99", 50, "ms", False),
        Target("board_deep.rps", "Board deep page throughput", 3000, "req/s", True),
        Target("board_deep.p99", "Board deep page p99", 50, "ms", False),
        Target("explain.first_ms", "Board query DB time, first page", 2, "ms", False),
        Target("explain.deep_ms", "Board query DB time, deep page", 2, "ms", False),
        Target("search_rare.p99", "Search, selective word p99", 30, "ms", False),
        Target("search_common.p99", "Search, most common word p99", 100, "ms", False),
        Target("bids.rps", "Bid placement throughput", 1000, "bids/s", True),
        Target("bids.p99", "Bid placement p99", 100, "ms", False),
        Target("award.contracts_per_order", "Contracts per raced order", 1, "exactly", False),
        Target("ws_capacity.connections", "Authenticated websockets held", 10_000, "conn", True),
        Target("ws_capacity.kb_per_conn", "Server memory per websocket", 30, "KB", False),
        Target("fanout.p99", "Fan-out delivery p99 (5,000 clients)", 500, "ms", False),
        Target("fanout.msgs_per_s", "Delivered messages per second", 30_000, "msg/s", True),
        Target("resume.recovered_pct", "Events recovered after disconnect", 100, "%", True),
    )
}

# p99 bound each step search holds (ms): the target where there is one, otherwise
# the harness's own bound (said so in the report).
P99_BOUNDS_MS = {
    "ceiling": 50.0,
    "board_first": 50.0,
    "board_deep": 50.0,
    "search_rare": 30.0,
    "search_common": 100.0,
    "order_detail": 50.0,
    "bids": 100.0,
    "completion": 200.0,
}
