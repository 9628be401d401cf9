// Form pieces of the trade conventions (issue 13): amounts, quantities and dates typed
// the user's way, the unit picker from the catalogue, VAT and payment terms.
import { useQuery } from '@tanstack/react-query'
import { keys } from '../api/keys'
import { apiClient, data } from '../api/typed'
import { CheckboxField, SelectField, TextField } from '../components/Field'
import { useI18n, type Locale, type MessageKey } from '../i18n'
import { dateExample, numberExample, parseDate, parsePositive, type Parsed } from '../lib/numbers'

export interface Unit {
  code: string
  name_it: string
  name_en: string
  kind: string
}

export type PaymentMethod = 'bonifico' | 'riba' | 'rid'
export interface PaymentTerms {
  method: PaymentMethod
  days: number
  end_of_month: boolean
}

export const PAYMENT_DAYS = [30, 60, 90, 120]
export const VAT_RATES = ['22', '10', '4', '0']
export const VAT_NATURES = ['N6.9', 'N6.2', 'N6.1', 'N3.2', 'N3.1']

type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string

/** The message for what a parser could not read, with an example of the right shape. */
export function parseMessage(parsed: Parsed<string>, t: Translate, locale: Locale, kind: 'number' | 'date', decimals = 2): string | undefined {
  if (parsed.ok) return undefined
  if (parsed.problem === 'empty') return t('num.empty')
  if (parsed.problem === 'positive') return t('num.positive')
  if (parsed.problem === 'decimals') return t('num.decimals', { n: decimals })
  return kind === 'date' ? t('date.format', { example: dateExample(locale) }) : t('num.format', { example: numberExample(locale, decimals) })
}

/** Checks a positive decimal field; on success returns the API's string. */
export function checkNumber(text: string, t: Translate, locale: Locale, decimals: number): { value?: string; error?: string } {
  const parsed = parsePositive(text, locale, decimals)
  return parsed.ok ? { value: parsed.value } : { error: parseMessage(parsed, t, locale, 'number', decimals) }
}

export function checkDate(text: string, t: Translate, locale: Locale): { value?: string; error?: string } {
  const parsed = parseDate(text, locale)
  return parsed.ok ? { value: parsed.value } : { error: parseMessage(parsed, t, locale, 'date') }
}

interface NumberFieldProps {
  label: string
  value: string
  onChange: (value: string) => void
  error?: string
  decimals: number
  required?: boolean
  hint?: string
}

/** A decimal typed the user's way ("1.250,5" in Italian), parsed when the form is sent. */
export function DecimalField({ label, value, onChange, error, decimals, required, hint }: NumberFieldProps) {
  const { t, locale } = useI18n()
  return (
    <TextField
      label={label}
      inputMode="decimal"
      autoComplete="off"
      required={required}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      error={error}
      hint={hint ?? t('num.hint', { example: numberExample(locale, decimals) })}
    />
  )
}

/** A calendar day typed the user's way ("31/12/2026"). */
export function DateInput({ label, value, onChange, error, required, hint }: Omit<NumberFieldProps, 'decimals'>) {
  const { t, locale } = useI18n()
  return (
    <TextField
      label={label}
      inputMode="numeric"
      autoComplete="off"
      required={required}
      value={value}
      placeholder={dateExample(locale)}
      onChange={(e) => onChange(e.target.value)}
      error={error}
      hint={hint ?? t('date.hint', { example: dateExample(locale) })}
    />
  )
}

export function useUnits(): Unit[] {
  // The catalogue changes only with a migration: one read serves every form.
  const units = useQuery({
    queryKey: keys.units,
    queryFn: ({ signal }) => data(apiClient.GET('/api/v1/units', { signal })),
    staleTime: Infinity,
  })
  return units.data ?? []
}

export function unitLabel(unit: Unit, locale: Locale): string {
  return locale === 'it' ? `${unit.code} · ${unit.name_it}` : `${unit.code} · ${unit.name_en}`
}

/** The unit field: free typing (the server also takes "metri" for "m") offered the
 * catalogue's codes with their names. */
export function UnitField({ value, onChange, error, label }: { value: string; onChange: (v: string) => void; error?: string; label: string }) {
  const { t, locale } = useI18n()
  const units = useUnits()
  return (
    <>
      <TextField label={label} required list="unit-catalogue" maxLength={20} value={value} onChange={(e) => onChange(e.target.value)} error={error} hint={t('units.pick')} />
      <datalist id="unit-catalogue">
        {units.map((u) => (
          <option key={u.code} value={u.code} label={unitLabel(u, locale)} />
        ))}
      </datalist>
    </>
  )
}

export function sameTerms(a: PaymentTerms, b: PaymentTerms): boolean {
  return a.method === b.method && a.days === b.days && a.end_of_month === b.end_of_month
}

export function termsText(terms: PaymentTerms, t: Translate): string {
  return t('terms.summary', { method: t(`terms.${terms.method}` as MessageKey), days: terms.days, eom: terms.end_of_month ? 'yes' : 'no' })
}

/** Method, days and end of month: proposed on the order, confirmed on the bid. */
export function PaymentTermsFields({ value, onChange }: { value: PaymentTerms; onChange: (terms: PaymentTerms) => void }) {
  const { t } = useI18n()
  return (
    <div className="row-3">
      <SelectField
        label={t('terms.method')}
        options={(['riba', 'bonifico', 'rid'] as const).map((m) => ({ value: m, label: t(`terms.${m}`) }))}
        value={value.method}
        onChange={(e) => onChange({ ...value, method: e.target.value as PaymentMethod })}
      />
      <SelectField
        label={t('terms.days')}
        options={PAYMENT_DAYS.map((n) => ({ value: String(n), label: t('terms.daysOption', { n }) }))}
        value={String(value.days)}
        onChange={(e) => onChange({ ...value, days: Number(e.target.value) })}
      />
      <CheckboxField label={t('terms.endOfMonth')} checked={value.end_of_month} onChange={(e) => onChange({ ...value, end_of_month: e.target.checked })} />
    </div>
  )
}

export function VatFields({ rate, nature, onRate, onNature, error }: { rate: string; nature: string; onRate: (v: string) => void; onNature: (v: string) => void; error?: string }) {
  const { t } = useI18n()
  return (
    <div className="row-2">
      <SelectField
        label={t('terms.vatRate')}
        options={VAT_RATES.map((r) => ({ value: r, label: t(`terms.vat${r}` as MessageKey) }))}
        value={rate}
        onChange={(e) => onRate(e.target.value)}
      />
      {rate === '0' && (
        <SelectField
          label={t('terms.vatNature')}
          options={VAT_NATURES.map((n) => ({ value: n, label: t(`terms.nature${n}` as MessageKey) }))}
          value={nature}
          onChange={(e) => onNature(e.target.value)}
          error={error}
        />
      )}
    </div>
  )
}
