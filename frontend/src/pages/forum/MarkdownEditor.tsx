import { useState } from 'react'
import { apiClient, data } from '../../api/typed'
import { TextArea } from '../../components/Field'
import { useI18n } from '../../i18n'

/** A markdown box with a preview that is the server's own sanitised rendering. */
export function MarkdownEditor({
  label,
  value,
  onChange,
  error,
  rows = 6,
}: {
  label: string
  value: string
  onChange: (value: string) => void
  error?: string
  rows?: number
}) {
  const { t } = useI18n()
  const [mode, setMode] = useState<'write' | 'preview'>('write')
  const [html, setHtml] = useState('')
  const showPreview = async () => {
    setMode('preview')
    try {
      setHtml((await data(apiClient.POST('/api/v1/forum/preview', { body: { body: value } }))).body_html)
    } catch {
      setHtml('')
    }
  }
  return (
    <div className="markdown-editor">
      <div className="editor-tabs" role="group" aria-label={label}>
        <button type="button" className={mode === 'write' ? 'btn btn-small btn-secondary' : 'btn btn-small btn-ghost'} aria-pressed={mode === 'write'} onClick={() => setMode('write')}>
          {t('forum.write')}
        </button>
        <button type="button" className={mode === 'preview' ? 'btn btn-small btn-secondary' : 'btn btn-small btn-ghost'} aria-pressed={mode === 'preview'} onClick={() => void showPreview()}>
          {t('forum.preview')}
        </button>
      </div>
      {mode === 'write' ? (
        <TextArea label={label} rows={rows} maxLength={20000} value={value} onChange={(e) => onChange(e.target.value)} error={error} hint={t('forum.bodyHint')} />
      ) : (
        <div className="editor-preview forum-body" data-testid="markdown-preview" aria-live="polite">
          {html ? <SafeHtml html={html} /> : <p className="muted">{t('forum.previewEmpty')}</p>}
        </div>
      )}
    </div>
  )
}

/** HTML the server rendered from markdown and sanitised (allow-listed tags, no scripts,
 * no event handlers, no images, rel="nofollow noopener" on links). */
export function SafeHtml({ html, lang }: { html: string; lang?: string }) {
  return <div className="forum-body" lang={lang} dangerouslySetInnerHTML={{ __html: html }} />
}
