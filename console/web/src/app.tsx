// The shell: login until there is a session, then the top bar, the navigation and one page.
import { AppShell, Center, Loader, NavLink } from '@mantine/core';
import { useEffect } from 'react';
import { useT } from './i18n.js';
import { AlertsPage } from './pages/alerts/alerts-page.js';
import { AuditPage } from './pages/audit/audit-page.js';
import { ClusterPage } from './pages/cluster/cluster-page.js';
import { DashboardPage } from './pages/dashboard/dashboard-page.js';
import { DlqPage } from './pages/dlq/dlq-page.js';
import { GroupDetailPage } from './pages/groups/group-detail.js';
import { GroupsPage } from './pages/groups/groups-page.js';
import { MessagesPage } from './pages/messages/messages-page.js';
import { TopicDetailPage } from './pages/topics/topic-detail.js';
import { TopicsPage } from './pages/topics/topics-page.js';
import { TransactionsPage } from './pages/transactions/transactions-page.js';
import { href, PAGES, type PageName, type Route, useRoute } from './router.js';
import { SessionProvider, useSessionGate } from './session.js';
import { LoginPage } from './shell/login-page.js';
import { shell } from './shell/shell.i18n.js';
import { TopBar } from './shell/top-bar.js';

function navOf(route: Route): PageName {
  if (route.page === 'topic') return 'topics';
  if (route.page === 'group') return 'groups';
  return route.page;
}

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'dashboard':
      return <DashboardPage />;
    case 'cluster':
      return <ClusterPage />;
    case 'topics':
      return <TopicsPage />;
    case 'topic':
      return <TopicDetailPage topic={route.topic} />;
    case 'groups':
      return <GroupsPage />;
    case 'group':
      return <GroupDetailPage group={route.group} />;
    case 'messages':
      return <MessagesPage />;
    case 'dlq':
      return <DlqPage />;
    case 'transactions':
      return <TransactionsPage />;
    case 'alerts':
      return <AlertsPage />;
    case 'audit':
      return <AuditPage />;
  }
}

function Shell() {
  const t = useT(shell);
  useEffect(() => {
    document.title = t.product;
  }, [t.product]);
  const route = useRoute();
  const active = navOf(route);
  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 200, breakpoint: 0 }} padding="md">
      <AppShell.Header>
        <TopBar />
      </AppShell.Header>
      <AppShell.Navbar p="xs" data-testid="nav">
        {PAGES.map((page) => (
          <NavLink key={page} href={href(page)} label={t[page]} active={page === active} />
        ))}
      </AppShell.Navbar>
      <AppShell.Main>
        <Page route={route} />
      </AppShell.Main>
    </AppShell>
  );
}

export function App() {
  const { phase, login, logout } = useSessionGate();
  if (phase.kind === 'checking') {
    return (
      <Center mih="100vh">
        <Loader />
      </Center>
    );
  }
  if (phase.kind === 'out') return <LoginPage login={login} />;
  return (
    <SessionProvider user={phase.user} envs={phase.envs} logout={logout}>
      <Shell />
    </SessionProvider>
  );
}
