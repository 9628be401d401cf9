# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001
"""Demo forum: the association's announcement, talk among phase firms in Italian and
Chinese, an open consultation and a closed one with its results.

Also adds a Chinese-owned stitching firm in Prato (the district's Macrolotto), which
asks its question in Chinese and is answered in Italian.
"""

from datetime import datetime, timedelta

from distretto.firms.vat import vat_for_company
from distretto.forum.markdown import render
from distretto.kit.clock import system_clock
from distretto.models import (
    ConsultationVote,
    Firm,
    FirmPhase,
    ForumPost,
    ForumRevision,
    ForumTopic,
    Membership,
    User,
)
from distretto.models.forum import ForumRevisionTarget
from distretto.seed.world import DemoFirm, DemoWorld

CHINESE_FIRM = "Confezioni Hua Xing S.r.l."
CHINESE_OWNER_EMAIL = "titolare@huaxing.example.it"

ANNOUNCEMENT = (
    "Tariffe di riferimento 2027 per la cucitura conto terzi",
    "Il consiglio dell'associazione ha approvato le **tariffe di riferimento** per la "
    "cucitura di capi in conto terzi, in vigore dal 1° gennaio.\n\n"
    "| capo | minimo | tipico |\n|---|---:|---:|\n"
    "| camicia | 3,20 € | 4,10 € |\n| pantalone | 3,90 € | 4,80 € |\n"
    "| giacca sfoderata | 9,50 € | 12,00 € |\n\n"
    "Le offerte sotto il minimo saranno segnalate al committente e al terzista. "
    "Per dubbi scrivete qui sotto o passate in sede, via Pistoiese.",
)
STITCHING_TOPIC = (
    "Tariffe cucitura: i committenti le rispettano davvero?",
    "Da noi arrivano ancora richieste di pantaloni a **3,20 €** il capo, con consegna a "
    "dieci giorni. Con le nuove tariffe di riferimento si può rifiutare senza perdere il "
    "cliente? Come vi state regolando?",
    (
        "Noi abbiamo mandato la tabella dell'associazione ai due committenti principali: uno "
        "ha adeguato il prezzo, l'altro ha chiesto più tempo.",
        "Il punto è la consegna: a dieci giorni il minimo non basta, servono gli straordinari. "
        "Io metto sempre i tempi per iscritto nell'offerta.",
    ),
)
PITTI_TOPIC = (
    "Stand condiviso a Pitti Filati di giugno: chi partecipa?",
    "Il consorzio export ha prenotato 120 m² alla Fortezza da Basso. Cerchiamo ancora due "
    "filature per dividere il costo: la quota è in proporzione alla superficie. "
    "Chi porta i cardati rigenerati?",
    (
        "Ci siamo con i nostri cardati, ci bastano 12 m². Portiamo anche i campioni di "
        "cashmere rigenerato.",
        "Interessati, ma decidiamo dopo Milano Unica. Il termine per iscriversi quando scade?",
    ),
)
CHINESE_TOPIC = (
    "关于DURC和新的缝纫参考价格的问题",
    "各位好，我们是澳门路附近的一家缝纫厂（12个工人）。请问协会：\n\n"
    "1. 新的**缝纫参考价格**从什么时候开始适用？\n"
    "2. 客户要求我们提供**DURC**，在哪里可以下载？需要多久更新一次？\n\n谢谢！",
)
CHINESE_REPLY_STAFF = (
    "Buongiorno! Le tariffe valgono dal 1° gennaio (vedi l'annuncio nella sezione Annunci). "
    "Il DURC si scarica dal portale INPS/INAIL ed è valido 120 giorni: potete caricarlo nel "
    "profilo dell'impresa, così i committenti lo vedono. Lo sportello in via Pistoiese ha "
    "una mediatrice il martedì mattina."
)
CHINESE_REPLY_FIRM = "谢谢！我们已经下载了DURC，下周上传。"
OPEN_CONSULTATION = (
    "Consultazione: tariffa minima per l'orlatura a 2,10 € al paio",
    "L'associazione propone di fissare il **minimo di riferimento per l'orlatura** di "
    "tomaie (modello base, pelle, una cucitura ribattuta) a **2,10 € al paio**, con "
    "revisione annuale. Ogni impresa vota una volta; il voto si può cambiare fino alla "
    "chiusura. I risultati saranno pubblicati alla chiusura.",
    ["Favorevole", "Contrario", "Favorevole, ma a 2,30 €"],
)
CLOSED_CONSULTATION = (
    "Consultazione: chiusura collettiva estiva dal 10 al 23 agosto",
    "Proposta di un calendario comune di chiusura estiva per le imprese di fase, così i "
    "committenti programmano le consegne di settembre.",
    ["Favorevole", "Contrario", "Astenuto"],
)


async def _chinese_firm(world: DemoWorld) -> DemoFirm:
    owner = User(
        email=CHINESE_OWNER_EMAIL,
        full_name="Wang Li",
        password_hash=world.password_hash,
    )
    firm = Firm(
        name=CHINESE_FIRM,
        vat_number=vat_for_company(2_600_013),
        region="Toscana",
        province="PO",
        size_class="small",
        description="Cucitura e confezione conto terzi di capi in maglia e tessuto. 12 addetti.",
        verified=True,
        # Billing data (issue 13), as the other demo firms have.
        address="Via Pistoiese 512",
        postal_code="59100",
        city="Prato",
        sdi_code="KRRH6B9",
        rea="PO-548817",
    )
    world.session.add_all([owner, firm])
    await world.session.flush()
    assert owner.id is not None and firm.id is not None
    world.session.add(Membership(firm_id=firm.id, user_id=owner.id, role="owner"))
    world.session.add_all(
        [FirmPhase(firm_id=firm.id, phase_code=p) for p in ("stitching", "ironing")]
    )
    demo = DemoFirm(
        firm.id, CHINESE_FIRM, ["stitching", "ironing"], "Toscana", "PO", owner.id, owner.email
    )
    world.firms.append(demo)
    return demo


