// Shapes of the mail and account routes, from the generated OpenAPI schema.
import type { components } from '../api/schema'

export type NotificationSettings = components['schemas']['NotificationSettings']
export type MailKinds = components['schemas']['MailKinds']
export type SavedSearch = components['schemas']['SavedSearchOut']
export type SavedSearchIn = components['schemas']['SavedSearchIn']
export type FirmRole = components['schemas']['FirmRole']
export type Invitation = components['schemas']['InvitationOut']
export type InvitationPreview = components['schemas']['InvitationPreview']
export type Unsubscribed = components['schemas']['UnsubscribeOut']

export const MAIL_KINDS = ['order_matching', 'bids', 'awards', 'contracts', 'messages', 'consortium', 'moderation'] as const
