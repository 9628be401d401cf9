// The secretary's "Edit course" form: title, description, seats and the enrolment
// deadline, sent with the version read (If-Match), so a change someone else saved in the
// meantime is never overwritten unseen: the server refuses it (412), the form says so
// kindly, keeps what was typed and loads the newer version to apply it to.
import { useQueryClient } from '@tanstack/react-query'
import { useState, type FormEvent } from 'react'
import { ApiError } from '../../api/client'
import { apiClient } from '../../api/typed'
import type { Course } from '../../api/types'
import { TextArea, TextField } from '../../components/Field'
import { useToast } from '../../components/Toasts'
import { Card, ErrorBanner } from '../../components/ui'
import { useForm } from '../../hooks/useForm'
import { useI18n } from '../../i18n'

/** An instant as the value of a `datetime-local` input, in the reader's time zone. */
function localInput(iso: string): string {
  const moment = new Date(iso)
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${moment.getFullYear()}-${pad(moment.getMonth() + 1)}-${pad(moment.getDate())}T${pad(moment.getHours())}:${pad(moment.getMinutes())}`
}

export function CourseEditForm({ course }: { course: Course }) {
  const { t } = useI18n()
  const push = useToast()
  const queryClient = useQueryClient()
  const [open, setOpen] = useState(false)
  const form = useForm({
    title: course.title,
    description: course.description,
    capacity: String(course.capacity),
    enrol_deadline: localInput(course.enrol_deadline),
  })
  const v = form.values
  const submit = async (event: FormEvent) => {
    event.preventDefault()
    const ok = await form.submit(
      async () => {
        try {
          await apiClient.PATCH('/api/v1/courses/{course_id}', {
            params: { path: { course_id: course.id } },
            body: {
              title: v.title.trim(),
              description: v.description,
              capacity: Number(v.capacity),
              enrol_deadline: new Date(v.enrol_deadline).toISOString(),
            },
            headers: { 'If-Match': `"${course.revision}"` },
          })
        } catch (error) {
          // Someone else saved first: load their version, so saving again applies these
          // edits to it knowingly.
          if (error instanceof ApiError && error.status === 412) void queryClient.invalidateQueries({ queryKey: ['course', course.id] })
          throw error
        }
      },
      () => {
        const errors: Record<string, string> = {}
        if (!v.title.trim()) errors.title = t('form.required')
        if (!(Number(v.capacity) >= 1)) errors.capacity = t('orderNew.quantityPositive')
        if (!v.enrol_deadline) errors.enrol_deadline = t('form.required')
        return errors
      },
    )
    if (ok) {
      push({ tone: 'success', title: t('course.saved') })
      setOpen(false)
      void queryClient.invalidateQueries({ queryKey: ['course', course.id] })
    }
  }
  if (!open) {
    return (
      <div className="toolbar">
        <button type="button" className="btn btn-secondary" onClick={() => setOpen(true)} aria-expanded={false}>
          {t('course.edit')}
        </button>
      </div>
    )
  }
  return (
    <Card title={t('course.edit')}>
      <form className="form" onSubmit={submit} noValidate aria-label={t('course.edit')}>
        <ErrorBanner message={form.banner} />
        <TextField label={t('course.title')} required value={v.title} onChange={(e) => form.set('title', e.target.value)} error={form.errors.title} />
        <TextArea label={t('firm.description')} rows={3} value={v.description} onChange={(e) => form.set('description', e.target.value)} error={form.errors.description} />
        <div className="row-2">
          <TextField label={t('course.capacity')} inputMode="numeric" required value={v.capacity} onChange={(e) => form.set('capacity', e.target.value)} error={form.errors.capacity} />
          <TextField label={t('course.deadline')} type="datetime-local" required value={v.enrol_deadline} onChange={(e) => form.set('enrol_deadline', e.target.value)} error={form.errors.enrol_deadline} />
        </div>
        <div className="button-row">
          <button type="submit" className="btn btn-primary" disabled={form.busy}>
            {form.busy ? t('common.wait') : t('course.save')}
          </button>
          <button type="button" className="btn btn-ghost" onClick={() => setOpen(false)}>
            {t('common.back')}
          </button>
        </div>
      </form>
    </Card>
  )
}
