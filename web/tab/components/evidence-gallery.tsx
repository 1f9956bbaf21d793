import { useEffect, useState } from 'react';
import { Button, Text, makeStyles, tokens } from '@fluentui/react-components';
import { blobUrl } from '../api.js';
import { formatDateTime, size } from '../format.js';
import type { CaseDetail } from '../types.js';

const useStyles = makeStyles({
  bar: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'center', flexWrap: 'wrap', marginBottom: tokens.spacingVerticalS },
  grid: { listStyleType: 'none', padding: 0, margin: 0, display: 'grid', gap: tokens.spacingHorizontalM, gridTemplateColumns: 'repeat(auto-fill, minmax(160px, 1fr))' },
  item: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
  thumb: {
    display: 'block', width: '100%', height: '140px', padding: 0, overflow: 'hidden', cursor: 'pointer',
    border: `1px solid ${tokens.colorNeutralStroke1}`, borderRadius: tokens.borderRadiusMedium, backgroundColor: tokens.colorNeutralBackground3,
    ':focus-visible': { outline: `2px solid ${tokens.colorStrokeFocus2}` },
  },
  img: { width: '100%', height: '100%', objectFit: 'cover', display: 'block' },
  blurred: { filter: 'blur(18px)', transform: 'scale(1.1)' },
  meta: { fontSize: tokens.fontSizeBase200, color: tokens.colorNeutralForeground2, overflowWrap: 'anywhere' },
});

/**
 * Evidence through the authorised endpoint only (each load is recorded in the chronology). Thumbnails are
 * blurred until someone chooses to look; "Hide all" blurs them again at once (someone walks past).
 */
export function EvidenceGallery({ caseId, evidence }: { caseId: string; evidence: CaseDetail['evidence'] }) {
  const s = useStyles();
  const [urls, setUrls] = useState<Record<string, string>>({});
  const [shown, setShown] = useState<Record<string, boolean>>({});
  const [failed, setFailed] = useState<Record<string, boolean>>({});

  useEffect(() => {
    let alive = true;
    const made: string[] = [];
    for (const e of evidence) {
      if (!e.contentType.startsWith('image/')) continue;
      blobUrl(`/api/tab/cases/${caseId}/evidence/${encodeURIComponent(e.id)}`)
        .then((u) => {
          made.push(u);
          if (alive) setUrls((x) => ({ ...x, [e.id]: u }));
          else URL.revokeObjectURL(u);
        })
        .catch(() => alive && setFailed((x) => ({ ...x, [e.id]: true })));
    }
    return () => {
      alive = false;
      made.forEach((u) => URL.revokeObjectURL(u));
    };
  }, [caseId, evidence]);

  if (!evidence.length) return <p>No evidence was attached.</p>;
  const anyShown = Object.values(shown).some(Boolean);
  return (
    <div>
      <div className={s.bar}>
        <Text size={200}>Images are blurred. Select one to see it; every view is recorded.</Text>
        <Button size="small" onClick={() => setShown({})} disabled={!anyShown}>Hide all</Button>
      </div>
      <ul className={s.grid}>
        {evidence.map((e, i) => {
          const visible = !!shown[e.id];
          return (
            <li key={e.id} className={s.item}>
              <button
                type="button"
                className={s.thumb}
                aria-pressed={visible}
                aria-label={visible ? `Evidence ${i + 1}, shown. Select to blur.` : `Evidence ${i + 1}, blurred. Select to show.`}
                onClick={() => setShown((x) => ({ ...x, [e.id]: !visible }))}
                data-evidence-id={e.id}
              >
                {urls[e.id] ? (
                  <img className={visible ? s.img : `${s.img} ${s.blurred}`} src={urls[e.id]} alt={visible ? `Evidence ${i + 1}` : ''} data-shown={visible ? 'true' : 'false'} />
                ) : (
                  <Text size={200}>{failed[e.id] ? 'Could not load' : e.contentType.startsWith('image/') ? 'Loading…' : 'Not an image'}</Text>
                )}
              </button>
              <span className={s.meta}>{e.name || `Evidence ${i + 1}`} · {size(e.size)} · received {formatDateTime(e.receivedAt)}</span>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
