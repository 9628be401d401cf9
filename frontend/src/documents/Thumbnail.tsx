import { useEffect, useState } from 'react'
import { api } from '../api/client'

/** An image fetched with the session's token (an <img src> cannot send it) and shown
 *  from an object URL, released when the component goes away. */
export function Thumbnail({ path, alt, className }: { path: string; alt: string; className?: string }) {
  const [url, setUrl] = useState<string | null>(null)
  useEffect(() => {
    const controller = new AbortController()
    let made: string | null = null
    api.blob(path, controller.signal).then(
      (blob) => {
        made = URL.createObjectURL(blob)
        setUrl(made)
      },
      () => setUrl(null),
    )
    return () => {
      controller.abort()
      if (made) URL.revokeObjectURL(made)
    }
  }, [path])
  if (!url) return <span className={`thumb thumb-empty ${className ?? ''}`} aria-hidden="true" />
  return <img className={`thumb ${className ?? ''}`} src={url} alt={alt} loading="lazy" />
}