async def _topic(
    world: DemoWorld,
    category: str,
    title: str,
    body: str,
    author: DemoFirm | None,
    at: datetime,
    *,
    options: list[str] | None = None,
    closes_at: datetime | None = None,
) -> ForumTopic:
    topic = ForumTopic(
        category_slug=category,
        author_user_id=author.owner_user_id if author else world.staff_user_id,
        author_firm_id=author.id if author else None,
        title=title,
        body=body,
        body_html=render(body),
        options=options,
        closes_at=closes_at,
        created_at=at,
        last_activity_at=at,
    )
    world.session.add(topic)
    await world.session.flush()
    return topic


async def _reply(
    world: DemoWorld, topic: ForumTopic, body: str, author: DemoFirm | None, at: datetime
) -> ForumPost:
    assert topic.id is not None
    post = ForumPost(
        topic_id=topic.id,
        author_user_id=author.owner_user_id if author else world.staff_user_id,
        author_firm_id=author.id if author else None,
        body=body,
        body_html=render(body),
        created_at=at,
    )
    world.session.add(post)
    topic.post_count += 1
    topic.last_activity_at = at
    await world.session.flush()
    return post


async def _votes(
    world: DemoWorld, topic: ForumTopic, firms: list[DemoFirm], weights: list[int], at: datetime
) -> None:
    assert topic.id is not None and topic.options is not None
    for firm in firms:
        option = world.rng.choices(topic.options, weights=weights)[0]
        world.session.add(
            ConsultationVote(
                topic_id=topic.id,
                firm_id=firm.id,
                option=option,
                voted_by_user_id=firm.owner_user_id,
                created_at=at,
                updated_at=at,
            )
        )


async def seed_forum(world: DemoWorld) -> None:
    now = system_clock()
    rng = world.rng
    chinese = await _chinese_firm(world)
    stitchers = world.suppliers_for("stitching") or world.firms[5:8]
    spinners = world.suppliers_for("spinning") or world.firms[8:11]
    upper = world.suppliers_for("upper_stitching") or world.firms[11:14]

    announcement = await _topic(world, "annunci", *ANNOUNCEMENT, None, now - timedelta(days=12))
    title, body, replies = STITCHING_TOPIC
    stitching = await _topic(
        world, "abbigliamento", title, body, stitchers[0], now - timedelta(days=9)
    )
    for i, text in enumerate(replies):
        await _reply(
            world, stitching, text, stitchers[(i + 1) % len(stitchers)], now - timedelta(days=8 - i)
        )
    # The author corrected the price: the earlier text stays in the history.
    first_body = body.replace("**3,20 €**", "3 €")
    world.session.add(
        ForumRevision(
            target_type=ForumRevisionTarget.TOPIC,
            target_id=stitching.id,
            title=title,
            body=first_body,
            body_html=render(first_body),
            written_at=stitching.created_at,
            replaced_at=stitching.created_at + timedelta(minutes=14),
        )
    )
    stitching.edited_at = stitching.created_at + timedelta(minutes=14)

    title, body, replies = PITTI_TOPIC
    pitti = await _topic(world, "tessile", title, body, spinners[0], now - timedelta(days=6))
    for i, text in enumerate(replies):
        await _reply(
            world,
            pitti,
            text,
            spinners[(i + 1) % len(spinners)],
            now - timedelta(days=5 - i, hours=3),
        )

    chinese_topic = await _topic(
        world, "abbigliamento", *CHINESE_TOPIC, chinese, now - timedelta(days=4)
    )
    await _reply(world, chinese_topic, CHINESE_REPLY_STAFF, None, now - timedelta(days=3))
    await _reply(world, chinese_topic, CHINESE_REPLY_FIRM, chinese, now - timedelta(days=2))
    await _reply(
        world,
        announcement,
        "Grazie. Le tariffe valgono anche per i capispalla foderati o arriva una tabella a parte?",
        stitchers[-1],
        now - timedelta(days=11),
    )

    title, body, options = OPEN_CONSULTATION
    open_one = await _topic(
        world,
        "consultazioni",
        title,
        body,
        None,
        now - timedelta(days=3),
        options=options,
        closes_at=now + timedelta(days=11),
    )
    await _reply(
        world,
        open_one,
        "Favorevoli, ma va indicato il tipo di pelle: sul vitello morbido i tempi raddoppiano.",
        upper[0],
        now - timedelta(days=2),
    )
    await _votes(
        world, open_one, upper[: max(1, len(upper) - 1)], [5, 2, 3], now - timedelta(days=2)
    )

    title, body, options = CLOSED_CONSULTATION
    closed = await _topic(
        world,
        "consultazioni",
        title,
        body,
        None,
        now - timedelta(days=40),
        options=options,
        closes_at=now - timedelta(days=20),
    )
    voters = rng.sample(world.firms, k=min(len(world.firms), 24))
    await _votes(world, closed, voters, [6, 3, 1], now - timedelta(days=30))
    await world.session.flush()
