import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useState, type FormEvent } from 'react'
import type { Tariff, TariffVersion } from '../api/institutions'
import { keys } from '../api/keys'
import { apiClient, data } from '../api/typed'
import { useAuth } from '../auth/AuthContext'
import { SelectField, TextField } from '../components/Field'
import { useToast } from '../components/Toasts'
import { Card, Empty, ErrorBanner, Loading, PageHeader, TableWrap } from '../components/ui'
import { useForm } from '../hooks/useForm'
import { useI18n } from '../i18n'
import { groupedPhases, phaseName } from '../lib/phases'
import { RECONNECTED, useLiveEvents } from '../live/LiveContext'
import '../components/tariffs/tariffs.css'
import { unitName } from '../lib/units'

const UNITS = ['m', 'kg', 'pz', 'capi', 'paia', 'm2']

export function TariffsPage() {
  const { t, locale } = useI18n()
  const { me, phases } = useAuth()
  const [phase, setPhase] = useState('')
  const queryClient = useQueryClient()
  const list = useQuery({
    queryKey: keys.tariffs(phase),
    queryFn: ({ signal }) => data(apiClient.GET('/api/v1/tariffs', { params: { query: { phase: phase || undefined } }, signal })),
  })
  const reload = () => void queryClient.invalidateQueries({ queryKey: ['tariffs'] })
  useLiveEvents(['tariff.published', RECONNECTED], reload)
  const options = groupedPhases(phases, locale).flatMap((g) => g.items.map((i) => ({ value: i.code, label: `${g.group} · ${i.name}` })))
  return (
    <div>
      <PageHeader
        title={t('tariffs.title')}
        subtitle={t('tariffs.lead')}
        actions={
          <label className="inline-select">
            {t('tariffs.filterPhase')}{' '}
            <select value={phase} onChange={(e) => setPhase(e.target.value)}>
              <option value="">{t('tariffs.allPhases')}</option>
              {options.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </select>
          </label>
        }
      />
      {me?.is_staff && (
        <PublishTariff
          onPublished={reload}
        />
      )}
      <ErrorBanner error={list.error} onRetry={reload} />
      {!list.data && !list.error && <Loading />}
      {list.data && list.data.items.length === 0 && <Empty title={t('tariffs.empty')}>{t('tariffs.emptyText')}</Empty>}
      {list.data && list.data.items.length > 0 && (
        <TableWrap className="card" label={t('tariffs.title')}>
          <table className="table" data-testid="tariffs-table">
            <caption className="sr-only">{t('tariffs.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('tariffs.phase')}</th>
                <th scope="col">{t('tariffs.unit')}</th>
                <th scope="col" className="num">{t('tariffs.min')}</th>
                <th scope="col" className="num">{t('tariffs.typical')}</th>
                <th scope="col" className="num">{t('tariffs.observed')}</th>
                <th scope="col">{t('tariffs.validFrom')}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((tariff) => (
                <TariffRow key={tariff.id} tariff={tariff} phaseLabel={phaseName(phases, tariff.phase, locale)} />
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </div>
  )
}

function TariffRow({ tariff, phaseLabel }: { tariff: Tariff; phaseLabel: string }) {
  const { t, fmt, locale } = useI18n()
  return (
    <tr>
      <th scope="row">{phaseLabel}</th>
      <td data-label={t('tariffs.unit')}>{unitName(tariff.unit, locale)}</td>
      <td data-label={t('tariffs.min')} className="num">
        {fmt.money(tariff.min_price)}
      </td>
      <td data-label={t('tariffs.typical')} className="num">
        {fmt.money(tariff.typical_price)}
      </td>
      <td data-label={t('tariffs.observed')} className="num">
        {tariff.observed_median === null ? (
          <span className="muted" title={t('tariffs.observedHiddenHint')}>
            {t('tariffs.observedHidden')}
          </span>
        ) : (
          <>
            {fmt.money(tariff.observed_median)}
            <div className="muted small">{t('tariffs.basedOn', { n: tariff.observed_contracts ?? 0 })}</div>
          </>
        )}
      </td>
      <td data-label={t('tariffs.validFrom')}>
        {fmt.date(tariff.valid_from)}
        {tariff.valid_until && <div className="muted small">{t('tariffs.validUntil', { date: fmt.date(tariff.valid_until) })}</div>}
        {tariff.history.length > 1 && <History versions={tariff.history} current={tariff.id} />}
      </td>
    </tr>
  )
}

function History({ versions, current }: { versions: TariffVersion[]; current: number }) {
  const { t, fmt } = useI18n()
  return (
    <details className="tariff-history">
      <summary>{t('tariffs.history', { n: versions.length })}</summary>
      <ol>
        {versions.map((v) => (
          <li key={v.id} className={v.id === current ? 'strong' : undefined}>
            {t('tariffs.version', { n: v.version })}: {fmt.money(v.min_price)} – {fmt.money(v.typical_price)} · {fmt.date(v.valid_from)}
            {v.superseded_from && ` · ${t('tariffs.supersededFrom', { date: fmt.date(v.superseded_from) })}`}
            {v.note && <div className="muted small">{v.note}</div>}
          </li>
        ))}
      </ol>
    </details>
  )
}

function today(): string {
  const now = new Date()
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`
}

function PublishTariff({ onPublished }: { onPublished: () => void }) {
  const { t, locale } = useI18n()
  const { phases } = useAuth()
  const push = useToast()
  const form = useForm({ phase: '', unit: 'm', min_price: '', typical_price: '', valid_from: today(), valid_until: '', note: '' })
  const v = form.values
  const decimal = (value: string) => value.trim().replace(',', '.')
  const onSubmit = async (event: FormEvent) => {
    event.preventDefault()
    let version = 0
    const ok = await form.submit(
      async () => {
        const created = await data(
          apiClient.POST('/api/v1/tariffs', {
            body: {
              phase: v.phase,
              unit: v.unit,
              min_price: decimal(v.min_price),
              typical_price: decimal(v.typical_price),
              valid_from: v.valid_from,
              valid_until: v.valid_until || null,
              note: v.note.trim(),
            },
          }),
        )
        version = created.version
      },
      () => {
        const min = Number(decimal(v.min_price))
        const typical = Number(decimal(v.typical_price))
        return {
          ...(v.phase ? {} : { phase: t('form.required') }),
          ...(v.unit.trim() ? {} : { unit: t('form.required') }),
          ...(min > 0 ? {} : { min_price: t('tariffs.minPositive') }),
          ...(typical >= min ? {} : { typical_price: t('tariffs.typicalBelowMin') }),
          ...(v.valid_from ? {} : { valid_from: t('form.required') }),
        }
      },
    )
    if (ok) {
      push({ tone: 'success', title: t('tariffs.published', { n: version }) })
      form.set('min_price', '')
      form.set('typical_price', '')
      form.set('note', '')
      onPublished()
    }
  }
  const options = groupedPhases(phases, locale).flatMap((g) => g.items.map((i) => ({ value: i.code, label: `${g.group} · ${i.name}` })))
  return (
    <Card title={t('tariffs.publishTitle')}>
      <p className="muted small">{t('tariffs.publishLead')}</p>
      <form className="form" onSubmit={onSubmit} noValidate aria-label={t('tariffs.publishTitle')}>
        <ErrorBanner message={form.banner} />
        <div className="row-3">
          <SelectField label={t('tariffs.phase')} required placeholder={t('form.choose')} options={options} value={v.phase} onChange={(e) => form.set('phase', e.target.value)} error={form.errors.phase} />
          <TextField label={t('tariffs.unit')} required list="tariff-units" maxLength={20} value={v.unit} onChange={(e) => form.set('unit', e.target.value)} error={form.errors.unit} />
          <TextField label={t('tariffs.validFrom')} type="date" required value={v.valid_from} onChange={(e) => form.set('valid_from', e.target.value)} error={form.errors.valid_from} />
        </div>
        <datalist id="tariff-units">
          {UNITS.map((u) => (
            <option key={u} value={u} />
          ))}
        </datalist>
        <div className="row-3">
          <TextField label={t('tariffs.min')} required inputMode="decimal" value={v.min_price} onChange={(e) => form.set('min_price', e.target.value)} error={form.errors.min_price} />
          <TextField label={t('tariffs.typical')} required inputMode="decimal" value={v.typical_price} onChange={(e) => form.set('typical_price', e.target.value)} error={form.errors.typical_price} />
          <TextField label={t('tariffs.validUntilLabel')} type="date" value={v.valid_until} onChange={(e) => form.set('valid_until', e.target.value)} error={form.errors.valid_until} />
        </div>
        <TextField label={t('tariffs.note')} maxLength={2000} placeholder={t('tariffs.notePlaceholder')} value={v.note} onChange={(e) => form.set('note', e.target.value)} error={form.errors.note} />
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={form.busy}>
            {form.busy ? t('common.wait') : t('tariffs.publish')}
          </button>
        </div>
      </form>
    </Card>
  )
}
