import { useEffect, useState } from 'react';
import { Button, MessageBar, MessageBarBody, Spinner, Text, Title2, makeStyles, tokens } from '@fluentui/react-components';
import { ApiError } from '../api.js';
import type { DevUser, Items } from '../types.js';

const KEY = 'safer-social-dev-token';
export const devToken = (): string | null => sessionStorage.getItem(KEY);
export const clearDevToken = (): void => sessionStorage.removeItem(KEY);

const useStyles = makeStyles({
  list: { listStyleType: 'none', padding: 0, display: 'grid', gap: tokens.spacingVerticalS, gridTemplateColumns: 'repeat(auto-fill, minmax(260px, 1fr))' },
  item: { display: 'flex', flexDirection: 'column', alignItems: 'flex-start', gap: tokens.spacingVerticalXS, padding: tokens.spacingHorizontalM, backgroundColor: tokens.colorNeutralBackground1, borderRadius: tokens.borderRadiusMedium, border: `1px solid ${tokens.colorNeutralStroke2}` },
});

/**
 * Outside Teams in local development only: choose one of the seeded people. The server offers this only
 * when DANGEROUSLY_ENABLE_DEV_SIGN_IN is on (never in production), so elsewhere the page says to open Teams.
 */
export function DevSignIn({ onSignedIn }: { onSignedIn: () => void }) {
  const s = useStyles();
  const [users, setUsers] = useState<DevUser[] | null>(null);
  const [unavailable, setUnavailable] = useState(false);
  useEffect(() => {
    fetch('/api/tab/dev/users', { headers: { Accept: 'application/json' } })
      .then(async (r) => {
        if (!r.ok) throw new ApiError(r.status, 'unavailable');
        setUsers(((await r.json()) as Items<DevUser>).items);
      })
      .catch(() => setUnavailable(true));
  }, []);

  const signIn = async (aadObjectId: string) => {
    const r = await fetch('/api/tab/dev/token', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ aadObjectId }) });
    if (!r.ok) return;
    sessionStorage.setItem(KEY, ((await r.json()) as { token: string }).token);
    onSignedIn();
  };

  if (unavailable) {
    return (
      <MessageBar intent="info">
        <MessageBarBody>Open the Cases tab in Microsoft Teams to sign in.</MessageBarBody>
      </MessageBar>
    );
  }
  if (!users) return <Spinner label="Loading…" />;
  return (
    <section aria-labelledby="dev-title">
      <Title2 as="h1" id="dev-title">Development sign-in</Title2>
      <p><Text>This page exists only in local development. Choose who to be.</Text></p>
      <ul className={s.list}>
        {users.map((u) => (
          <li key={u.aadObjectId + u.school} className={s.item}>
            <Text weight="semibold">{u.name}</Text>
            <Text size={200}>{u.school} · {u.roleLabels.join(', ')}</Text>
            <Button appearance="primary" onClick={() => void signIn(u.aadObjectId)}>Sign in as {u.name}</Button>
          </li>
        ))}
      </ul>
    </section>
  );
}
