"""Demo firms, their owners, ownership groups and the association's staff account."""

from distretto.firms.vat import vat_for_company
from distretto.models import Firm, FirmPhase, Membership, OwnershipGroup, User
from distretto.seed.world import DemoFirm, DemoWorld

# One Prato-like textile district (Prato, Montemurlo and the Macrolotto; the Florentine and
# Pistoia belts around it), a footwear cluster (Fermano, Montebelluna), a tannery of Santa
# Croce, and suppliers abroad. Each name says what the firm does: a "Tintoria" dyes, a
# "Filatura" spins, "Confezioni" cut and sew (in the Macrolotto, mostly Chinese-owned).
# (name, province, region, town, phases, size, owner, founded)
Supplier = tuple[str, str, str, str, list[str], str, str, int]
SUPPLIERS: tuple[Supplier, ...] = (
    # Prato: wool regeneration, spinning, weaving, dyeing, finishing.
    (
        "Lanificio Cardato Mazzoni S.r.l.",
        "PO",
        "Toscana",
        "Prato",
        ["wool_regeneration", "carding"],
        "small",
        "Paolo Mazzoni",
        1962,
    ),
    (
        "Cenciaioli Bardazzi S.n.c.",
        "PO",
        "Toscana",
        "Prato",
        ["wool_regeneration"],
        "micro",
        "Marco Bardazzi",
        1958,
    ),
    (
        "Carbonizzo Vaianese S.r.l.",
        "PO",
        "Toscana",
        "Vaiano",
        ["wool_regeneration", "finishing"],
        "small",
        "Stefano Nesti",
        1971,
    ),
    (
        "Filatura Romagnoli S.r.l.",
        "PO",
        "Toscana",
        "Prato",
        ["spinning", "carding"],
        "medium",
        "Giulia Romagnoli",
        1965,
    ),
    (
        "Filatura Lenzi S.p.A.",
        "PO",
        "Toscana",
        "Montemurlo",
        ["spinning", "twisting"],
        "medium",
        "Andrea Lenzi",
        1969,
    ),
    (
        "Ritorcitura Giachetti S.n.c.",
        "PO",
        "Toscana",
        "Prato",
        ["twisting"],
        "micro",
        "Luca Giachetti",
        1984,
    ),
    (
        "Orditura Vannucci S.n.c.",
        "PO",
        "Toscana",
        "Prato",
        ["warping"],
        "micro",
        "Silvia Vannucci",
        1979,
    ),
    (
        "Tessitura Santini S.r.l.",
        "PO",
        "Toscana",
        "Prato",
        ["weaving"],
        "small",
        "Lorenzo Santini",
        1974,
    ),
    (
        "Tessitura Pieroni & C. S.a.s.",
        "PO",
        "Toscana",
        "Montemurlo",
        ["weaving", "warping"],
        "small",
        "Chiara Pieroni",
        1988,
    ),
    (
        "Tessitura Magnolfi S.r.l.",
        "PO",
        "Toscana",
        "Prato",
        ["weaving"],
        "small",
        "Roberto Magnolfi",
        1966,
    ),
    (
        "Tintoria Cecchi S.r.l.",
        "PO",
        "Toscana",
        "Prato",
        ["dyeing"],
        "small",
        "Francesca Cecchi",
        1960,
    ),
    (
        "Tintoria Nesti S.p.A.",
        "PO",
        "Toscana",
        "Montemurlo",
        ["dyeing", "finishing"],
        "medium",
        "Matteo Nesti",
        1957,
    ),
    (
        "Tintoria Benassi S.n.c.",
        "PO",
        "Toscana",
        "Vaiano",
        ["dyeing"],
        "micro",
        "Elena Benassi",
        1992,
    ),
    (
        "Rifinizione Ciardi S.r.l.",
        "PO",
        "Toscana",
        "Prato",
        ["finishing"],
        "small",
        "Alessandro Ciardi",
        1976,
    ),
    (
        "Finissaggio Tarocchi S.r.l.",
        "PO",
        "Toscana",
        "Montemurlo",
        ["finishing"],
        "small",
        "Valentina Tarocchi",
        1983,
    ),
    (
        "Stamperia Vestri S.r.l.",
        "PO",
        "Toscana",
        "Prato",
        ["printing"],
        "small",
        "Federica Vestri",
        1990,
    ),
    (
        "Maglificio Pecci S.r.l.",
        "PO",
        "Toscana",
        "Prato",
        ["knitting"],
        "small",
        "Giovanni Pecci",
        1981,
    ),
    (
        "Logistica Bisenzio S.r.l.",
        "PO",
        "Toscana",
        "Prato",
        ["logistics", "packaging"],
        "small",
        "Sara Mariotti",
        2003,
    ),
    # Prato, Macrolotto: Chinese-owned workshops that cut, sew, knit, wash and press.
    (
        "Confezioni Hu Wei S.r.l.",
        "PO",
        "Toscana",
        "Prato (Macrolotto)",
        ["cutting", "stitching"],
        "small",
        "Hu Wei",
        2006,
    ),
    (
        "Confezioni Zhou Lin S.r.l.",
        "PO",
        "Toscana",
        "Prato (Macrolotto)",
        ["stitching", "ironing"],
        "small",
        "Zhou Lin",
        2009,
    ),
    (
        "Confezioni Chen Ming S.r.l.",
        "PO",
        "Toscana",
        "Prato (Macrolotto)",
        ["cutting", "stitching"],
        "micro",
        "Chen Ming",
        2011,
    ),
    (
        "Confezioni Xu Jie S.r.l.",
        "PO",
        "Toscana",
        "Prato (Macrolotto)",
        ["stitching"],
        "micro",
        "Xu Jie",
        2014,
    ),
    (
        "Maglieria Wang Fang S.r.l.",
        "PO",
        "Toscana",
        "Prato (Macrolotto)",
        ["knitting", "stitching"],
        "small",
        "Wang Fang",
        2008,
    ),
    (
        "Stireria Lin Hong S.n.c.",
        "PO",
        "Toscana",
        "Prato (Macrolotto)",
        ["ironing", "packaging"],
        "micro",
        "Lin Hong",
        2012,
    ),
    (
        "Lavanderia Ye Chun S.r.l.",
        "PO",
        "Toscana",
        "Prato (Macrolotto)",
        ["garment_washing"],
        "small",
        "Ye Chun",
        2010,
    ),
    # The Florentine belt: pattern cutting, embroidery, leather goods, quality control.
    (
        "Taglio Mariotti S.n.c.",
        "FI",
        "Toscana",
        "Campi Bisenzio",
        ["cutting"],
        "micro",
        "Laura Mariotti",
        1987,
    ),
    (
        "Ricamificio Salvadori S.r.l.",
        "FI",
        "Toscana",
        "Calenzano",
        ["embroidery"],
        "small",
        "Anna Salvadori",
        1978,
    ),
    (
        "Pelletteria Cappelli S.r.l.",
        "FI",
        "Toscana",
        "Scandicci",
        ["leather_goods"],
        "small",
        "Marco Cappelli",
        1972,
    ),
    (
        "Pelletteria Gori & C. S.a.s.",
        "FI",
        "Toscana",
        "Scandicci",
        ["leather_goods", "quality_control"],
        "small",
        "Paolo Gori",
        1994,
    ),
    (
        "Lavanderia Industriale Sarti S.r.l.",
        "FI",
        "Toscana",
        "Calenzano",
        ["garment_washing", "ironing"],
        "small",
        "Giulia Sarti",
        1985,
    ),
    (
        "Controllo Qualità Baldini S.r.l.",
        "FI",
        "Toscana",
        "Sesto Fiorentino",
        ["quality_control"],
        "micro",
        "Stefano Baldini",
        2001,
    ),
    # Pistoia side: knitwear, dyeing, embroidery, garment sewing, printing.
    (
        "Maglificio Guerrini S.r.l.",
        "PT",
        "Toscana",
        "Quarrata",
        ["knitting"],
        "small",
        "Chiara Guerrini",
        1968,
    ),
    (
        "Tintoria Paoletti S.r.l.",
        "PT",
        "Toscana",
        "Montale",
        ["dyeing", "garment_washing"],
        "small",
        "Luca Paoletti",
        1975,
    ),
    (
        "Ricamificio Fontana S.n.c.",
        "PT",
        "Toscana",
        "Agliana",
        ["embroidery"],
        "micro",
        "Elena Fontana",
        1989,
    ),
    (
        "Confezioni Morelli S.r.l.",
        "PT",
        "Toscana",
        "Quarrata",
        ["stitching", "ironing"],
        "small",
        "Andrea Morelli",
        1980,
    ),
    (
        "Stamperia Agliana S.r.l.",
        "PT",
        "Toscana",
        "Agliana",
        ["printing"],
        "small",
        "Roberto Galli",
        1997,
    ),
    # Santa Croce sull'Arno: the tannery the district's leather goods buy from.
    (
        "Conceria Rossi S.p.A.",
        "PI",
        "Toscana",
        "Santa Croce sull'Arno",
        ["tanning"],
        "medium",
        "Giovanni Rossi",
        1950,
    ),
    # Footwear: the Fermano (Marche) and Montebelluna (Veneto).
    (
        "Tomaificio Bonfigli S.r.l.",
        "FM",
        "Marche",
        "Montegranaro",
        ["upper_cutting", "upper_stitching"],
        "small",
        "Matteo Bonfigli",
        1973,
    ),
    (
        "Orlatura Cardinali S.n.c.",
        "FM",
        "Marche",
        "Fermo",
        ["upper_stitching"],
        "micro",
        "Sara Cardinali",
        1986,
    ),
    (
        "Suolificio Pettinari S.r.l.",
        "FM",
        "Marche",
        "Sant'Elpidio a Mare",
        ["sole_making"],
        "small",
        "Federica Pettinari",
        1964,
    ),
    (
        "Montaggio Calzature Galli S.n.c.",
        "FM",
        "Marche",
        "Montegranaro",
        ["lasting"],
        "micro",
        "Alessandro Galli",
        1991,
    ),
    (
        "Finissaggio Calzature Marchetti S.r.l.",
        "FM",
        "Marche",
        "Fermo",
        ["shoe_finishing", "packaging"],
        "small",
        "Laura Marchetti",
        1982,
    ),
    (
        "Tomaificio Zanon S.r.l.",
        "TV",
        "Veneto",
        "Montebelluna",
        ["upper_cutting", "upper_stitching"],
        "small",
        "Valentina Zanon",
        1977,
    ),
    (
        "Suolificio Tognon S.p.A.",
        "TV",
        "Veneto",
        "Montebelluna",
        ["sole_making"],
        "medium",
        "Marco Tognon",
        1959,
    ),
    (
        "Montaggio Locatelli S.r.l.",
        "TV",
        "Veneto",
        "Caerano di San Marco",
        ["lasting", "shoe_finishing"],
        "small",
        "Anna Locatelli",
        1993,
    ),
    # Outside suppliers: sewing and upper stitching across the Adriatic and in Romania.
    (
        "Tomaia Timiș S.R.L.",
        "TM",
        "Romania",
        "Timișoara",
        ["upper_stitching"],
        "medium",
        "Ioana Popescu",
        2002,
    ),
    (
        "Confecții Arad S.R.L.",
        "AR",
        "Romania",
        "Arad",
        ["stitching", "ironing"],
        "medium",
        "Mihai Ionescu",
        2005,
    ),
    (
        "Sartoria Monastir S.A.R.L.",
        "MN",
        "Tunisia",
        "Monastir",
        ["stitching", "ironing"],
        "medium",
        "Karim Ben Salah",
        1999,
    ),
    (
        "Fason Shkodra Sh.p.k.",
        "SH",
        "Albania",
        "Scutari",
        ["upper_stitching", "stitching"],
        "small",
        "Arben Hoxha",
        2007,
    ),
)

