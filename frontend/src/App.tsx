import { lazy, Suspense, useEffect, type ComponentType, type ReactNode } from 'react'
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router-dom'
import { QueryClientProvider } from '@tanstack/react-query'
import { queryClient } from './api/query'
import { AuthProvider, useAuth } from './auth/AuthContext'
import { Layout } from './components/Layout'
import { ToastProvider } from './components/Toasts'
import { ErrorBanner, Loading } from './components/ui'
import { I18nProvider, useI18n } from './i18n'
import { LiveProvider } from './live/LiveContext'
import { BoardPage } from './pages/Board'
import { HomePage, NotFoundPage } from './pages/Home'
import { RegisterPage, SignInPage, SsoPage } from './pages/SignIn'

/** A screen whose code is fetched when it is first opened: the board, the home page and
 * sign-in (where a firm's day starts) come with the app, every other screen in its own
 * chunk. If the chunk cannot be fetched (offline, or a newer build replaced it), the
 * screen says so and offers a reload instead of going blank. */
function screen<K extends string>(load: () => Promise<Record<K, ComponentType>>, name: K) {
  return lazy(async (): Promise<{ default: ComponentType }> => {
    try {
      return { default: (await load())[name] }
    } catch {
      return { default: ScreenFailed }
    }
  })
}

function ScreenFailed() {
  const { t } = useI18n()
  return <ErrorBanner message={t('app.screenFailed')} onRetry={() => window.location.reload()} />
}

const ConsortiaPage = screen(() => import('./pages/Consortia'), 'ConsortiaPage')
const ConsortiumDetailPage = screen(() => import('./pages/ConsortiumDetail'), 'ConsortiumDetailPage')
const CampaignPage = screen(() => import('./pages/ConsortiumEvents'), 'CampaignPage')
const CoursePage = screen(() => import('./pages/ConsortiumEvents'), 'CoursePage')
const TradeFairPage = screen(() => import('./pages/ConsortiumEvents'), 'TradeFairPage')
const ContractDetailPage = screen(() => import('./pages/ContractDetail'), 'ContractDetailPage')
const ContractsPage = screen(() => import('./pages/Contracts'), 'ContractsPage')
const FirmNewPage = screen(() => import('./pages/FirmNew'), 'FirmNewPage')
const FirmProfilePage = screen(() => import('./pages/FirmProfile'), 'FirmProfilePage')
const FirmsPage = screen(() => import('./pages/Firms'), 'FirmsPage')
const ForumPage = screen(() => import('./pages/forum/ForumPage'), 'ForumPage')
const TopicPage = screen(() => import('./pages/forum/TopicPage'), 'TopicPage')
const NotificationsPage = screen(() => import('./pages/Notifications'), 'NotificationsPage')
const ObservatoryPage = screen(() => import('./pages/Observatory'), 'ObservatoryPage')
const OrderDetailPage = screen(() => import('./pages/OrderDetail'), 'OrderDetailPage')
const OrderNewPage = screen(() => import('./pages/OrderNew'), 'OrderNewPage')
const StaffPage = screen(() => import('./pages/Staff'), 'StaffPage')
const TariffsPage = screen(() => import('./pages/Tariffs'), 'TariffsPage')
const SecretariatPage = screen(() => import('./pages/workplaces/Secretariat'), 'SecretariatPage')
const ForgotPasswordPage = screen(() => import('./mail/AccountPages'), 'ForgotPasswordPage')
const ResetPasswordPage = screen(() => import('./mail/AccountPages'), 'ResetPasswordPage')
const UnsubscribePage = screen(() => import('./mail/AccountPages'), 'UnsubscribePage')
const VerifyEmailPage = screen(() => import('./mail/AccountPages'), 'VerifyEmailPage')
const InvitationPage = screen(() => import('./mail/InvitationPage'), 'InvitationPage')
const NotificationSettingsPage = screen(() => import('./mail/NotificationSettingsPage'), 'NotificationSettingsPage')

