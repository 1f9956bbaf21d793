import { useEffect, useState } from 'react';
import { MessageBar, MessageBarBody, Spinner, Text, Title2, makeStyles, tokens } from '@fluentui/react-components';
import { get } from '../api.js';
import type { PolicyText } from '../types.js';

const useStyles = makeStyles({
  page: { backgroundColor: tokens.colorNeutralBackground1, padding: tokens.spacingHorizontalL, maxWidth: '800px' },
  clause: { margin: `${tokens.spacingVerticalS} 0`, whiteSpace: 'pre-line' },
});

/** The school's policy as printed, for every member of staff (the rollout card links here when the school gives no address of its own). */
export function ReadPolicy() {
  const s = useStyles();
  const [text, setText] = useState<PolicyText | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    get<PolicyText>('/api/tab/policy/text').then(setText, (e: Error) => setError(e.message));
  }, []);
  let lastHeading: string | null = null;
  return (
    <article className={s.page} aria-labelledby="read-title">
      <Title2 as="h1" id="read-title">{text ? `${text.title ?? text.policyName}${text.date ? ` (${text.date})` : ''}` : 'The policy'}</Title2>
      {error && <MessageBar intent="error"><MessageBarBody>{error}</MessageBarBody></MessageBar>}
      {!text && !error && <Spinner label="Loading…" />}
      {text && text.clauses.length === 0 && <p>The text of this school's policy is not held by the app. Ask the school office for a copy.</p>}
      {text?.clauses.map((c, i) => {
        const heading = c.heading && c.heading !== lastHeading ? c.heading : null;
        lastHeading = c.heading;
        return (
          <div key={i}>
            {heading && <h2>{heading}</h2>}
            <p className={s.clause}>
              {c.label && <Text weight="semibold">{c.label} </Text>}
              {c.text}
            </p>
          </div>
        );
      })}
    </article>
  );
}
