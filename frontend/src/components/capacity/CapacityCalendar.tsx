import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useState, type FormEvent } from 'react'
import { keys } from '../../api/keys'
import { apiClient, data } from '../../api/typed'
import type { CapacityWeek, FirmCapacity } from '../../api/institutions'
import { unitCode } from '../../api/institutions'
import { useAuth } from '../../auth/AuthContext'
import { describeError } from '../../hooks/useForm'
import { useI18n } from '../../i18n'
import { nextWeeks } from '../../lib/isoWeek'
import { phaseName } from '../../lib/phases'
import { RECONNECTED, useLiveEvents } from '../../live/LiveContext'
import { useToast } from '../Toasts'
import { Card, Empty, ErrorBanner, Loading, TableWrap } from '../ui'
import './capacity.css'
import { unitName } from '../../lib/units'

const WEEKS_SHOWN = 12

interface Row {
  phase: string
  unit: string
}

const rowKey = (row: Row) => `${row.phase}|${row.unit}`

/** The rows (phase · unit) and weeks of a calendar: the next 12 weeks and any later week
 *  the firm has declared. */
function layout(items: CapacityWeek[]): { rows: Row[]; weeks: string[] } {
  const rows = new Map<string, Row>()
  for (const item of items) rows.set(rowKey(item), { phase: item.phase, unit: item.unit })
  const weeks = new Set(nextWeeks(WEEKS_SHOWN))
  for (const item of items) weeks.add(item.week)
  return { rows: [...rows.values()].sort((a, b) => rowKey(a).localeCompare(rowKey(b))), weeks: [...weeks].sort() }
}

/** A firm's capacity calendar on its profile: weeks × phases with declared, booked, free
 *  and overbooked; its owners and managers edit the declared capacity. */
export function CapacityCalendar({ firmId, firmPhases, canEdit }: { firmId: number; firmPhases: string[]; canEdit: boolean }) {
  const { t } = useI18n()
  const queryClient = useQueryClient()
  const calendarKey = keys.firmPart(firmId, 'capacity')
  const calendar = useQuery({
    queryKey: calendarKey,
    queryFn: ({ signal }) => data(apiClient.GET('/api/v1/firms/{firm_id}/capacity', { params: { path: { firm_id: firmId } }, signal })),
  })
  const reload = () => void queryClient.invalidateQueries({ queryKey: calendarKey })
  const [editing, setEditing] = useState(false)
  useLiveEvents(['capacity.overbooked', 'contract.created', RECONNECTED], reload)
  return (
    <Card
      title={t('capacity.title')}
      className="capacity-card"
      actions={
        canEdit && !editing && calendar.data ? (
          <button type="button" className="btn btn-secondary btn-small" onClick={() => setEditing(true)}>
            {t('capacity.edit')}
          </button>
        ) : undefined
      }
    >
      <p className="muted small">{t('capacity.lead')}</p>
      <ErrorBanner error={calendar.error} onRetry={reload} />
      {!calendar.data && !calendar.error && <Loading />}
      {calendar.data &&
        (editing ? (
          <CapacityEditor
            items={calendar.data.items}
            firmId={firmId}
            firmPhases={firmPhases}
            onDone={(saved) => {
              if (saved) {
                queryClient.setQueryData(calendarKey, saved)
                // The board's "fits my capacity" filter and the district's summary read it.
                void queryClient.invalidateQueries({ queryKey: keys.orders })
                void queryClient.invalidateQueries({ queryKey: keys.capacitySummary })
              }
              setEditing(false)
            }}
          />
        ) : calendar.data.items.length === 0 ? (
          <Empty title={t('capacity.empty')}>{t('capacity.emptyText')}</Empty>
        ) : (
          <CapacityGrid items={calendar.data.items} />
        ))}
    </Card>
  )
}

