"""Demo consortia with managers and member firms."""

from distretto.models import Consortium, ConsortiumManager, ConsortiumMember, User
from distretto.seed.world import DemoWorld

CONSORTIA = (
    (
        "Consorzio Export Tessile Pratese",
        "export",
        "Toscana",
        "Porta i lanifici e le tintorie di Prato alle fiere internazionali con stand condivisi.",
    ),
    (
        "Consorzio Calzaturieri Fermani",
        "export",
        "Marche",
        "Calzaturifici e tomaifici del Fermano uniti per MICAM e i buyer esteri.",
    ),
    (
        "Marchio Distretto Moda Toscana",
        "marketing",
        "Toscana",
        "Campagne collettive e sigillo di qualità per la filiera toscana della moda.",
    ),
    (
        "Scuola di Filiera",
        "training",
        None,
        "Corsi per il personale delle imprese del distretto: modelleria, orlatura, sicurezza.",
    ),
)


async def seed_consortia(world: DemoWorld) -> None:
    for index, (name, kind, region, description) in enumerate(CONSORTIA):
        consortium = Consortium(name=name, kind=kind, description=description)
        world.session.add(consortium)
        await world.session.flush()
        assert consortium.id is not None
        manager = User(
            email=f"segreteria{index + 1}@consorzi.example.it",
            full_name=f"Segreteria {name.split()[1]}",
            password_hash=world.password_hash,
        )
        world.session.add(manager)
        await world.session.flush()
        assert manager.id is not None
        world.session.add(ConsortiumManager(consortium_id=consortium.id, user_id=manager.id))
        eligible = [f for f in world.firms if region is None or f.region == region]
        members = world.rng.sample(eligible, k=min(len(eligible), world.rng.randint(8, 14)))
        world.session.add_all(
            [
                ConsortiumMember(consortium_id=consortium.id, firm_id=f.id, status="active")
                for f in members
            ]
        )
        world.consortia[name] = consortium.id
        world.consortium_members[consortium.id] = [f.id for f in members]
        world.consortium_managers[consortium.id] = manager.id
    await world.session.flush()