# People of the district (other seed steps draw course participants from these).
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

PHASE_WORDS = {
    "wool_regeneration": "rigenerazione di stracci e cascami di lana",
    "carding": "cardatura",
    "spinning": "filatura cardata e pettinata",
    "twisting": "ritorcitura",
    "warping": "orditura conto terzi",
    "weaving": "tessitura di lanerie e drapperie",
    "knitting": "maglieria su macchine rettilinee",
    "dyeing": "tintura in fiocco, filato e pezza",
    "printing": "stampa tessile",
    "finishing": "finissaggio: follatura, garzatura, vaporissaggio",
    "cutting": "taglio su modello del cliente",
    "stitching": "confezione di capi",
    "embroidery": "ricamo",
    "garment_washing": "lavaggio e tintura in capo",
    "ironing": "stiro e controllo finale",
    "upper_cutting": "taglio tomaie",
    "upper_stitching": "orlatura di tomaie",
    "sole_making": "suole in gomma, cuoio e poliuretano",
    "lasting": "montaggio calzature",
    "shoe_finishing": "finissaggio e inscatolamento calzature",
    "tanning": "concia al vegetale",
    "leather_goods": "pelletteria conto terzi",
    "quality_control": "controllo qualità",
    "packaging": "confezionamento e imballo",
    "logistics": "logistica e trasporti per il distretto",
}
FINAL_FIRMS = (
    ("Lanificio Bisenzio Tessuti S.p.A.", "PO", "Toscana", ["textile", "weaving"], "Prato"),
    ("Maison Arno Moda S.p.A.", "FI", "Toscana", ["apparel", "pattern_making"], "Firenze"),
    (
        "Pronto Moda Hua Xing S.r.l.",
        "PO",
        "Toscana",
        ["apparel", "pattern_making"],
        "Prato (Macrolotto)",
    ),
    ("Calzaturificio Adriatica S.r.l.", "FM", "Marche", ["footwear", "pattern_making"], "Fermo"),
    ("Montebelluna Sport Shoes S.p.A.", "TV", "Veneto", ["footwear"], "Montebelluna"),
)
FINAL_OWNERS = (
    "Marco Bardazzi",
    "Francesca Mazzoni",
    "Zhang Hua",
    "Luca Ferretti",
    "Paolo Zanatta",
)


