// One websocket per signed-in tab. It reconnects by itself with exponential backoff
// (plus jitter) and resumes after the last event id it saw, so nothing is missed; screens
// subscribe to the event types they show, and the bell keeps an unread count.

import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react'
import { tokenStore } from '../api/session'
import { apiClient, data } from '../api/typed'
import type { LiveEvent, LiveEventType } from '../api/types'
import { useAuth } from '../auth/AuthContext'

export type LiveStatus = 'offline' | 'connecting' | 'live'

/** A synthetic event after every reconnect: screens reload what they show. */
export const RECONNECTED = 'live.reconnected'

/** What screens receive: a server event, or the synthetic reconnect. */
export type LiveMessage =
  | LiveEvent
  | { id: 0; type: typeof RECONNECTED; data: Record<string, never>; created_at: string }
export type LiveMessageType = LiveEventType | typeof RECONNECTED
type Handler = (event: LiveMessage) => void

interface Live {
  status: LiveStatus
  unread: number
  refreshUnread: () => void
  subscribe: (types: LiveMessageType[] | '*', handler: Handler) => () => void
}

const LiveContext = createContext<Live | null>(null)
const MAX_BACKOFF_MS = 30_000

function socketUrl(token: string): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws'
  return `${scheme}://${location.host}/api/v1/ws?token=${encodeURIComponent(token)}`
}

export function LiveProvider({ children }: { children: ReactNode }) {
  const { me, reloadMe } = useAuth()
  const [status, setStatus] = useState<LiveStatus>('offline')
  const [unread, setUnread] = useState(0)
  const handlers = useRef(new Map<Handler, LiveMessageType[] | '*'>())
  const lastId = useRef<number | null>(null)
  const signedIn = me !== null
  // The server decides a socket's audience when it connects: joining or leaving a firm
  // needs a fresh connection (which resumes after the last event seen).
  const audience = me ? me.memberships.map((m) => m.firm_id).sort((a, b) => a - b).join(',') : ''

  const dispatch = useCallback((event: LiveMessage) => {
    for (const [handler, types] of handlers.current) {
      if (types === '*' || types.includes(event.type)) handler(event)
    }
  }, [])

  const refreshUnread = useCallback(() => {
    data(apiClient.GET('/api/v1/notifications/unread-count')).then(
      (body) => setUnread(body.unread),
      () => undefined,
    )
  }, [])

  useEffect(() => {
    if (!signedIn) {
      setStatus('offline')
      setUnread(0)
      return
    }
    let socket: WebSocket | null = null
    let attempt = 0
    let timer: number | undefined
    let stopped = false
    let unreadTimer: number | undefined

    const scheduleUnread = () => {
      window.clearTimeout(unreadTimer)
      unreadTimer = window.setTimeout(refreshUnread, 300)
    }

    const connect = async () => {
      let session = tokenStore.read()
      if (!session) return
      if (session.expires_at - Date.now() < 30_000) {
        // A cheap authenticated call refreshes an access token that is about to expire.
        await reloadMe()
        session = tokenStore.read()
        if (!session || stopped) return
      }
      setStatus('connecting')
      const ws = new WebSocket(socketUrl(session.access_token))
      socket = ws
      ws.onopen = () => {
        const reconnected = attempt > 0
        attempt = 0
        setStatus('live')
        if (lastId.current !== null) {
          ws.send(JSON.stringify({ type: 'resume', after: lastId.current }))
        }
        refreshUnread()
        if (reconnected) {
          dispatch({ id: 0, type: RECONNECTED, data: {}, created_at: new Date().toISOString() })
        }
      }
      ws.onmessage = (message) => {
        let event: LiveEvent
        try {
          event = JSON.parse(String(message.data)) as LiveEvent
        } catch {
          return
        }
        if (typeof event.id !== 'number' || !event.type) return // pong, heartbeat
        if (lastId.current !== null && event.id <= lastId.current) return // replay overlap
        lastId.current = event.id
        dispatch(event)
        scheduleUnread()
      }
      ws.onclose = () => {
        socket = null
        if (stopped) return
        setStatus('offline')
        attempt += 1
        const backoff = Math.min(MAX_BACKOFF_MS, 500 * 2 ** Math.min(attempt, 6))
        timer = window.setTimeout(() => void connect(), backoff / 2 + Math.random() * (backoff / 2))
      }
    }

    void connect()
    const reconnectNow = () => {
      if (!socket && !stopped) {
        window.clearTimeout(timer)
        void connect()
      }
    }
    window.addEventListener('online', reconnectNow)
    return () => {
      stopped = true
      window.clearTimeout(timer)
      window.clearTimeout(unreadTimer)
      window.removeEventListener('online', reconnectNow)
      socket?.close(1000, 'signed out')
    }
  }, [signedIn, audience, dispatch, refreshUnread, reloadMe])

  const subscribe = useCallback((types: LiveMessageType[] | '*', handler: Handler) => {
    handlers.current.set(handler, types)
    return () => {
      handlers.current.delete(handler)
    }
  }, [])

  const value = useMemo<Live>(
    () => ({ status, unread, refreshUnread, subscribe }),
    [status, unread, refreshUnread, subscribe],
  )
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>
}

export function useLive(): Live {
  const value = useContext(LiveContext)
  if (!value) throw new Error('useLive outside LiveProvider')
  return value
}

/** Calls `handler` for each live event of these types while the component is shown; the
 * handler's event is narrowed to those types. */
export function useLiveEvents<T extends LiveMessageType = LiveMessageType>(
  types: T[] | '*',
  handler: (event: Extract<LiveMessage, { type: T }>) => void,
): void {
  const { subscribe } = useLive()
  const latest = useRef(handler)
  useEffect(() => {
    latest.current = handler
  })
  const key = types === '*' ? '*' : types.join(',')
  useEffect(() => {
    const list = key === '*' ? '*' : (key.split(',') as LiveMessageType[])
    // subscribe() only calls back with the listed types, which is what T says.
    return subscribe(list, (event) => latest.current(event as Extract<LiveMessage, { type: T }>))
  }, [key, subscribe])
}