function CapacityGrid({ items }: { items: CapacityWeek[] }) {
  const { t, fmt, locale } = useI18n()
  const { phases } = useAuth()
  const { rows, weeks } = layout(items)
  const cell = new Map(items.map((i) => [`${rowKey(i)}|${i.week}`, i]))
  return (
    <TableWrap className="capacity-grid" label={t('capacity.title')}>
      <table className="table compact" data-testid="capacity-grid">
        <caption className="sr-only">{t('capacity.title')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('capacity.phase')}</th>
            {weeks.map((week) => (
              <th key={week} scope="col" className="num">
                {t('capacity.weekOf', { week: week.slice(6) })}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)}>
              <th scope="row">{t('capacity.phaseUnit', { phase: phaseName(phases, row.phase, locale), unit: unitName(row.unit, locale) })}</th>
              {weeks.map((week) => {
                const slot = cell.get(`${rowKey(row)}|${week}`)
                if (!slot) return <td key={week} className="num muted">—</td>
                const over = Number(slot.overbooked) > 0
                return (
                  <td key={week} className={`num ${over ? 'capacity-over' : ''}`} data-label={week}>
                    <strong title={t('capacity.free')}>{fmt.number(slot.free)}</strong>
                    <div className="muted small" title={`${t('capacity.booked')} / ${t('capacity.declared')}`}>
                      {fmt.number(slot.booked)} / {fmt.number(slot.declared)}
                    </div>
                    {over && <span className="badge badge-red" data-testid="overbooked">{t('capacity.overbooked', { qty: fmt.number(slot.overbooked) })}</span>}
                  </td>
                )
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small">
        <strong>{t('capacity.free')}</strong> · {t('capacity.booked')} / {t('capacity.declared')}
      </p>
    </TableWrap>
  )
}

function CapacityEditor({
  items,
  firmId,
  firmPhases,
  onDone,
}: {
  items: CapacityWeek[]
  firmId: number
  firmPhases: string[]
  onDone: (saved: FirmCapacity | null) => void
}) {
  const { t, locale } = useI18n()
  const { phases } = useAuth()
  const push = useToast()
  const initial = layout(items)
  const [rows, setRows] = useState<Row[]>(initial.rows.length ? initial.rows : firmPhases.slice(0, 1).map((phase) => ({ phase, unit: 'm' })))
  const weeks = initial.weeks
  const [values, setValues] = useState<Record<string, string>>(() =>
    Object.fromEntries(items.filter((i) => Number(i.declared) > 0).map((i) => [`${rowKey(i)}|${i.week}`, String(Number(i.declared))])),
  )
  const [newPhase, setNewPhase] = useState(firmPhases[0] ?? '')
  const [newUnit, setNewUnit] = useState('m')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const label = (row: Row) => t('capacity.phaseUnit', { phase: phaseName(phases, row.phase, locale), unit: unitName(row.unit, locale) })

  const addRow = () => {
    const row = { phase: newPhase, unit: unitCode(newUnit) }
    if (!row.phase || !row.unit || rows.some((r) => rowKey(r) === rowKey(row))) return
    setRows([...rows, row])
  }
  const onSubmit = async (event: FormEvent) => {
    event.preventDefault()
    setError(null)
    const entries = []
    for (const row of rows) {
      for (const week of weeks) {
        const raw = (values[`${rowKey(row)}|${week}`] ?? '').trim().replace(',', '.')
        if (!raw) continue
        const quantity = Number(raw)
        if (!Number.isFinite(quantity) || quantity < 0) {
          setError(t('capacity.badQuantity', { label: label(row), week }))
          return
        }
        if (quantity > 0) entries.push({ phase: row.phase, unit: row.unit, week, quantity: raw })
      }
    }
    setBusy(true)
    try {
      const saved = await data(apiClient.PUT('/api/v1/firms/{firm_id}/capacity', { params: { path: { firm_id: firmId } }, body: entries }))
      push({ tone: 'success', title: t('capacity.saved') })
      onDone(saved)
    } catch (failure) {
      setError(describeError(failure, t))
    } finally {
      setBusy(false)
    }
  }
  return (
    <form className="form" onSubmit={onSubmit} noValidate aria-label={t('capacity.edit')}>
      <p className="muted small">{t('capacity.editorHint')}</p>
      <ErrorBanner message={error} />
      <div className="table-wrap capacity-grid">
        <table className="table compact" data-testid="capacity-editor">
          <caption className="sr-only">{t('capacity.edit')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('capacity.phase')}</th>
              {weeks.map((week) => (
                <th key={week} scope="col" className="num">
                  {t('capacity.weekOf', { week: week.slice(6) })}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={rowKey(row)}>
                <th scope="row">
                  {label(row)}{' '}
                  <button type="button" className="btn btn-ghost btn-small" aria-label={t('capacity.removeRow', { label: label(row) })} onClick={() => setRows(rows.filter((r) => rowKey(r) !== rowKey(row)))}>
                    ×
                  </button>
                </th>
                {weeks.map((week) => {
                  const key = `${rowKey(row)}|${week}`
                  return (
                    <td key={week}>
                      <input
                        className="capacity-input"
                        inputMode="decimal"
                        aria-label={t('capacity.quantityFor', { label: label(row), week })}
                        value={values[key] ?? ''}
                        onChange={(e) => setValues({ ...values, [key]: e.target.value })}
                      />
                    </td>
                  )
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="row-3 capacity-add">
        <div className="field">
          <label htmlFor="capacity-new-phase">{t('capacity.phase')}</label>
          <select id="capacity-new-phase" value={newPhase} onChange={(e) => setNewPhase(e.target.value)}>
            {firmPhases.map((code) => (
              <option key={code} value={code}>
                {phaseName(phases, code, locale)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="capacity-new-unit">{t('capacity.unit')}</label>
          <input id="capacity-new-unit" list="capacity-units" maxLength={20} value={newUnit} onChange={(e) => setNewUnit(e.target.value)} />
          <datalist id="capacity-units">
            {['m', 'kg', 'pz', 'capi', 'paia', 'm2'].map((u) => (
              <option key={u} value={u} />
            ))}
          </datalist>
        </div>
        <div className="field field-button">
          <button type="button" className="btn btn-secondary" onClick={addRow}>
            {t('capacity.addRow')}
          </button>
        </div>
      </div>
      <div className="button-row">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? t('common.wait') : t('capacity.save')}
        </button>
        <button type="button" className="btn btn-ghost" onClick={() => onDone(null)}>
          {t('capacity.cancel')}
        </button>
      </div>
    </form>
  )
}
