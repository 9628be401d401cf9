// Turns a live event (or a notification built from one) into words and a link.

import type { LiveEvent, LiveEventType } from '../api/types'
import type { MessageKey, Vars } from '../i18n'
import type { ToastTone } from '../components/Toasts'

export interface Described {
  title: string
  body?: string
  link?: string
  tone: ToastTone
  /** Worth interrupting the person with a toast. */
  important: boolean
}

type Translate = (key: MessageKey, vars?: Vars) => string

/** The typed payload of one live event type (from the backend's `LiveEvent` union).
 * Notifications hand over the same payload as stored, so each field is still checked. */
type DataOf<T extends LiveEventType> = Partial<Extract<LiveEvent, { type: T }>['data']>
/** The typed payload of one live event type (LiveEvent, generated from the backend). */
type LiveData<T extends LiveEventType> = Extract<LiveEvent, { type: T }>['data']

function num(data: Record<string, unknown>, ...keys: string[]): number | null {
  for (const key of keys) {
    const value = data[key]
    if (typeof value === 'number') return value
    if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value)
  }
  return null
}

function text(data: Record<string, unknown>, ...keys: string[]): string {
  for (const key of keys) {
    const value = data[key]
    if (typeof value === 'string' && value) return value
  }
  return ''
}

export function describeEvent(type: string, data: Record<string, unknown>, t: Translate, myFirmIds: number[], fallbackTitle = ''): Described {
  const orderId = num(data, 'order_id')
  // contract.* events carry the contract itself, whose own key is `id`.
  const contractId = type.startsWith('contract.') ? num(data, 'contract_id', 'id') : num(data, 'contract_id')
  const title = text(data, 'title', 'order_title', 'name')
  const orderLink = orderId ? `/orders/${orderId}` : undefined
  const contractLink = contractId ? `/contracts/${contractId}` : undefined
  switch (type) {
    case 'order.created':
      if (myFirmIds.includes(num(data, 'client_firm_id') ?? -1)) {
        return { title: t('event.orderPublished'), body: title, link: orderLink, tone: 'success', important: false }
      }
      return { title: t('event.orderCreated'), body: title, link: orderLink ?? (num(data, 'id') ? `/orders/${num(data, 'id')}` : undefined), tone: 'info', important: true }
    case 'saved_search.matched':
      return { title: t('event.savedSearchMatched'), body: title, link: orderLink, tone: 'info', important: true }
    case 'reminder.bid_deadline':
      return { title: t('event.bidDeadlineReminder'), body: title, link: orderLink, tone: 'warning', important: true }
    case 'reminder.delivery_due':
      return { title: t('event.deliveryDueReminder'), link: contractLink, tone: 'warning', important: true }
    case 'reminder.review_pending':
      return { title: t('event.reviewPendingReminder'), link: contractLink, tone: 'info', important: false }
    case 'order.updated':
      return { title: t('event.orderUpdated'), body: title, link: orderLink, tone: 'info', important: false }
    case 'order.cancelled':
      return { title: t('event.orderCancelled'), body: title, link: orderLink, tone: 'warning', important: true }
    case 'bid.created': {
      // The bidder hears about its own bid too: that is a receipt, not news.
      const bidder = num(data, 'firm_id')
      if (bidder !== null && myFirmIds.includes(bidder)) {
        return { title: t('event.bidSent'), body: title, link: orderLink, tone: 'success', important: false }
      }
      return { title: t('event.bidCreated'), body: title, link: orderLink, tone: 'info', important: true }
    }
    case 'bid.updated':
      return { title: t('event.bidUpdated'), body: title, link: orderLink, tone: 'info', important: false }
    case 'bid.needs_confirmation':
      return { title: t('event.bidNeedsConfirmation'), body: title, link: orderLink, tone: 'warning', important: true }
    case 'bid.withdrawn':
      return { title: t('event.bidWithdrawn'), body: title, link: orderLink, tone: 'info', important: false }
    case 'order.awarded': {
      const winner = num(data, 'supplier_firm_id', 'winner_firm_id', 'firm_id')
      const won = winner !== null && myFirmIds.includes(winner)
      const client = num(data, 'client_firm_id')
      if (client !== null && myFirmIds.includes(client)) {
        return { title: t('event.awardedClient'), body: title, link: contractLink ?? orderLink, tone: 'success', important: false }
      }
      return won
        ? { title: t('event.awardedWon'), body: title, link: contractLink ?? orderLink, tone: 'success', important: true }
        : { title: t('event.awarded'), body: title, link: orderLink, tone: 'info', important: false }
    }
    case 'bid.rejected':
      return { title: t('event.bidRejected'), body: title || t('event.bidRejectedBody'), link: orderLink, tone: 'warning', important: true }
    case 'contract.created':
      return { title: t('event.contractCreated'), body: title, link: contractLink, tone: 'success', important: false }
    case 'contract.updated': {
      const status = text(data, 'status')
      const statusLabel = status ? t(`status.${status}` as MessageKey) : ''
      return { title: t('event.contractUpdated', { status: statusLabel }), body: title, link: contractLink, tone: 'info', important: true }
    }
    case 'message.created':
      return { title: t('event.messageCreated'), body: text(data, 'preview', 'text'), link: contractLink, tone: 'info', important: true }
    case 'question.created':
      return { title: t('event.questionCreated'), body: text(data, 'text'), link: orderLink, tone: 'info', important: true }
    case 'question.answered':
      return { title: t('event.questionAnswered'), body: text(data, 'answer', 'text'), link: orderLink, tone: 'info', important: true }
    case 'review.created':
      return { title: t('event.reviewCreated'), link: contractLink, tone: 'info', important: false }
    case 'flag.created':
      return { title: t('event.flagCreated'), body: text(data, 'reason'), link: '/staff', tone: 'info', important: false }
    // Staff hear about every firm they suspend or reinstate: only the firm's own people
    // are told "your firm"; a moderator reads the firm's name (defect 5).
    case 'firm.suspended': {
      const firmId = num(data, 'firm_id')
      if (firmId !== null && !myFirmIds.includes(firmId)) {
        return { title: t('staff.youSuspended', { firm: text(data, 'firm_name') || `#${firmId}` }), body: text(data, 'reason'), link: '/staff?tab=firms', tone: 'info', important: false }
      }
      return { title: t('event.firmSuspended'), body: text(data, 'reason'), tone: 'error', important: true }
    }
    case 'firm.reinstated': {
      const firmId = num(data, 'firm_id')
      if (firmId !== null && !myFirmIds.includes(firmId)) {
        return { title: t('staff.youReinstated', { firm: text(data, 'firm_name') || `#${firmId}` }), link: '/staff?tab=firms', tone: 'info', important: false }
      }
      return { title: t('event.firmReinstated'), tone: 'success', important: true }
    }
    case 'firm.warned':
      return { title: t('event.firmWarned'), body: text(data, 'reason', 'note'), tone: 'warning', important: true }
    case 'firm.verified':
      return { title: t('event.firmVerified'), tone: 'success', important: true }
    case 'membership.approved': {
      const consortium = num(data, 'consortium_id')
      return { title: t('event.membershipApproved'), body: text(data, 'consortium_name', 'name'), link: consortium ? `/consortia/${consortium}` : undefined, tone: 'success', important: true }
    }
    case 'trade_fair.created': {
      const fair = num(data, 'trade_fair_id', 'id')
      return { title: t('event.tradeFairCreated'), body: title, link: fair ? `/trade-fairs/${fair}` : undefined, tone: 'info', important: false }
    }
    case 'course.created': {
      const course = num(data, 'course_id', 'id')
      return { title: t('event.courseCreated'), body: title, link: course ? `/courses/${course}` : undefined, tone: 'info', important: false }
    }
    case 'enrolment.promoted': {
      const course = num(data, 'course_id')
      return { title: t('event.enrolmentPromoted'), body: text(data, 'participant_name', 'course_title'), link: course ? `/courses/${course}` : undefined, tone: 'success', important: true }
    }
    case 'membership.requested': {
      const consortium = num(data, 'consortium_id')
      return { title: t('event.membershipRequested', { firm: text(data, 'firm_name') }), link: consortium ? `/consortia/${consortium}` : undefined, tone: 'info', important: true }
    }
    case 'membership.rejected':
      return { title: t('event.membershipRejected'), tone: 'warning', important: true }
    case 'campaign.created': {
      const campaign = num(data, 'campaign_id', 'id')
      return { title: t('event.campaignCreated'), body: title, link: campaign ? `/campaigns/${campaign}` : undefined, tone: 'info', important: false }
    }
    case 'tariff.published': {
      const tariff: DataOf<'tariff.published'> = data
      return { title: t('event.tariffPublished'), body: t('event.tariffPublishedBody', { unit: tariff.unit ?? '', min: tariff.min_price ?? '' }), link: '/tariffs', tone: 'info', important: true }
    }
    case 'capacity.overbooked': {
      const overbooked: DataOf<'capacity.overbooked'> = data
      const contract = typeof overbooked.contract_id === 'number' ? overbooked.contract_id : contractId
      return { title: t('event.capacityOverbooked'), link: contract ? `/contracts/${contract}` : undefined, tone: 'warning', important: true }
    }
    case 'consultation.opened': {
      const opened = data as LiveData<'consultation.opened'>
      return { title: t('event.consultationOpened'), body: opened.title, link: `/forum/topics/${opened.topic_id}`, tone: 'info', important: true }
    }
    case 'guarantee.requested': {
      const requested = data as LiveData<'guarantee.requested'>
      return { title: t('event.guaranteeRequested'), body: requested.firm_name, link: `/consortia/${requested.consortium_id}?tab=guarantees`, tone: 'info', important: true }
    }
    case 'guarantee.decided': {
      const decided = data as LiveData<'guarantee.decided'>
      return { title: t('event.guaranteeDecided'), body: t(`confidi.status.${decided.status}`), link: `/consortia/${decided.consortium_id}?tab=guarantees`, tone: decided.status === 'approved' ? 'success' : 'warning', important: true }
    }
    default:
      return { title: fallbackTitle || t('event.generic'), tone: 'info', important: false }
  }
}
