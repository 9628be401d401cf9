// Files chosen while an order is being written, uploaded once the order exists.
import { useI18n } from '../i18n'
import { uploadFile, type FilesPath } from './fileLists'
import { ACCEPT, MAX_UPLOAD_MB, sizeLabel } from './files'

export function PendingFiles({ files, onChange }: { files: File[]; onChange: (files: File[]) => void }) {
  const { t } = useI18n()
  return (
    <fieldset className="pending-files">
      <legend className="field-label">{t('docs.pending')}</legend>
      <input
        type="file"
        multiple
        accept={ACCEPT}
        aria-label={t('docs.attach')}
        data-testid="pending-file-input"
        onChange={(event) => {
          onChange([...files, ...Array.from(event.target.files ?? [])])
          event.target.value = ''
        }}
      />
      <p className="field-hint">
        {t('docs.attachHint', { mb: MAX_UPLOAD_MB })} {t('docs.pendingHint')}
      </p>
      {files.length > 0 && (
        <ul className="plain-list small">
          {files.map((file, index) => (
            <li key={`${file.name}-${index}`}>
              {file.name} · {sizeLabel(file.size)}{' '}
              <button type="button" className="btn btn-small btn-ghost" onClick={() => onChange(files.filter((_, i) => i !== index))}>
                {t('docs.pendingRemove')}
              </button>
            </li>
          ))}
        </ul>
      )}
    </fieldset>
  )
}

/** Uploads each file to ``path``; returns the names that could not be uploaded. */
export async function uploadAll(path: FilesPath, files: File[]): Promise<string[]> {
  const failed: string[] = []
  for (const file of files) {
    try {
      await uploadFile(path, file)
    } catch {
      failed.push(file.name)
    }
  }
  return failed
}
