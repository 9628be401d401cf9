"""Demo firms, their owners, ownership groups and the association's staff account."""

from distretto.firms.vat import vat_for_company
from distretto.models import Firm, FirmPhase, Membership, OwnershipGroup, User
from distretto.seed.world import DemoFirm, DemoWorld

# (province, region, town, typical phases)
AREAS = (
    (
        "PO",
        "Toscana",
        "Prato",
        ["wool_regeneration", "carding", "spinning", "weaving", "dyeing", "finishing", "knitting"],
    ),
    ("FI", "Toscana", "Scandicci", ["leather_goods", "cutting", "stitching", "quality_control"]),
    ("PT", "Toscana", "Quarrata", ["knitting", "printing", "embroidery", "packaging"]),
    (
        "FM",
        "Marche",
        "Montegranaro",
        ["upper_cutting", "upper_stitching", "lasting", "shoe_finishing", "sole_making"],
    ),
    ("MC", "Marche", "Civitanova Marche", ["sole_making", "upper_stitching", "packaging"]),
    ("VE", "Veneto", "Stra", ["upper_cutting", "upper_stitching", "lasting", "shoe_finishing"]),
    ("VI", "Veneto", "Arzignano", ["tanning", "finishing"]),
    ("BI", "Piemonte", "Biella", ["spinning", "twisting", "weaving", "finishing"]),
    ("CO", "Lombardia", "Como", ["printing", "weaving", "dyeing", "finishing"]),
    ("BG", "Lombardia", "Bergamo", ["warping", "weaving", "logistics"]),
)
PREFIXES = (
    "Tessitura",
    "Lanificio",
    "Tintoria",
    "Filatura",
    "Maglificio",
    "Calzaturificio",
    "Tomaificio",
    "Suolificio",
    "Conceria",
    "Pelletteria",
    "Stamperia",
    "Ricamificio",
    "Confezioni",
    "Orlatura",
    "Finissaggio",
)
SURNAMES = (
    "Bianchi",
    "Romagnoli",
    "Bardazzi",
    "Mazzoni",
    "Cecchi",
    "Lenzi",
    "Giachetti",
    "Vannucci",
    "Santini",
    "Pieroni",
    "Marchetti",
    "Ricci",
    "Ferretti",
    "Galli",
    "Bonfigli",
    "Cardinali",
    "Pettinari",
    "Zanon",
    "Tognon",
    "Sella",
    "Zegna",
    "Mantero",
    "Ratti",
    "Locatelli",
    "Fontana",
    "Morelli",
    "Baldini",
    "Guerrini",
    "Paoletti",
    "Rossi",
    "Benassi",
    "Ciardi",
    "Magnolfi",
    "Nesti",
    "Tarocchi",
    "Vestri",
    "Pecci",
    "Mariotti",
    "Gori",
    "Salvadori",
    "Cappelli",
    "Sarti",
)
FIRST_NAMES = (
    "Marco",
    "Giulia",
    "Lorenzo",
    "Francesca",
    "Andrea",
    "Chiara",
    "Matteo",
    "Elena",
    "Paolo",
    "Sara",
    "Stefano",
    "Silvia",
    "Luca",
    "Anna",
    "Giovanni",
    "Laura",
    "Alessandro",
    "Valentina",
    "Roberto",
    "Federica",
)
SUFFIXES = ("S.r.l.", "S.n.c.", "S.p.A.", "& C. S.a.s.", "S.r.l.")
FINAL_FIRMS = (
    ("Maison Arno Moda S.p.A.", "FI", "Toscana", ["apparel", "pattern_making"]),
    ("Calzature Adriatica S.r.l.", "FM", "Marche", ["footwear", "pattern_making"]),
    ("Lanificio del Bisenzio S.p.A.", "PO", "Toscana", ["textile", "weaving"]),
    ("Brenta Luxury Shoes S.r.l.", "VE", "Veneto", ["footwear"]),
    ("Seterie Lariane S.p.A.", "CO", "Lombardia", ["textile", "printing"]),
)


def _slug(name: str) -> str:
    return "".join(c for c in name.lower() if c.isalnum())[:24]


async def _owner(world: DemoWorld, email: str) -> int:
    rng = world.rng
    user = User(
        email=email,
        full_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}",
        password_hash=world.password_hash,
    )
    world.session.add(user)
    await world.session.flush()
    assert user.id is not None
    return user.id


async def _firm(
    world: DemoWorld,
    name: str,
    province: str,
    region: str,
    phases: list[str],
    size: str,
    description: str,
) -> DemoFirm:
    number = 1_000_000 + len(world.firms) * 7919
    firm = Firm(
        name=name,
        vat_number=vat_for_company(number),
        region=region,
        province=province,
        size_class=size,
        description=description,
        verified=world.rng.random() < 0.7,
    )
    world.session.add(firm)
    await world.session.flush()
    assert firm.id is not None
    email = f"titolare@{_slug(name)}.example.it"
    owner_id = await _owner(world, email)
    world.session.add(Membership(firm_id=firm.id, user_id=owner_id, role="owner"))
    world.session.add_all([FirmPhase(firm_id=firm.id, phase_code=p) for p in phases])
    demo = DemoFirm(firm.id, name, phases, region, province, owner_id, email)
    world.firms.append(demo)
    return demo


async def seed_firms(world: DemoWorld) -> None:
    rng = world.rng
    for name, province, region, phases in FINAL_FIRMS:
        firm = await _firm(
            world,
            name,
            province,
            region,
            phases,
            "large",
            f"{name.split(' S.')[0]}: collezioni proprie, produzione affidata "
            "ai terzisti del distretto.",
        )
        world.final_firms.append(firm)
    used: set[str] = set()
    while len(world.firms) < 53:
        province, region, town, typical = rng.choice(AREAS)
        surname = rng.choice(SURNAMES)
        prefix = rng.choice(PREFIXES)
        name = f"{prefix} {surname} {rng.choice(SUFFIXES)}"
        if name in used:
            continue
        used.add(name)
        phases = rng.sample(typical, k=min(len(typical), rng.choice((1, 1, 2, 3))))
        size = rng.choice(("micro", "micro", "small", "small", "small", "medium"))
        await _firm(
            world,
            name,
            province,
            region,
            phases,
            size,
            f"Terzista di {town} dal {rng.randint(1958, 2015)}: "
            f"{', '.join(phases).replace('_', ' ')}.",
        )
    await _ownership_groups(world)
    staff = User(
        email="staff@distretto.example",
        full_name="Ufficio Associazione",
        password_hash=world.password_hash,
        is_staff=True,
    )
    world.session.add(staff)
    await world.session.flush()
    world.staff_user_id = staff.id


async def _ownership_groups(world: DemoWorld) -> None:
    """Two family groups: a dye-house and a weaving mill with one owner, and so on."""
    suppliers = [f for f in world.firms if f not in world.final_firms]
    for index, pair in enumerate((suppliers[0:2], suppliers[5:7])):
        group = OwnershipGroup(name=f"Gruppo famiglia {index + 1}")
        world.session.add(group)
        await world.session.flush()
        for demo in pair:
            firm = await world.session.get(Firm, demo.id)
            assert firm is not None
            firm.ownership_group_id = group.id
            demo.ownership_group_id = group.id
