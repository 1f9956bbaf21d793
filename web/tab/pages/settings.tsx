import { useEffect, useState } from 'react';
import { Button, Checkbox, Field, Input, Link, MessageBar, MessageBarBody, Spinner, Text, Title2, Title3, makeStyles, tokens } from '@fluentui/react-components';
import { get, send } from '../api.js';
import type { Me, MemberRow, Members } from '../types.js';
import { PendingEnrolments } from '../components/pending-enrolments.js';

const useStyles = makeStyles({
  list: { listStyleType: 'none', padding: 0, margin: 0, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  row: { backgroundColor: tokens.colorNeutralBackground1, padding: tokens.spacingHorizontalM, borderRadius: tokens.borderRadiusMedium, border: `1px solid ${tokens.colorNeutralStroke2}` },
  roles: { display: 'flex', flexWrap: 'wrap', gap: `0 ${tokens.spacingHorizontalM}`, border: 'none', padding: 0, margin: `${tokens.spacingVerticalXS} 0` },
  add: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalM, alignItems: 'flex-end' },
});

/** Administrators assign roles per school; the directory in storage is the source of truth (not the seed file). */
export function Settings({ me }: { me: Me }) {
  const s = useStyles();
  const [members, setMembers] = useState<MemberRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [draft, setDraft] = useState<Record<string, string[]>>({});
  const [add, setAdd] = useState({ aadObjectId: '', name: '', jobTitle: '' });

  const [gaps, setGaps] = useState<string[]>([]);
  const load = () =>
    get<Members>('/api/tab/settings/members')
      .then((r) => {
        setMembers(r.items);
        setGaps(r.gaps);
      })
      .catch((e: Error) => setError(e.message));
  useEffect(() => void load(), []);

  const toggle = (m: MemberRow, role: string, on: boolean) => {
    const cur = draft[m.aadObjectId] ?? m.roles;
    setDraft((d) => ({ ...d, [m.aadObjectId]: on ? [...cur, role] : cur.filter((r) => r !== role) }));
  };
  const save = async (m: MemberRow) => {
    setError(null);
    setNotice(null);
    try {
      const updated = await send<MemberRow>('PUT', `/api/tab/settings/members/${m.aadObjectId}`, { roles: draft[m.aadObjectId] ?? m.roles });
      setMembers((xs) => xs?.map((x) => (x.aadObjectId === m.aadObjectId ? updated : x)) ?? null);
      setDraft(({ [m.aadObjectId]: _, ...rest }) => rest);
      setNotice(`Roles saved for ${updated.name}.`);
      await load(); // the roles the school has nobody in may have changed
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const leave = async (m: MemberRow) => {
    if (!window.confirm(`Remove ${m.name} from the directory because they left? Their open cases go to whoever the case's route gives them to; what they reported keeps their name.`)) return;
    setError(null);
    setNotice(null);
    try {
      const r = await send<{ reassigned: number; unassigned: number }>('POST', `/api/tab/settings/members/${m.aadObjectId}/left`);
      setNotice(`${m.name} was removed. ${r.reassigned} open case(s) reassigned${r.unassigned ? `; ${r.unassigned} left unassigned (nobody who may see them could take them)` : ''}.`);
      await load();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const create = async () => {
    setError(null);
    setNotice(null);
    try {
      const m = await send<MemberRow>('POST', '/api/tab/settings/members', { ...add, roles: ['staff'] });
      setAdd({ aadObjectId: '', name: '', jobTitle: '' });
      setNotice(`${m.name} added as staff.`);
      await load();
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <section aria-labelledby="settings-title">
      <Title2 as="h1" id="settings-title">Roles at {me.school.name}</Title2>
      <p>
        <Text>Who may see what follows from these roles. Changes apply at once on this server and within 30 seconds everywhere. One person cannot be both the headteacher and the chair of governors. Every change is kept in the </Text>
        <Link href="#/role-changes">record of role changes</Link>
        <Text>, which the chair of governors and the safeguarding leads can read.</Text>
      </p>
      {gaps.length > 0 && (
        <MessageBar intent="warning" layout="multiline">
          <MessageBarBody>
            <strong>Roles nobody holds at {me.school.name}:</strong>
            <ul>{gaps.map((g) => <li key={g}>{g}</li>)}</ul>
          </MessageBarBody>
        </MessageBar>
      )}
      {notice && <MessageBar intent="success"><MessageBarBody>{notice}</MessageBarBody></MessageBar>}
      {error && <MessageBar intent="error"><MessageBarBody>{error}</MessageBarBody></MessageBar>}
      <PendingEnrolments schoolName={me.school.name} onDecided={() => void load()} />
      {!members ? <Spinner label="Loading members…" /> : (
        <ul className={s.list}>
          {members.map((m) => {
            const roles = draft[m.aadObjectId] ?? m.roles;
            const changed = !!draft[m.aadObjectId];
            // Nobody changes their own roles (the server refuses it too): another administrator does.
            const self = m.aadObjectId === me.aadObjectId;
            return (
              <li key={m.aadObjectId} className={s.row}>
                <Text weight="semibold">{m.name}</Text>{m.jobTitle && <Text size={200}> · {m.jobTitle}</Text>}
                <fieldset className={s.roles} disabled={self}>
                  <legend className="visually-hidden">Roles of {m.name}</legend>
                  {me.vocabulary.roles.map((r) => (
                    <Checkbox key={r.value} label={r.label} checked={roles.includes(r.value)} disabled={self} onChange={(_, d) => toggle(m, r.value, !!d.checked)} />
                  ))}
                </fieldset>
                {self ? (
                  <Text size={200}>These are your own roles. Another administrator can change them.</Text>
                ) : (
                  <>
                    <Button size="small" appearance={changed ? 'primary' : 'secondary'} disabled={!changed} onClick={() => void save(m)}>Save roles for {m.name}</Button>{' '}
                    <Button size="small" appearance="subtle" onClick={() => void leave(m)}>{m.name} left the school</Button>
                  </>
                )}
              </li>
            );
          })}
        </ul>
      )}
      <Title3 as="h2">Add a member</Title3>
      <div className={s.add}>
        <Field label="Entra object id"><Input value={add.aadObjectId} onChange={(_, d) => setAdd((a) => ({ ...a, aadObjectId: d.value }))} /></Field>
        <Field label="Name"><Input value={add.name} onChange={(_, d) => setAdd((a) => ({ ...a, name: d.value }))} /></Field>
        <Field label="Job title"><Input value={add.jobTitle} onChange={(_, d) => setAdd((a) => ({ ...a, jobTitle: d.value }))} /></Field>
        <Button onClick={() => void create()} disabled={!add.aadObjectId || !add.name}>Add</Button>
      </div>
    </section>
  );
}