/** Signed-in screens; `firm` ones also need the person to belong to a firm. */
function Private({ children, firm, staff }: { children: ReactNode; firm?: boolean; staff?: boolean }) {
  const { me, ready } = useAuth()
  const location = useLocation()
  if (!ready) return <Loading />
  if (!me) return <Navigate to={`/signin?next=${encodeURIComponent(location.pathname + location.search)}`} replace />
  if (staff && !me.is_staff) return <Navigate to="/board" replace />
  if (firm && me.memberships.length === 0 && !me.is_staff) {
    // Someone who runs a consortium without a firm of their own lands on their desk.
    const runsConsortia = me.consortia.some((c) => c.role === 'manager')
    return <Navigate to={runsConsortia ? '/secretariat' : '/firms/new'} replace />
  }
  return <>{children}</>
}

/** Moves focus to the new page's content after navigation, for keyboard and screen readers. */
function FocusOnNavigate() {
  const location = useLocation()
  useEffect(() => {
    document.getElementById('main')?.focus({ preventScroll: true })
    window.scrollTo(0, 0)
  }, [location.pathname])
  return null
}

function AppRoutes() {
  return (
    <Layout>
      <FocusOnNavigate />
      <Suspense fallback={<Loading />}>
      <Routes>
        <Route path="/" element={<HomePage />} />
        <Route path="/signin" element={<SignInPage />} />
        <Route path="/register" element={<RegisterPage />} />
        <Route path="/sso" element={<SsoPage />} />
        <Route path="/board" element={<Private firm><BoardPage /></Private>} />
        <Route path="/orders/new" element={<Private firm><OrderNewPage /></Private>} />
        <Route path="/orders/:id" element={<Private><OrderDetailPage /></Private>} />
        <Route path="/contracts" element={<Private firm><ContractsPage /></Private>} />
        <Route path="/contracts/:id" element={<Private><ContractDetailPage /></Private>} />
        <Route path="/firms" element={<FirmsPage />} />
        <Route path="/firms/new" element={<Private><FirmNewPage /></Private>} />
        <Route path="/firms/:id" element={<FirmProfilePage />} />
        <Route path="/consortia" element={<ConsortiaPage />} />
        <Route path="/consortia/:id" element={<ConsortiumDetailPage />} />
        <Route path="/trade-fairs/:id" element={<Private><TradeFairPage /></Private>} />
        <Route path="/campaigns/:id" element={<Private><CampaignPage /></Private>} />
        <Route path="/courses/:id" element={<Private><CoursePage /></Private>} />
        <Route path="/observatory" element={<ObservatoryPage />} />
        <Route path="/tariffs" element={<TariffsPage />} />
        <Route path="/forum" element={<ForumPage />} />
        <Route path="/forum/topics/:id" element={<TopicPage />} />
        <Route path="/notifications" element={<Private><NotificationsPage /></Private>} />
        <Route path="/staff" element={<Private staff><StaffPage /></Private>} />
        <Route path="/secretariat" element={<Private><SecretariatPage /></Private>} />
        <Route path="/settings/notifications" element={<Private><NotificationSettingsPage /></Private>} />
        <Route path="/forgot-password" element={<ForgotPasswordPage />} />
        <Route path="/reset-password" element={<ResetPasswordPage />} />
        <Route path="/verify-email" element={<VerifyEmailPage />} />
        <Route path="/unsubscribe" element={<UnsubscribePage />} />
        <Route path="/invitation" element={<InvitationPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Routes>
      </Suspense>
    </Layout>
  )
}

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
    <I18nProvider>
      <BrowserRouter>
        <AuthProvider>
          <ToastProvider>
            <LiveProvider>
              <AppRoutes />
            </LiveProvider>
          </ToastProvider>
        </AuthProvider>
      </BrowserRouter>
    </I18nProvider>
    </QueryClientProvider>
  )
}
