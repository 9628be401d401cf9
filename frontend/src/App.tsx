import { useEffect, type ReactNode } from 'react'
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router-dom'
import { QueryClientProvider } from '@tanstack/react-query'
import { queryClient } from './api/query'
import { AuthProvider, useAuth } from './auth/AuthContext'
import { Layout } from './components/Layout'
import { ToastProvider } from './components/Toasts'
import { Loading } from './components/ui'
import { I18nProvider } from './i18n'
import { LiveProvider } from './live/LiveContext'
import { BoardPage } from './pages/Board'
import { ConsortiaPage } from './pages/Consortia'
import { ConsortiumDetailPage } from './pages/ConsortiumDetail'
import { CampaignPage, CoursePage, TradeFairPage } from './pages/ConsortiumEvents'
import { ContractDetailPage } from './pages/ContractDetail'
import { ContractsPage } from './pages/Contracts'
import { FirmNewPage } from './pages/FirmNew'
import { FirmProfilePage } from './pages/FirmProfile'
import { FirmsPage } from './pages/Firms'
import { ForumPage } from './pages/forum/ForumPage'
import { TopicPage } from './pages/forum/TopicPage'
import { HomePage, NotFoundPage } from './pages/Home'
import { NotificationsPage } from './pages/Notifications'
import { ObservatoryPage } from './pages/Observatory'
import { OrderDetailPage } from './pages/OrderDetail'
import { OrderNewPage } from './pages/OrderNew'
import { RegisterPage, SignInPage, SsoPage } from './pages/SignIn'
import { StaffPage } from './pages/Staff'
import { TariffsPage } from './pages/Tariffs'
import { SecretariatPage } from './pages/workplaces/Secretariat'
import { ForgotPasswordPage, ResetPasswordPage, UnsubscribePage, VerifyEmailPage } from './mail/AccountPages'
import { InvitationPage } from './mail/InvitationPage'
import { NotificationSettingsPage } from './mail/NotificationSettingsPage'

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
