import { useEffect, useState } from 'react'
import { api } from '../api/client'

function dataUrl(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader()
    reader.onload = () => resolve(String(reader.result))
    reader.onerror = () => reject(reader.error)
    reader.readAsDataURL(blob)
  })
}

/** A preview fetched with the session's token (an <img src> cannot send it) and shown as
 *  a data: URL, which the app's Content-Security-Policy allows for images (previews are
 *  small WebP files, a few tens of KB). */
export function Thumbnail({ path, alt, className }: { path: string; alt: string; className?: string }) {
  const [url, setUrl] = useState<string | null>(null)
  useEffect(() => {
    const controller = new AbortController()
    api
      .blob(path, controller.signal)
      .then(dataUrl)
      .then(
        (value) => {
          if (!controller.signal.aborted) setUrl(value)
        },
        () => {
          if (!controller.signal.aborted) setUrl(null)
        },
      )
    return () => controller.abort()
  }, [path])
  if (!url) return <span className={`thumb thumb-empty ${className ?? ''}`} aria-hidden="true" />
  return <img className={`thumb ${className ?? ''}`} src={url} alt={alt} loading="lazy" />
}
