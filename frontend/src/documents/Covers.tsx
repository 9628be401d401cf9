// The board's previews: the first picture of each order on the page, in one request.
import { useQuery } from '@tanstack/react-query'
import { keys } from '../api/keys'
import { apiClient, data } from '../api/typed'
import { useI18n } from '../i18n'
import { Thumbnail } from './Thumbnail'

export function useOrderCovers(orderIds: number[]): Record<number, number> {
  const shown = orderIds.slice(0, 100)
  const covers = useQuery({
    queryKey: keys.orderCovers(shown),
    queryFn: ({ signal }) => data(apiClient.GET('/api/v1/attachments/order-covers', { params: { query: { order_id: shown } }, signal })),
    enabled: shown.length > 0,
  })
  return Object.fromEntries((covers.data ?? []).map((c) => [c.order_id, c.attachment_id]))
}

export function OrderCoverImage({ attachmentId, title }: { attachmentId: number; title: string }) {
  const { t } = useI18n()
  return <Thumbnail path={`/attachments/${attachmentId}/thumbnail`} alt={t('docs.preview', { name: title })} className="order-card-cover" />
}
