"""Demo documents: technical sheets and sample photos on open orders, and approved
certifications (GOTS, OEKO-TEX, ISO 9001) on some firms' public profiles."""

import hashlib
import io
from collections.abc import AsyncIterator
from datetime import timedelta

from sqlalchemy import select

from distretto.documents.storage import storage_from_settings
from distretto.documents.thumbnails import thumbnail_bytes
from distretto.kit.clock import system_clock
from distretto.kit.money import format_quantity
from distretto.models import Attachment, FirmDocument, Order, Phase
from distretto.models.documents import CredentialKind, CredentialStatus, FileKind
from distretto.seed.document_files import swatch_image, technical_sheet_pdf
from distretto.seed.world import DemoWorld

ORDERS_WITH_FILES = 10
# Colours a Prato dye house would see on a card: navy, bordeaux, camel, bottle green…
SWATCHES = [
    ("blu navy", (28, 40, 78)),
    ("bordeaux", (102, 24, 38)),
    ("cammello", (176, 134, 88)),
    ("verde bottiglia", (22, 72, 48)),
    ("grigio melange", (128, 126, 122)),
    ("écru", (232, 222, 200)),
]
CERTIFICATIONS = [
    ("GOTS - Global Organic Textile Standard", 420),
    ("OEKO-TEX Standard 100", 250),
    ("ISO 9001:2015", 600),
    ("OEKO-TEX Standard 100", 24),  # expires within the month: the firm is reminded
]


async def _once(data: bytes) -> AsyncIterator[bytes]:
    yield data


def _sheet(order: Order, phase_name: str) -> bytes:
    return technical_sheet_pdf(
        f"Scheda tecnica - {order.title}",
        [
            ("Lavorazione", phase_name),
            ("Quantità", f"{format_quantity(order.quantity)} {order.unit}"),
            ("Consegna entro", order.delivery_due.strftime("%d/%m/%Y")),
            ("Composizione", "70% lana rigenerata, 30% poliammide"),
            ("Peso", "420 g/m² ± 3%"),
            ("Altezza utile", "150 cm"),
            ("Solidità alla luce", "ISO 105-B02: grado 5"),
            ("Solidità al lavaggio", "ISO 105-C06: grado 4"),
            ("Imballo", "rotoli da 50 m su tubo, etichetta con lotto"),
            ("Note", "campionatura da approvare prima della produzione"),
        ],
    )


async def seed_documents(world: DemoWorld) -> None:
    if world.settings is None:
        return
    storage = storage_from_settings(world.settings)
    session = world.session
    rng = world.rng
    now = system_clock()
    phases: dict[str, str] = dict((await session.execute(select(Phase.code, Phase.name_it))).all())
    orders = (
        await session.scalars(
            select(Order)
            .where(Order.status == "open")
            .order_by(Order.id.desc())
            .limit(ORDERS_WITH_FILES)
        )
    ).all()

    async def attach(order: Order, data: bytes, filename: str, title: str, kind: FileKind) -> None:
        thumbnail = None
        preview = thumbnail_bytes(io.BytesIO(data)) if kind is FileKind.JPEG else None
        if preview is not None:
            thumbnail = await storage.put(_once(preview))
        session.add(
            Attachment(
                order_id=order.id,
                uploaded_by_firm_id=order.client_firm_id,
                uploaded_by_user_id=order.created_by_user_id,
                filename=filename,
                title=title,
                content_type=kind.value,
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                storage_key=await storage.put(_once(data)),
                thumbnail_key=thumbnail,
                created_at=order.created_at + timedelta(minutes=5),
            )
        )

    for number, order in enumerate(orders):
        await attach(
            order,
            _sheet(order, phases.get(order.phase, order.phase)),
            f"scheda-tecnica-{order.id}.pdf",
            "Scheda tecnica",
            FileKind.PDF,
        )
        for shade in range(1 + number % 2):
            name, colour = SWATCHES[(number + shade) % len(SWATCHES)]
            photo = swatch_image(colour, seed=number * 10 + shade)
            await attach(
                order,
                photo,
                f"campione-{name.replace(' ', '-')}.jpg",
                f"Campione colore {name}",
                FileKind.JPEG,
            )

    suppliers = [f for f in world.firms if f not in world.final_firms]
    for firm, (label, days) in zip(
        rng.sample(suppliers, k=min(4, len(suppliers))), CERTIFICATIONS, strict=False
    ):
        certificate = technical_sheet_pdf(
            f"Certificato {label}",
            [("Titolare", firm.name), ("Ente", "Ente di certificazione accreditato")],
        )
        session.add(
            FirmDocument(
                firm_id=firm.id,
                kind=CredentialKind.CERTIFICATION.value,
                label=label,
                valid_until=(now + timedelta(days=days)).date(),
                status=CredentialStatus.APPROVED.value,
                uploaded_by_user_id=firm.owner_user_id,
                filename=f"certificato-{label.split()[0].lower()}.pdf",
                content_type=FileKind.PDF.value,
                size=len(certificate),
                sha256=hashlib.sha256(certificate).hexdigest(),
                storage_key=await storage.put(_once(certificate)),
                reviewed_by_user_id=world.staff_user_id,
                reviewed_at=now - timedelta(days=3),
                review_note="Verificato sul registro dell'ente",
                created_at=now - timedelta(days=5),
            )
        )
    # One DURC waiting in the staff review queue.
    if suppliers:
        durc = technical_sheet_pdf(
            "DURC - Documento unico di regolarità contributiva", [("Impresa", suppliers[0].name)]
        )
        session.add(
            FirmDocument(
                firm_id=suppliers[0].id,
                kind=CredentialKind.DURC.value,
                label="DURC",
                valid_until=(now + timedelta(days=110)).date(),
                uploaded_by_user_id=suppliers[0].owner_user_id,
                filename="durc.pdf",
                content_type=FileKind.PDF.value,
                size=len(durc),
                sha256=hashlib.sha256(durc).hexdigest(),
                storage_key=await storage.put(_once(durc)),
                created_at=now - timedelta(days=1),
            )
        )
    await session.flush()
