import { lazy, Suspense, useEffect, useMemo, useState } from 'react'
import { CssBaseline, ThemeProvider } from '@mui/material'
import type { User } from '../../shared/contract'
import { api, onPinRequired, transport } from './api/client'
import { DemoModeBanner } from './components/DemoModeBanner'
import { FirstStart } from './screens/FirstStart'
import { SignIn } from './screens/SignIn'
import { makeTheme, type ColorMode } from './theme'

// The signed-in workstation is a chunk of its own: the sign-in screen paints without it. When this tab was
// signed in before, it is fetched at once, while the connection opens.
const loadShell = () => import('./components/Shell')
const Shell = lazy(() => loadShell().then((m) => ({ default: m.Shell })))
if (sessionStorage.getItem('iclas.lastUser')) void loadShell()

const MODE_KEY = 'iclas.colorMode'
const USER_KEY = 'iclas.lastUser'
/** This tab's ticket back in after a reload (src/main/core/session-tickets.ts): used once, then replaced. */
const TICKET_KEY = 'iclas.ticket'

const keepTicket = () =>
  api.sessionTicket({}).then(
    (t) => sessionStorage.setItem(TICKET_KEY, t.ticket),
    () => undefined,
  )

export function App() {
  const [mode, setMode] = useState<ColorMode>(() => (localStorage.getItem(MODE_KEY) as ColorMode) ?? 'light')
  const theme = useMemo(() => makeTheme(mode), [mode])
  const [user, setUser] = useState<User | null | undefined>(undefined)
  // An admin signed in without a PIN on a ward that is not the demo sets the PINs before anything else.
  const [pinSetup, setPinSetup] = useState(false)
  const enter = async (u: User, ticket?: string) => {
    const info = await api.systemInfo({})
    setPinSetup(info.pinSetupRequired)
    setUser(u)
    if (ticket) sessionStorage.setItem(TICKET_KEY, ticket)
    else if (!info.pinSetupRequired) await keepTicket()
  }

  useEffect(() => {
    localStorage.setItem(MODE_KEY, mode)
  }, [mode])

  // Browser mode: each connection is a new session; sign back in with this tab's ticket, else as the last user
  // when no PIN is needed (demo mode).
  useEffect(() => {
    const restore = async () => {
      await transport.ready
      const current = await api.whoAmI({})
      if (current) return enter(current)
      const ticket = sessionStorage.getItem(TICKET_KEY)
      if (ticket) {
        sessionStorage.removeItem(TICKET_KEY)
        try {
          const resumed = await api.resumeSession({ ticket })
          return await enter(resumed.user, resumed.ticket)
        } catch {
          /* used, expired or the workstation restarted: on to the sign-in */
        }
      }
      const last = sessionStorage.getItem(USER_KEY)
      if (last) {
        try {
          return await enter(await api.signIn({ username: last }))
        } catch {
          /* PIN needed: show the sign-in screen */
        }
      }
      setUser(null)
    }
    void restore()
    return transport.onConnection((connected) => {
      if (connected) void restore()
    })
  }, [])

  // PINs became mandatory under this session (demo mode ended): an admin sets them, anyone else signs in again.
  useEffect(
    () =>
      onPinRequired(() => {
        void api.systemInfo({}).then(async (info) => {
          if (!info.pinSetupRequired) return
          const me = await api.whoAmI({})
          if (me?.role === 'admin') return setPinSetup(true)
          await api.signOut({})
          sessionStorage.removeItem(USER_KEY)
          sessionStorage.removeItem(TICKET_KEY)
          setUser(null)
        })
      }),
    [],
  )

  const signedIn = (u: User) => {
    sessionStorage.setItem(USER_KEY, u.username)
    void enter(u)
  }
  const signOut = async () => {
    await api.signOut({})
    sessionStorage.removeItem(USER_KEY)
    sessionStorage.removeItem(TICKET_KEY)
    setPinSetup(false)
    setUser(null)
  }

  return (
    <ThemeProvider theme={theme}>
      <CssBaseline />
      {user !== undefined && <DemoModeBanner key={user?.id ?? 0} />}
      {user === undefined ? null : user === null ? (
        <SignIn onSignedIn={signedIn} />
      ) : pinSetup ? (
        <FirstStart
          user={user}
          onDone={() => {
            setPinSetup(false)
            void keepTicket()
          }}
          onSignOut={signOut}
        />
      ) : (
        <Suspense fallback={null}>
          <Shell
            user={user}
            mode={mode}
            onToggleMode={() => setMode(mode === 'light' ? 'dark' : 'light')}
            onSignOut={signOut}
          />
        </Suspense>
      )}
    </ThemeProvider>
  )
}
