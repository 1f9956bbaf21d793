import { useEffect, useState } from 'react';
import { Button, MessageBar, MessageBarBody, Text, Title3, makeStyles, tokens } from '@fluentui/react-components';
import { get, send } from '../api.js';
import { formatDateTime } from '../format.js';
import type { Items, PendingEnrolment } from '../types.js';

const useStyles = makeStyles({
  list: { listStyleType: 'none', padding: 0, margin: 0, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  row: { backgroundColor: tokens.colorNeutralBackground1, padding: tokens.spacingHorizontalM, borderRadius: tokens.borderRadiusMedium, border: `1px solid ${tokens.colorNeutralStroke2}` },
  actions: { display: 'flex', gap: tokens.spacingHorizontalS, marginTop: tokens.spacingVerticalXS },
});

/**
 * People who asked, in the bot, to join this school (in a trust a person's choice of school is not taken
 * on trust). Until an administrator confirms, they can use nothing. Shown only when there are requests.
 */
export function PendingEnrolments({ schoolName, onDecided }: { schoolName: string; onDecided?: () => void }) {
  const s = useStyles();
  const [items, setItems] = useState<PendingEnrolment[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const load = () =>
    get<Items<PendingEnrolment>>('/api/tab/settings/enrolments')
      .then((r) => setItems(r.items))
      .catch((e: Error) => setError(e.message));
  useEffect(() => void load(), []);

  const decide = async (p: PendingEnrolment, decision: 'confirm' | 'refuse') => {
    setError(null);
    setNotice(null);
    try {
      await send('POST', `/api/tab/settings/enrolments/${encodeURIComponent(p.aadObjectId)}/${decision}`);
      setNotice(decision === 'confirm' ? `${p.name} is now staff at ${schoolName}.` : `${p.name}'s request was refused.`);
      await load();
      onDecided?.();
    } catch (e) {
      setError((e as Error).message);
    }
  };

  if (!items.length && !error && !notice) return null;
  return (
    <section aria-labelledby="enrolments-title">
      <Title3 as="h2" id="enrolments-title">Asking to join {schoolName}</Title3>
      <p><Text>Confirm only people you know work here. They join as staff; give other roles below.</Text></p>
      {notice && <MessageBar intent="success"><MessageBarBody>{notice}</MessageBarBody></MessageBar>}
      {error && <MessageBar intent="error"><MessageBarBody>{error}</MessageBarBody></MessageBar>}
      <ul className={s.list}>
        {items.map((p) => (
          <li key={p.aadObjectId} className={s.row}>
            <Text weight="semibold">{p.name}</Text>
            {p.email && <Text size={200}> · {p.email}</Text>}
            <Text size={200}> · asked {formatDateTime(p.requestedAt)}</Text>
            <div className={s.actions}>
              <Button size="small" appearance="primary" onClick={() => void decide(p, 'confirm')}>Confirm {p.name}</Button>
              <Button size="small" onClick={() => void decide(p, 'refuse')}>Refuse {p.name}</Button>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
