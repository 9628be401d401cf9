// Domain types the screens use: the backend's own OpenAPI schema (schema.d.ts, made by
// `npm run gen:api`), under short names. A change in the API breaks the type check
// rather than a screen.

import type { components } from './schema'

type Schemas = components['schemas']

export interface Page<T> {
  items: T[]
  next_cursor: string | null
}

/** Some lists are paged ({items, next_cursor}), short ones are plain arrays. */
export function itemsOf<T>(list: T[] | { items: T[] }): T[] {
  return Array.isArray(list) ? list : list.items
}

export type Me = Schemas['MeOut']
export type Phase = Schemas['PhaseOut']
export type Member = Schemas['MemberOut']
export type TokenPair = Schemas['TokenPair']
export type Firm = Schemas['FirmOut']
export type Reputation = Schemas['FirmReputationOut']

export type Order = Schemas['OrderOut']
export type Bid = Schemas['BidOut']
export type Question = Schemas['QuestionOut']
export type Contract = Schemas['ContractOut']
export type AwardedContract = Schemas['ContractOut']
export type ContractMessage = Schemas['MessageOut']
export type Review = Schemas['ReviewOut']
export type ContractReviews = Schemas['ContractReviewsOut']

export type ConsortiumKind = 'export' | 'marketing' | 'training' | 'general'
export type Consortium = Schemas['ConsortiumOut']
export type ConsortiumDetail = Schemas['ConsortiumDetail']
export type TradeFair = Schemas['TradeFairOut']
export type CostShare = Schemas['CostLineOut']
export type Campaign = Schemas['CampaignOut']
export type Course = Schemas['CourseOut']
export type Enrolment = Schemas['EnrolmentOut']

export type QueueItem = Schemas['QueueItemOut']
export type ModeratedFirm = Schemas['ModeratedFirmOut']
export type AuditEntry = Schemas['AuditEntryOut']

export type ObservatorySummary = Schemas['ObservatorySummary']
export type MonthCell = Schemas['MonthCell']

/** An event of the live channel, discriminated on `type`: generated from the backend's
 * typed payloads (`LiveEvent` in the OpenAPI schema), so `event.data` is known per type. */
export type LiveEvent = Schemas['LiveEvent']
export type LiveEventType = LiveEvent['type']
export type Notification = Schemas['NotificationOut']
export type UnreadCount = Schemas['UnreadCount']

/** `GET /auth/providers`: the external sign-in providers configured, if any. */
export interface AuthProvider {
  name: string
  login_url: string
}
