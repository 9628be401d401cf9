import type { FormEvent } from 'react'
import { useNavigate } from 'react-router-dom'
import type { components } from '../api/schema'
import { apiClient, data } from '../api/typed'
import type { Firm } from '../api/types'
import { useAuth } from '../auth/AuthContext'
import { SelectField, TextArea, TextField } from '../components/Field'
import { ErrorBanner, PageHeader } from '../components/ui'
import { useForm } from '../hooks/useForm'
import { useI18n, type MessageKey } from '../i18n'
import { REGIONS, SIZE_CLASSES, vatProblem } from '../lib/italy'
import { countryOptions } from '../trade/countries'
import { PhasePicker } from '../components/PhasePicker'

type SizeClass = components['schemas']['SizeClass']

export function FirmNewPage() {
  const { t, locale } = useI18n()
  const { me, reloadMe, setFirmId } = useAuth()
  const navigate = useNavigate()
  const form = useForm({
    name: '',
    vat_number: '',
    country: 'IT',
    phases: [] as string[],
    region: '',
    province: '',
    size_class: 'small' as SizeClass,
    description: '',
  })
  const v = form.values
  const italian = v.country === 'IT'

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault()
    let created: Firm | null = null
    const ok = await form.submit(
      async () => {
        created = await data(
          apiClient.POST('/api/v1/firms', {
            body: {
              ...v,
              region: v.region.trim(),
              province: italian ? v.province.trim() || null : null,
            },
          }),
        )
      },
      () => {
        // Italian numbers are checked here too; other countries' by the server (stdnum).
        const vat = italian ? vatProblem(v.vat_number) : null
        return {
          ...(v.name.trim().length >= 2 ? {} : { name: t('firmNew.nameShort') }),
          ...(vat ? { vat_number: t(`firmNew.vat.${vat}` as MessageKey) } : {}),
          ...(v.phases.length ? {} : { phases: t('firmNew.phasesNone') }),
          ...(v.region.trim() ? {} : { region: t('form.required') }),
        }
      },
    )
    if (ok && created) {
      const firm: Firm = created
      setFirmId(firm.id)
      await reloadMe()
      navigate(`/firms/${firm.id}`)
    }
  }

  return (
    <div className="narrow">
      <PageHeader title={t('firmNew.title')} subtitle={me?.memberships.length ? t('firmNew.leadMore') : t('firmNew.lead')} />
      <form className="card form" onSubmit={onSubmit} noValidate>
        <ErrorBanner message={form.banner} />
        <TextField label={t('firm.name')} required value={v.name} onChange={(e) => form.set('name', e.target.value)} error={form.errors.name} maxLength={160} />
        <TextField
          label={t('firm.vat')}
          required
          inputMode="numeric"
          hint={t('firmNew.vatHint')}
          value={v.vat_number}
          onChange={(e) => form.set('vat_number', e.target.value)}
          error={form.errors.vat_number}
          maxLength={16}
        />
        <PhasePicker value={v.phases} onChange={(phases) => form.set('phases', phases)} error={form.errors.phases} />
        <SelectField
          label={t('billing.country')}
          options={countryOptions(locale)}
          value={v.country}
          onChange={(e) => {
            form.set('country', e.target.value)
            form.set('region', '')
          }}
          error={form.errors.country}
        />
        {italian ? (
          <div className="row-2">
            <SelectField
              label={t('firm.region')}
              required
              placeholder={t('form.choose')}
              options={REGIONS.map((r) => ({ value: r, label: r }))}
              value={v.region}
              onChange={(e) => form.set('region', e.target.value)}
              error={form.errors.region}
            />
            <TextField
              label={t('firm.province')}
              hint={t('firmNew.provinceCodeOrName')}
              value={v.province}
              maxLength={40}
              onChange={(e) => form.set('province', e.target.value)}
              error={form.errors.province}
            />
          </div>
        ) : (
          <TextField label={t('firmNew.regionAbroad')} required maxLength={60} value={v.region} onChange={(e) => form.set('region', e.target.value)} error={form.errors.region} />
        )}
        <SelectField
          label={t('firm.size')}
          options={SIZE_CLASSES.map((s) => ({ value: s, label: t(`size.${s}` as MessageKey) }))}
          value={v.size_class}
          // The select offers only SIZE_CLASSES, so its value is one of them.
          onChange={(e) => form.set('size_class', e.target.value as SizeClass)}
          error={form.errors.size_class}
        />
        <TextArea label={t('firm.description')} rows={4} maxLength={4000} value={v.description} onChange={(e) => form.set('description', e.target.value)} error={form.errors.description} />
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={form.busy}>
            {form.busy ? t('common.wait') : t('firmNew.submit')}
          </button>
        </div>
      </form>
    </div>
  )
}
