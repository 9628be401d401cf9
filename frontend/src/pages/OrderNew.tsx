import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useState, type FormEvent } from 'react'
import { Navigate, useNavigate, useSearchParams } from 'react-router-dom'
import { keys } from '../api/keys'
import { apiClient, data } from '../api/typed'
import type { components } from '../api/schema'
import type { Order } from '../api/types'
import { useAuth } from '../auth/AuthContext'
import { CheckboxField, SelectField, TextArea, TextField } from '../components/Field'
import { DistrictCapacity } from '../components/capacity/DistrictCapacity'
import { FirmPicker } from '../components/FirmPicker'
import { ErrorBanner, PageHeader } from '../components/ui'
import { useToast } from '../components/Toasts'
import { PendingFiles, uploadAll } from '../documents/PendingFiles'
import { useForm, type Errors } from '../hooks/useForm'
import { useI18n } from '../i18n'
import { formatDateInput } from '../lib/numbers'
import { groupedPhases } from '../lib/phases'
import { checkDate, checkNumber, DateInput, DecimalField, PaymentTermsFields, UnitField, VatFields, type PaymentTerms } from '../trade/fields'

const TOLERANCES = ['0', '2', '3', '5', '10']

type VatNature = components['schemas']['VatNature']

function localInput(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`
}

function dayInput(date: Date): string {
  return localInput(date).slice(0, 10)
}

interface OrderForm {
  title: string
  description: string
  phase: string
  quantity: string
  unit: string
  target_unit_price: string
  bid_deadline: string
  delivery_due: string
  visibility: 'public' | 'invited' | 'consortium'
  invited: { id: number; name: string }[]
  consortium_id: string
  sealed: boolean
  vat_rate: string
  vat_nature: VatNature
  payment_terms: PaymentTerms
  delivery_tolerance_percent: string
}

export function OrderNewPage() {
  const { t, locale } = useI18n()
  const { firmId, canManage, phases, me } = useAuth()
  // A suspended firm is not offered the form at all (it would only be refused).
  const activeFirm = me?.memberships.find((m) => m.firm_id === firmId)
  const suspended = activeFirm?.firm_status === 'suspended'
  const navigate = useNavigate()
  const push = useToast()
  const [pendingFiles, setPendingFiles] = useState<File[]>([])
  const [params] = useSearchParams()
  const parentContract = params.get('parent_contract_id')
  const queryClient = useQueryClient()
  const mine = me?.consortia.map((c) => c.consortium_id) ?? []
  // The consortia page's list (same key), narrowed to the firm's own consortia.
  const consortia = useQuery({
    queryKey: ['consortia', { kind: '' }],
    queryFn: ({ signal }) => data(apiClient.GET('/api/v1/consortia', { params: { query: { limit: 100 } }, signal })),
    select: (page) => page.items.filter((c) => mine.includes(c.id)),
    enabled: mine.length > 0,
  })
  const inAWeek = new Date(Date.now() + 7 * 86400_000)
  inAWeek.setHours(18, 0, 0, 0)
  const form = useForm<OrderForm>({
    title: '',
    description: '',
    phase: params.get('phase') ?? '',
    quantity: '',
    unit: 'pz',
    target_unit_price: '',
    bid_deadline: localInput(inAWeek),
    delivery_due: formatDateInput(dayInput(new Date(Date.now() + 35 * 86400_000)), locale),
    visibility: 'public',
    invited: [],
    consortium_id: '',
    sealed: false,
    vat_rate: '22',
    vat_nature: 'N6.9',
    payment_terms: { method: 'riba', days: 60, end_of_month: true },
    delivery_tolerance_percent: '0',
  })
  const v = form.values
  if (!firmId) return <Navigate to="/firms/new" replace />

  const validate = (): Errors<OrderForm> => {
    const errors: Errors<OrderForm> = {}
    if (v.title.trim().length < 3) errors.title = t('orderNew.titleShort')
    if (!v.phase) errors.phase = t('orderNew.phaseMissing')
    const quantity = checkNumber(v.quantity, t, locale, 3)
    if (quantity.error) errors.quantity = quantity.error
    if (!v.unit.trim()) errors.unit = t('form.required')
    const price = v.target_unit_price.trim() ? checkNumber(v.target_unit_price, t, locale, 4) : {}
    if (price.error) errors.target_unit_price = price.error
    const deadline = new Date(v.bid_deadline)
    if (!v.bid_deadline || Number.isNaN(deadline.getTime())) errors.bid_deadline = t('form.required')
    else if (deadline.getTime() <= Date.now()) errors.bid_deadline = t('orderNew.deadlinePast')
    const due = checkDate(v.delivery_due, t, locale)
    if (due.error) errors.delivery_due = due.error
    else if (v.bid_deadline && new Date(`${due.value}T23:59:59`).getTime() < deadline.getTime()) errors.delivery_due = t('orderNew.dueBeforeDeadline')
    if (v.visibility === 'invited' && v.invited.length === 0) errors.invited_firm_ids = t('orderNew.inviteSomeone')
    if (v.visibility === 'consortium' && !v.consortium_id) errors.consortium_id = t('orderNew.chooseConsortium')
    return errors
  }

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault()
    let created: Order | null = null
    const ok = await form.submit(async () => {
      created = await data(
        apiClient.POST('/api/v1/orders', {
          body: {
            firm_id: firmId,
            title: v.title.trim(),
            description: v.description.trim(),
            phase: v.phase,
            // validate() refuses the form before this runs unless quantity and due date parse.
            quantity: checkNumber(v.quantity, t, locale, 3).value!,
            unit: v.unit.trim(),
            target_unit_price: v.target_unit_price.trim() ? checkNumber(v.target_unit_price, t, locale, 4).value : null,
            bid_deadline: new Date(v.bid_deadline).toISOString(),
            delivery_due: checkDate(v.delivery_due, t, locale).value!,
            vat_rate: v.vat_rate,
            vat_nature: v.vat_rate === '0' ? v.vat_nature : null,
            payment_terms: v.payment_terms,
            delivery_tolerance_percent: v.delivery_tolerance_percent,
            visibility: v.visibility,
            invited_firm_ids: v.visibility === 'invited' ? v.invited.map((f) => f.id) : undefined,
            consortium_id: v.visibility === 'consortium' ? Number(v.consortium_id) : undefined,
            sealed: v.sealed,
            // The server's default: the generated type asks for every field that has one.
            status: 'open',
            parent_contract_id: parentContract ? Number(parentContract) : undefined,
          },
        }),
      )
    }, validate)
    if (ok && created) {
      const orderId = (created as Order).id
      void queryClient.invalidateQueries({ queryKey: keys.orders })
      const failed = await uploadAll(`/orders/${orderId}/attachments`, pendingFiles)
      if (failed.length) push({ tone: 'warning', title: t('docs.someFailed', { names: failed.join(', ') }) })
      navigate(`/orders/${orderId}`)
    }
  }

  return (
    <div className="narrow">
      <PageHeader title={t('orderNew.title')} subtitle={parentContract ? t('orderNew.subOrderLead', { id: parentContract }) : t('orderNew.lead')} back={{ to: '/board', label: t('nav.board') }} />
      {!canManage && <ErrorBanner message={t('orderNew.needManager')} />}
      {suspended && <ErrorBanner message={t('firm.suspendedBanner', { name: activeFirm?.firm_name ?? '' })} />}
      {!suspended && (
      <form className="card form" onSubmit={onSubmit} noValidate>
        <ErrorBanner message={form.banner} />
        <TextField label={t('order.title')} required maxLength={200} value={v.title} placeholder={t('orderNew.titlePlaceholder')} onChange={(e) => form.set('title', e.target.value)} error={form.errors.title} />
        <TextArea label={t('order.description')} rows={5} maxLength={8000} hint={t('orderNew.descriptionHint')} value={v.description} onChange={(e) => form.set('description', e.target.value)} error={form.errors.description} />
        <div className="field">
          <label htmlFor="order-phase">
            {t('order.phase')}
            <span className="required" aria-hidden="true"> *</span>
          </label>
          <select id="order-phase" required value={v.phase} aria-invalid={form.errors.phase ? true : undefined} aria-describedby={form.errors.phase ? 'order-phase-error' : undefined} onChange={(e) => form.set('phase', e.target.value)}>
            <option value="">{t('form.choose')}</option>
            {groupedPhases(phases, locale).map((group) => (
              <optgroup key={group.group} label={group.group}>
                {group.items.map((item) => (
                  <option key={item.code} value={item.code}>
                    {item.name}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
          {form.errors.phase && (
            <p className="field-error" id="order-phase-error" role="alert">
              {form.errors.phase}
            </p>
          )}
        </div>
        <div className="row-3">
          <DecimalField label={t('order.quantity')} required decimals={3} value={v.quantity} onChange={(value) => form.set('quantity', value)} error={form.errors.quantity} />
          <UnitField label={t('order.unit')} value={v.unit} onChange={(value) => form.set('unit', value)} error={form.errors.unit} />
          <DecimalField label={t('order.targetPrice')} decimals={4} hint={t('orderNew.targetHint')} value={v.target_unit_price} onChange={(value) => form.set('target_unit_price', value)} error={form.errors.target_unit_price} />
        </div>
        <div className="row-2">
          <TextField label={t('order.deadline')} type="datetime-local" required value={v.bid_deadline} onChange={(e) => form.set('bid_deadline', e.target.value)} error={form.errors.bid_deadline} />
          <DateInput label={t('order.deliveryDue')} required value={v.delivery_due} onChange={(value) => form.set('delivery_due', value)} error={form.errors.delivery_due} />
        </div>
        <DistrictCapacity phase={v.phase} unit={v.unit} quantity={checkNumber(v.quantity, t, locale, 3).value ?? ''} until={checkDate(v.delivery_due, t, locale).value ?? ''} />
        <fieldset className="field">
          <legend>{t('terms.title')}</legend>
          {/* VatFields offers only VAT_NATURES, so the nature it hands back is one of them. */}
          <VatFields rate={v.vat_rate} nature={v.vat_nature} onRate={(value) => form.set('vat_rate', value)} onNature={(value) => form.set('vat_nature', value as VatNature)} error={form.errors.vat_nature} />
          <PaymentTermsFields value={v.payment_terms} onChange={(terms) => form.set('payment_terms', terms)} />
          <SelectField
            label={t('terms.tolerance')}
            hint={t('terms.toleranceHint')}
            options={TOLERANCES.map((p) => ({ value: p, label: `±${p}%` }))}
            value={v.delivery_tolerance_percent}
            onChange={(e) => form.set('delivery_tolerance_percent', e.target.value)}
            error={form.errors.delivery_tolerance_percent}
          />
        </fieldset>
        <fieldset className="field">
          <legend>{t('order.visibility')}</legend>
          <div className="radio-cards">
            {(['public', 'invited', 'consortium'] as const).map((option) => (
              <label key={option} className={v.visibility === option ? 'radio-card radio-card-on' : 'radio-card'}>
                <input type="radio" name="visibility" value={option} checked={v.visibility === option} onChange={() => form.set('visibility', option)} />
                <strong>{t(`visibility.${option}`)}</strong>
                <span>{t(`visibility.${option}Hint`)}</span>
              </label>
            ))}
          </div>
          {form.errors.visibility && <p className="field-error" role="alert">{form.errors.visibility}</p>}
        </fieldset>
        {v.visibility === 'invited' && (
          <FirmPicker label={t('orderNew.invited')} value={v.invited} excludeIds={[firmId]} onChange={(firms) => form.set('invited', firms)} error={form.errors.invited_firm_ids ?? form.errors.invited} />
        )}
        {v.visibility === 'consortium' && (
          <SelectField
            label={t('orderNew.consortium')}
            placeholder={consortia.data?.length ? t('form.choose') : t('orderNew.noConsortium')}
            options={(consortia.data ?? []).map((c) => ({ value: String(c.id), label: c.name }))}
            value={v.consortium_id}
            onChange={(e) => form.set('consortium_id', e.target.value)}
            error={form.errors.consortium_id}
          />
        )}
        <CheckboxField label={t('orderNew.sealed')} hint={t('order.sealedHint')} checked={v.sealed} onChange={(e) => form.set('sealed', e.target.checked)} />
        <PendingFiles files={pendingFiles} onChange={setPendingFiles} />
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={form.busy || !canManage}>
            {form.busy ? t('common.wait') : t('orderNew.submit')}
          </button>
        </div>
      </form>
      )}
    </div>
  )
}
