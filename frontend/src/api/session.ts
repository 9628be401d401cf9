// The signed-in session lives in localStorage so every tab shares one sign-in.

export interface Session {
  access_token: string
  refresh_token: string
  token_type: string
  expires_at: number
}

const KEY = 'distretto.session'
type Listener = (session: Session | null) => void
const listeners = new Set<Listener>()

function notify(session: Session | null): void {
  for (const listener of listeners) listener(session)
}

window.addEventListener('storage', (event) => {
  if (event.key === KEY) notify(tokenStore.read())
})

export const tokenStore = {
  read(): Session | null {
    try {
      const raw = localStorage.getItem(KEY)
      return raw ? (JSON.parse(raw) as Session) : null
    } catch {
      return null
    }
  },
  save(pair: { access_token: string; refresh_token: string; token_type?: string; expires_in: number }): Session {
    const session: Session = {
      access_token: pair.access_token,
      refresh_token: pair.refresh_token,
      token_type: pair.token_type ?? 'bearer',
      expires_at: Date.now() + pair.expires_in * 1000,
    }
    localStorage.setItem(KEY, JSON.stringify(session))
    notify(session)
    return session
  },
  clear(): void {
    localStorage.removeItem(KEY)
    notify(null)
  },
  subscribe(listener: Listener): () => void {
    listeners.add(listener)
    return () => listeners.delete(listener)
  },
}
