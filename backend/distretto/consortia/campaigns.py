"""Collective marketing campaigns: a budget over a period, shared equally by the member
firms that take part (same exact cent rule as trade fairs, see ``consortia.costs``).

Firms join until the campaign ends; they may withdraw until it starts (afterwards the
money is spent, and only a manager can take a firm off).
"""

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from distretto.auth.viewer import Viewer
from distretto.consortia import costs, events, policies, schemas
from distretto.consortia.repository import CampaignRepository, ConsortiumRepository
from distretto.consortia.service import get_consortium, require_member_firm
from distretto.firms.service import get_firm
from distretto.kit import clock
from distretto.kit.errors import Conflict, NotFound
from distretto.kit.events import emit, firm_key
from distretto.kit.pagination import Page, PageParams
from distretto.models import Campaign, CampaignParticipation


async def _readable_campaign(
    session: AsyncSession, viewer: Viewer | None, campaign_id: int
) -> Campaign:
    campaign = await CampaignRepository(session).get_readable(viewer, campaign_id)
    if campaign is None:
        raise NotFound(
            f"Campaign {campaign_id} not found",
            code="campaign.not_found",
            params={"id": campaign_id},
        )
    return campaign


async def _outs(
    session: AsyncSession, campaigns: Sequence[Campaign], *, with_participants: bool
) -> list[schemas.CampaignOut]:
    repo = CampaignRepository(session)
    counts = await repo.participant_counts([c.id for c in campaigns if c.id is not None])
    outs = []
    for campaign in campaigns:
        assert campaign.id is not None
        consortium = await get_consortium(session, campaign.consortium_id)
        participants = (
            [
                schemas.CampaignParticipantOut(
                    firm_id=f.id, firm_name=f.name, joined_at=p.created_at
                )
                for p, f in await repo.participants(campaign.id)
            ]
            if with_participants
            else None
        )
        outs.append(
            schemas.CampaignOut(
                id=campaign.id,
                consortium_id=campaign.consortium_id,
                consortium_name=consortium.name,
                title=campaign.title,
                description=campaign.description,
                budget=campaign.budget,
                starts_on=campaign.starts_on,
                ends_on=campaign.ends_on,
                participant_count=counts[campaign.id],
                participants=participants,
            )
        )
    return outs


async def create(
    session: AsyncSession, viewer: Viewer, consortium_id: int, data: schemas.CampaignCreate
) -> schemas.CampaignOut:
    consortium = await get_consortium(session, consortium_id)
    policies.require_manager(viewer, consortium_id)
    campaign = await CampaignRepository(session).add(
        Campaign(
            consortium_id=consortium_id, created_by_user_id=viewer.user_id, **data.model_dump()
        )
    )
    members = await ConsortiumRepository(session).active_member_firm_ids(consortium_id)
    await emit(
        session,
        events.CampaignCreated(
            campaign_id=campaign.id,
            consortium_id=consortium_id,
            consortium_name=consortium.name,
            title=campaign.title,
            starts_on=campaign.starts_on,
        ),
        [firm_key(firm_id) for firm_id in members],
    )
    return (await _outs(session, [campaign], with_participants=True))[0]


async def list_for_consortium(
    session: AsyncSession, viewer: Viewer | None, consortium_id: int, params: PageParams
) -> Page[schemas.CampaignOut]:
    await get_consortium(session, consortium_id)
    rows, cursor = await CampaignRepository(session).page_for_consortium(
        viewer, consortium_id, params
    )
    return Page(items=await _outs(session, rows, with_participants=False), next_cursor=cursor)


async def detail(session: AsyncSession, viewer: Viewer, campaign_id: int) -> schemas.CampaignOut:
    campaign = await _readable_campaign(session, viewer, campaign_id)
    return (await _outs(session, [campaign], with_participants=True))[0]


async def join(
    session: AsyncSession, viewer: Viewer, campaign_id: int, data: schemas.CampaignParticipationIn
) -> schemas.CampaignParticipantOut:
    policies.require_firm_acting(viewer, data.firm_id)
    repo = CampaignRepository(session)
    campaign = await repo.lock(campaign_id)
    if campaign is None:
        raise NotFound(
            f"Campaign {campaign_id} not found",
            code="campaign.not_found",
            params={"id": campaign_id},
        )
    consortium = await get_consortium(session, campaign.consortium_id)
    firm = await get_firm(session, data.firm_id)
    await require_member_firm(session, consortium, firm)
    if clock.today() > campaign.ends_on:
        raise Conflict("This campaign is over", code="campaign.over")
    if await repo.participation(campaign_id, data.firm_id) is not None:
        raise Conflict(
            f"{firm.name} already takes part in this campaign",
            code="campaign.already_joined",
            params={"firm": firm.name},
        )
    participation = await repo.add_participation(
        CampaignParticipation(
            campaign_id=campaign_id, firm_id=data.firm_id, joined_by_user_id=viewer.user_id
        )
    )
    return schemas.CampaignParticipantOut(
        firm_id=data.firm_id, firm_name=firm.name, joined_at=participation.created_at
    )


async def withdraw(session: AsyncSession, viewer: Viewer, campaign_id: int, firm_id: int) -> None:
    campaign = await _readable_campaign(session, viewer, campaign_id)
    policies.require_firm_or_manager(viewer, firm_id, campaign.consortium_id)
    repo = CampaignRepository(session)
    participation = await repo.participation(campaign_id, firm_id)
    if participation is None:
        raise NotFound(
            f"Firm {firm_id} does not take part in this campaign",
            code="campaign.not_participant",
            params={"firm_id": firm_id},
        )
    started = clock.today() >= campaign.starts_on
    if started and not viewer.manages(campaign.consortium_id):
        raise Conflict(
            "The campaign has started: withdrawing is no longer possible", code="campaign.started"
        )
    await repo.remove_participation(participation)


async def cost_table(
    session: AsyncSession, viewer: Viewer, campaign_id: int
) -> list[schemas.CostLineOut]:
    campaign = await _readable_campaign(session, viewer, campaign_id)
    participants = await CampaignRepository(session).participants(campaign_id)
    policies.can_see_costs(viewer, campaign.consortium_id, {f.id for _, f in participants if f.id})
    shares = costs.split(
        campaign.budget, costs.equal_claims([f.id for _, f in participants if f.id is not None])
    )
    return [
        schemas.CostLineOut(firm_id=f.id, firm_name=f.name, area_m2=None, share=shares[f.id])
        for _, f in participants
        if f.id is not None
    ]
