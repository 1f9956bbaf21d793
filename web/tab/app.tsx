import { useCallback, useEffect, useState } from 'react';
import {
  Button,
  FluentProvider,
  MessageBar,
  MessageBarBody,
  Select,
  Spinner,
  Tab,
  TabList,
  Text,
  makeStyles,
  teamsDarkTheme,
  teamsHighContrastTheme,
  teamsLightTheme,
  tokens,
} from '@fluentui/react-components';
import { ApiError, get, setSchool, setTokenSource } from './api.js';
import { go, useRoute } from './router.js';
import type { Host, ThemeName } from './teams.js';
import type { Me } from './types.js';
import { CaseList } from './pages/case-list.js';
import { CaseView } from './pages/case-view.js';
import { CasePrint } from './pages/case-print.js';
import { Settings } from './pages/settings.js';
import { RoleChanges } from './pages/role-changes.js';
import { Policy } from './pages/policy.js';
import { Records } from './pages/records.js';
import { AccountsRegister } from './pages/accounts-register.js';
import { FamilyRegister } from './pages/family-register.js';
import { ConsentRegisterPage } from './pages/consent.js';
import { PostsRegister } from './pages/posts-register.js';
import { Acknowledgements } from './pages/acknowledgements.js';
import { ReadPolicy } from './pages/read-policy.js';
import { DevSignIn, devToken, clearDevToken } from './pages/dev-sign-in.js';

const THEMES = { default: teamsLightTheme, dark: teamsDarkTheme, contrast: teamsHighContrastTheme };

