// Who is signed in, which of their firms they act for, and the district's phases.

import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react'
import { setSignedOutHandler } from '../api/client'
import { tokenStore } from '../api/session'
import { anonymousClient, apiClient, data, formEncoded } from '../api/typed'
import type { Me, Phase, TokenPair } from '../api/types'

const FIRM_KEY = 'distretto.firm'

interface Auth {
  me: Me | null
  /** False until the first /me answer (or the lack of a session) is known. */
  ready: boolean
  firmId: number | null
  setFirmId: (firmId: number) => void
  role: string | null
  canManage: boolean
  phases: Phase[]
  signIn: (email: string, password: string) => Promise<void>
  adoptTokens: (pair: TokenPair) => Promise<void>
  signOut: () => Promise<void>
  reloadMe: () => Promise<Me | null>
}

const AuthContext = createContext<Auth | null>(null)

function storedFirm(): number | null {
  const raw = localStorage.getItem(FIRM_KEY)
  return raw ? Number(raw) : null
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null)
  const [ready, setReady] = useState(false)
  const [firmId, setFirmIdState] = useState<number | null>(storedFirm)
  const [phases, setPhases] = useState<Phase[]>([])

  const reloadMe = useCallback(async () => {
    if (!tokenStore.read()) {
      setMe(null)
      setReady(true)
      return null
    }
    try {
      const loaded = await data(apiClient.GET('/api/v1/me'))
      setMe(loaded)
      return loaded
    } catch {
      setMe(null)
      return null
    } finally {
      setReady(true)
    }
  }, [])

  useEffect(() => {
    void reloadMe()
    data(apiClient.GET('/api/v1/phases')).then(setPhases, () => setPhases([]))
    setSignedOutHandler(() => setMe(null))
    // Signing in or out in another tab applies here too.
    return tokenStore.subscribe((session) => {
      if (!session) setMe(null)
      else void reloadMe()
    })
  }, [reloadMe])

  const setFirmId = useCallback((next: number) => {
    localStorage.setItem(FIRM_KEY, String(next))
    setFirmIdState(next)
  }, [])

  // Keep the selected firm one of the user's firms (e.g. after leaving one).
  const memberships = me?.memberships
  const activeFirm =
    memberships?.find((m) => m.firm_id === firmId) ?? memberships?.[0] ?? null

  const adoptTokens = useCallback(
    async (pair: TokenPair) => {
      tokenStore.save(pair)
      await reloadMe()
    },
    [reloadMe],
  )

  const signIn = useCallback(
    async (email: string, password: string) => {
      // The OAuth2 password form: its schema declares the form encoding, and `scope` (empty by
      // default) is a required field of the generated type.
      const pair = await data(
        anonymousClient.POST('/api/v1/auth/token', { body: { username: email, password, scope: '' }, headers: formEncoded }),
      )
      await adoptTokens(pair)
    },
    [adoptTokens],
  )

  const signOut = useCallback(async () => {
    const session = tokenStore.read()
    if (session) {
      try {
        await apiClient.POST('/api/v1/auth/logout', { body: { refresh_token: session.refresh_token } })
      } catch {
        // Signing out locally is what matters; the token expires anyway.
      }
    }
    tokenStore.clear()
    setMe(null)
  }, [])

  const value = useMemo<Auth>(
    () => ({
      me,
      ready,
      firmId: activeFirm?.firm_id ?? null,
      setFirmId,
      role: activeFirm?.role ?? null,
      canManage: activeFirm?.role === 'owner' || activeFirm?.role === 'manager',
      phases,
      signIn,
      adoptTokens,
      signOut,
      reloadMe,
    }),
    [me, ready, activeFirm, setFirmId, phases, signIn, adoptTokens, signOut, reloadMe],
  )
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>
}

export function useAuth(): Auth {
  const value = useContext(AuthContext)
  if (!value) throw new Error('useAuth outside AuthProvider')
  return value
}
