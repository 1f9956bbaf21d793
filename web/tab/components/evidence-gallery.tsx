import { useEffect, useRef, useState } from 'react';
import { Button, Text, makeStyles, tokens } from '@fluentui/react-components';
import { blobUrl, get, saveFile } from '../api.js';
import { formatDateTime, size } from '../format.js';
import type { CaseDetail, Items, Thumbnail } from '../types.js';

const useStyles = makeStyles({
  bar: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'center', flexWrap: 'wrap', marginBottom: tokens.spacingVerticalS },
  grid: { listStyleType: 'none', padding: 0, margin: 0, display: 'grid', gap: tokens.spacingHorizontalM, gridTemplateColumns: 'repeat(auto-fill, minmax(160px, 1fr))' },
  item: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
  thumb: {
    display: 'block', width: '100%', height: '140px', padding: 0, overflow: 'hidden', cursor: 'pointer',
    border: `1px solid ${tokens.colorNeutralStroke1}`, borderRadius: tokens.borderRadiusMedium, backgroundColor: tokens.colorNeutralBackground3,
    ':focus-visible': { outline: `2px solid ${tokens.colorStrokeFocus2}` },
    ':disabled': { cursor: 'default' },
  },
  img: { width: '100%', height: '100%', objectFit: 'cover', display: 'block' },
  blurred: { filter: 'blur(18px)', transform: 'scale(1.1)' },
  meta: { fontSize: tokens.fontSizeBase200, color: tokens.colorNeutralForeground2, overflowWrap: 'anywhere' },
  hash: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase100, overflowWrap: 'anywhere' },
});

type Evidence = CaseDetail['evidence'][number];
const base = (caseId: string, e: Evidence) => `/api/tab/cases/${caseId}/evidence/${encodeURIComponent(e.id)}`;
const extension = (t: string) => ({ 'image/png': 'png', 'image/jpeg': 'jpg', 'image/gif': 'gif', 'image/webp': 'webp', 'image/heic': 'heic' })[t] ?? 'bin';

/**
 * Evidence through the authorised endpoints only. The page loads small blurred thumbnails, which show
 * nothing and are not recorded; selecting one loads its display copy, which is recorded as a view of that
 * picture by this person (once per picture on this page). "Hide all" blurs them again at once (someone
 * walks past). The original as received is a separate, recorded download for those allowed.
 */
export function EvidenceGallery({ caseId, evidence, canDownload }: { caseId: string; evidence: CaseDetail['evidence']; canDownload: boolean }) {
  const s = useStyles();
  const [thumbs, setThumbs] = useState<Record<string, string>>({});
  const [displays, setDisplays] = useState<Record<string, string>>({});
  const [shown, setShown] = useState<Record<string, boolean>>({});
  const [problem, setProblem] = useState<Record<string, string>>({});
  const [loading, setLoading] = useState<Record<string, boolean>>({});
  const [downloadState, setDownloadState] = useState<Record<string, string>>({});

  // Every thumbnail in one request (small blurred JPEGs as data: URLs), not recorded as views.
  useEffect(() => {
    let alive = true;
    if (!evidence.length) return;
    get<Items<Thumbnail>>(`/api/tab/cases/${caseId}/thumbnails`)
      .then(({ items }) => {
        if (!alive) return;
        setThumbs(Object.fromEntries(items.filter((t) => t.src).map((t) => [t.id, t.src!])));
        setProblem(Object.fromEntries(items.filter((t) => !t.src).map((t) => [t.id, 'No preview'])));
      })
      .catch(() => alive && setProblem(Object.fromEntries(evidence.map((e) => [e.id, 'Could not load']))));
    return () => {
      alive = false;
    };
  }, [caseId, evidence]);

  // Display copies are revoked when the gallery goes.
  const displayUrls = useRef<string[]>([]);
  useEffect(() => () => displayUrls.current.forEach((u) => URL.revokeObjectURL(u)), []);

  async function choose(e: Evidence) {
    if (shown[e.id]) return setShown((x) => ({ ...x, [e.id]: false }));
    if (!displays[e.id]) {
      setLoading((x) => ({ ...x, [e.id]: true }));
      try {
        const u = await blobUrl(`${base(caseId, e)}/display`);
        displayUrls.current.push(u);
        setDisplays((x) => ({ ...x, [e.id]: u }));
      } catch {
        setProblem((x) => ({ ...x, [e.id]: 'Could not load' }));
        return;
      } finally {
        setLoading((x) => ({ ...x, [e.id]: false }));
      }
    }
    setShown((x) => ({ ...x, [e.id]: true }));
  }

  async function saveOriginal(e: Evidence) {
    setDownloadState((x) => ({ ...x, [e.id]: 'Downloading…' }));
    try {
      await saveFile(base(caseId, e), `evidence-${e.id}.${extension(e.contentType)}`);
      setDownloadState((x) => ({ ...x, [e.id]: 'Downloaded (recorded in the chronology).' }));
    } catch (err) {
      setDownloadState((x) => ({ ...x, [e.id]: (err as Error).message || 'Could not download the file.' }));
    }
  }

  if (!evidence.length) return <p>No evidence was attached.</p>;
  const anyShown = Object.values(shown).some(Boolean);
  return (
    <div>
      <div className={s.bar}>
        <Text size={200}>Images are blurred. Select one to see it; each picture you see is recorded.</Text>
        <Button size="small" onClick={() => setShown({})} disabled={!anyShown}>Hide all</Button>
      </div>
      <ul className={s.grid}>
        {evidence.map((e, i) => {
          const visible = !!shown[e.id] && !!displays[e.id];
          const src = visible ? displays[e.id] : thumbs[e.id];
          const noPicture = !thumbs[e.id] && !!problem[e.id];
          return (
            <li key={e.id} className={s.item}>
              <button
                type="button"
                className={s.thumb}
                aria-pressed={visible}
                aria-label={noPicture ? `Evidence ${i + 1}: ${problem[e.id].toLowerCase()}.` : visible ? `Evidence ${i + 1}, shown. Select to blur.` : `Evidence ${i + 1}, blurred. Select to show.`}
                onClick={() => void choose(e)}
                disabled={noPicture}
                data-evidence-id={e.id}
              >
                {src ? (
                  <img className={visible ? s.img : `${s.img} ${s.blurred}`} src={src} alt={visible ? `Evidence ${i + 1}` : ''} data-shown={visible ? 'true' : 'false'} />
                ) : (
                  <Text size={200}>{problem[e.id] ?? (loading[e.id] ? 'Loading…' : e.contentType.startsWith('image/') ? 'Loading…' : 'Not an image')}</Text>
                )}
              </button>
              <span className={s.meta}>{e.name || `Evidence ${i + 1}`} · {size(e.size)} · received {formatDateTime(e.receivedAt)}</span>
              {canDownload && (
                <>
                  <Button size="small" onClick={() => void saveOriginal(e)} aria-label={`Download original, evidence ${i + 1}`}>Download original</Button>
                  <span className={s.meta}>SHA-256: <span className={s.hash} data-sha256>{e.sha256}</span></span>
                  {downloadState[e.id] && <span className={s.meta} role="status">{downloadState[e.id]}</span>}
                </>
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