const useStyles = makeStyles({
  root: { minHeight: '100vh', backgroundColor: tokens.colorNeutralBackground2, color: tokens.colorNeutralForeground1 },
  header: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: tokens.spacingHorizontalM,
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalL}`,
    backgroundColor: tokens.colorNeutralBackground1,
    borderBottom: `1px solid ${tokens.colorNeutralStroke2}`,
    '@media print': { display: 'none' },
  },
  grow: { flexGrow: 1 },
  // Tabs wrap at phone width rather than push the page sideways.
  nav: { flexWrap: 'wrap', maxWidth: '100%' },
  main: { padding: tokens.spacingHorizontalL, maxWidth: '1200px', margin: '0 auto', '@media (max-width: 480px)': { padding: tokens.spacingHorizontalS } },
  centre: { display: 'flex', justifyContent: 'center', padding: '48px' },
});

export function App({ host }: { host: Host }) {
  const [theme, setTheme] = useState<ThemeName>(host.theme);
  useEffect(() => host.onThemeChange(setTheme), [host]);
  const s = useStyles();
  return (
    <FluentProvider theme={THEMES[theme]} className={s.root}>
      <Shell host={host} />
    </FluentProvider>
  );
}

type Auth = { state: 'loading' } | { state: 'signIn' } | { state: 'ready'; me: Me } | { state: 'error'; message: string };

function Shell({ host }: { host: Host }) {
  const s = useStyles();
  const route = useRoute();
  const [auth, setAuth] = useState<Auth>({ state: 'loading' });

  const load = useCallback(async () => {
    if (host.getToken) setTokenSource(host.getToken);
    else {
      const t = devToken();
      if (!t) {
        setAuth({ state: 'signIn' });
        return;
      }
      setTokenSource(async () => t);
    }
    try {
      setAuth({ state: 'ready', me: await get<Me>('/api/tab/me') });
    } catch (e) {
      if (!host.inTeams && e instanceof ApiError && e.status === 401) {
        clearDevToken();
        setAuth({ state: 'signIn' });
      } else setAuth({ state: 'error', message: e instanceof Error ? e.message : 'Could not sign you in.' });
    }
  }, [host]);
  useEffect(() => void load(), [load]);

  if (auth.state === 'loading') return <div className={s.centre}><Spinner label="Signing you in…" /></div>;
  if (auth.state === 'signIn') return <main className={s.main}><DevSignIn onSignedIn={load} /></main>;
  if (auth.state === 'error') {
    return (
      <main className={s.main}>
        <MessageBar intent="error"><MessageBarBody>{auth.message}</MessageBarBody></MessageBar>
        {!host.inTeams && <Button onClick={() => { clearDevToken(); void load(); }}>Sign in again</Button>}
      </main>
    );
  }
  const me = auth.me;
  const page = route.page;
  const selected = page === 'case' || page === 'print' ? 'cases' : page;
  return (
    <>
      <header className={s.header}>
        <Text weight="semibold" size={400}>Cases</Text>
        <TabList selectedValue={selected} onTabSelect={(_, d) => go(d.value === 'cases' ? '#/cases' : d.value === 'settings' ? '#/settings' : d.value === 'roleChanges' ? '#/role-changes' : d.value === 'policy' ? '#/policy' : d.value === 'records' ? '#/records' : d.value === 'acknowledgements' ? '#/acknowledgements' : d.value === 'readPolicy' ? '#/read-policy' : `#/registers/${String(d.value)}`)} size="small" aria-label="Sections" className={s.nav}>
          {me.can.cases && <Tab value="cases">Open cases</Tab>}
          {me.can.cases && <Tab value="accounts">School accounts</Tab>}
          {me.can.cases && <Tab value="family">Family relationships</Tab>}
          {me.can.cases && <Tab value="posts">Posts</Tab>}
          {me.can.settings && <Tab value="settings">Settings</Tab>}
          {me.can.settings && <Tab value="records">Records</Tab>}
          {me.can.roleChanges && <Tab value="roleChanges">Role changes</Tab>}
          {me.can.policy && <Tab value="policy">Policy</Tab>}
          {me.can.consent && <Tab value="consent">Photo consent</Tab>}
          {me.can.acknowledgements && <Tab value="acknowledgements">Acknowledgements</Tab>}
          <Tab value="readPolicy">Full text</Tab>
        </TabList>
        <span className={s.grow} />
        {me.schools.length > 1 && (
          <Select aria-label="School" value={me.school.id} onChange={(_, d) => { setSchool(d.value); void load(); }}>
            {me.schools.map((x) => <option key={x.id} value={x.id}>{x.name}</option>)}
          </Select>
        )}
        <Text size={200}>{me.name}{me.signedInVia === 'dev' ? ' (development sign-in)' : ''}</Text>
        {me.signedInVia === 'dev' && <Button size="small" onClick={() => { clearDevToken(); setTokenSource(undefined); setAuth({ state: 'signIn' }); }}>Switch user</Button>}
      </header>
      <main className={s.main}>
        {page === 'settings' ? (
          me.can.settings ? <Settings me={me} /> : <Refused />
        ) : page === 'roleChanges' ? (
          me.can.roleChanges ? <RoleChanges me={me} /> : <Refused text="The record of role changes is for administrators, the chair of governors and safeguarding leads." />
        ) : page === 'policy' ? (
          me.can.policy ? <Policy me={me} /> : <Refused text="The policy page is for administrators, the head, the chair of governors and safeguarding leads." />
        ) : page === 'records' ? (
          me.can.settings ? <Records me={me} /> : <Refused text="Records (retention, subject access, erasure) are for school administrators." />
        ) : page === 'acknowledgements' ? (
          me.can.acknowledgements ? <Acknowledgements me={me} printable={route.print} /> : <Refused text="The acknowledgement register is for administrators and the head." />
        ) : page === 'readPolicy' ? (
          <ReadPolicy />
        ) : page === 'consent' ? (
          me.can.consent ? <ConsentRegisterPage /> : <Refused text="The photo-consent register is for the school office (administrators) and the head." />
        ) : !me.can.cases ? (
          me.can.settings ? <Settings me={me} /> : <Refused />
        ) : page === 'case' ? (
          <CaseView id={route.id} me={me} />
        ) : page === 'print' ? (
          <CasePrint id={route.id} me={me} />
        ) : page === 'accounts' ? (
          <AccountsRegister />
        ) : page === 'family' ? (
          <FamilyRegister />
        ) : page === 'posts' ? (
          <PostsRegister />
        ) : (
          <CaseList me={me} />
        )}
      </main>
    </>
  );
}

function Refused({ text }: { text?: string }) {
  return (
    <MessageBar intent="info">
      <MessageBarBody>
        {text ?? 'The Cases tab is for senior leaders, safeguarding leads and the chair of governors. To report something or see your own submissions, chat with the Safer Social bot.'}
      </MessageBarBody>
    </MessageBar>
  );
}
