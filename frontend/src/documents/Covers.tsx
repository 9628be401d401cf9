// The board's previews: the first picture of each order on the page, in one request.
import { api } from '../api/client'
import type { OrderCover } from '../api/types'
import { useLoad } from '../hooks/useLoad'
import { useI18n } from '../i18n'
import { Thumbnail } from './Thumbnail'

export function useOrderCovers(orderIds: number[]): Record<number, number> {
  const key = orderIds.join(',')
  const covers = useLoad(
    async (signal) => {
      if (orderIds.length === 0) return [] as OrderCover[]
      const query = new URLSearchParams(orderIds.slice(0, 100).map((id) => ['order_id', String(id)]))
      return api.get<OrderCover[]>(`/attachments/order-covers?${query.toString()}`, undefined, signal)
    },
    [key],
  )
  return Object.fromEntries((covers.data ?? []).map((c) => [c.order_id, c.attachment_id]))
}

export function OrderCoverImage({ attachmentId, title }: { attachmentId: number; title: string }) {
  const { t } = useI18n()
  return <Thumbnail path={`/attachments/${attachmentId}/thumbnail`} alt={t('docs.preview', { name: title })} className="order-card-cover" />
}