def _slug(name: str) -> str:
    return "".join(c for c in name.lower() if c.isalnum())[:24]


async def _owner(world: DemoWorld, email: str, full_name: str) -> int:
    user = User(email=email, full_name=full_name, password_hash=world.password_hash)
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
    owner_name: str,
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
    owner_id = await _owner(world, email, owner_name)
    world.session.add(Membership(firm_id=firm.id, user_id=owner_id, role="owner"))
    world.session.add_all([FirmPhase(firm_id=firm.id, phase_code=p) for p in phases])
    demo = DemoFirm(firm.id, name, phases, region, province, owner_id, email)
    world.firms.append(demo)
    return demo


async def seed_firms(world: DemoWorld) -> None:
    for (name, province, region, phases, town), owner in zip(
        FINAL_FIRMS, FINAL_OWNERS, strict=True
    ):
        firm = await _firm(
            world,
            name,
            province,
            region,
            phases,
            "large",
            f"{name.split(' S.')[0]}, {town}: collezioni proprie, produzione affidata "
            "ai terzisti del distretto.",
            owner,
        )
        world.final_firms.append(firm)
    for name, province, region, town, phases, size, owner, founded in SUPPLIERS:
        work = ", ".join(PHASE_WORDS[p] for p in phases)
        await _firm(
            world,
            name,
            province,
            region,
            phases,
            size,
            f"{town}, dal {founded}: {work[0].upper()}{work[1:]}. Lavorazioni conto terzi.",
            owner,
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


# Family groups: firms of one family, whose reviews of each other do not count.
OWNERSHIP_GROUPS = (
    ("Gruppo Nesti", ("Tintoria Nesti S.p.A.", "Carbonizzo Vaianese S.r.l.")),
    ("Gruppo Hu", ("Confezioni Hu Wei S.r.l.", "Stireria Lin Hong S.n.c.")),
)


async def _ownership_groups(world: DemoWorld) -> None:
    by_name = {f.name: f for f in world.firms}
    for group_name, names in OWNERSHIP_GROUPS:
        group = OwnershipGroup(name=group_name)
        world.session.add(group)
        await world.session.flush()
        for name in names:
            demo = by_name[name]
            firm = await world.session.get(Firm, demo.id)
            assert firm is not None
            firm.ownership_group_id = group.id
            demo.ownership_group_id = group.id
