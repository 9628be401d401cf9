// Extra tabs of the association console, filled in by other features.
//
// >>> DOCUMENTS TO REVIEW: the document review queue (another feature) plugs in here:
//     export const documentsTab: StaffExtraTab | null = {
//       id: 'documents', label: 'staff.documents', render: () => <DocumentReviewQueue />,
//     }
// While it is null the console shows no such tab (nothing half-made reaches users).
import type { ReactNode } from 'react'
import type { MessageKey } from '../../i18n'

export interface StaffExtraTab {
  id: string
  label: MessageKey
  render: () => ReactNode
}

export const documentsTab = null as StaffExtraTab | null

export const STAFF_EXTRA_TABS: StaffExtraTab[] = [documentsTab].filter((tab): tab is StaffExtraTab => tab !== null)
