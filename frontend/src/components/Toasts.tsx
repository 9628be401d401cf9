import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react'
import { Link } from 'react-router-dom'
import { useI18n } from '../i18n'

export type ToastTone = 'info' | 'success' | 'warning' | 'error'

interface Toast {
  id: number
  tone: ToastTone
  title: string
  body?: string
  link?: string
}

type Push = (toast: Omit<Toast, 'id'>) => void

const ToastContext = createContext<Push | null>(null)
const LIFETIME_MS = 8000

export function ToastProvider({ children }: { children: ReactNode }) {
  const { t } = useI18n()
  const [toasts, setToasts] = useState<Toast[]>([])
  const counter = useRef(0)

  const dismiss = useCallback((id: number) => setToasts((list) => list.filter((toast) => toast.id !== id)), [])
  const push = useCallback<Push>(
    (toast) => {
      counter.current += 1
      const id = counter.current
      setToasts((list) => [...list.slice(-3), { ...toast, id }])
      window.setTimeout(() => dismiss(id), LIFETIME_MS)
    },
    [dismiss],
  )
  const value = useMemo(() => push, [push])
  return (
    <ToastContext.Provider value={value}>
      {children}
      <div className="toasts" role="region" aria-live="polite" aria-label={t('toast.region')}>
        {toasts.map((toast) => (
          <div key={toast.id} className={`toast toast-${toast.tone}`} role={toast.tone === 'error' ? 'alert' : 'status'}>
            <div className="toast-text">
              <strong>{toast.title}</strong>
              {toast.body && <span>{toast.body}</span>}
              {toast.link && (
                <Link to={toast.link} onClick={() => dismiss(toast.id)}>
                  {t('toast.open')}
                </Link>
              )}
            </div>
            <button type="button" className="toast-close" aria-label={t('toast.dismiss')} onClick={() => dismiss(toast.id)}>
              ×
            </button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  )
}

export function useToast(): Push {
  const push = useContext(ToastContext)
  if (!push) throw new Error('useToast outside ToastProvider')
  return push
}
