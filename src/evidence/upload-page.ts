/**
 * The upload page: HTML with no inline script or style (strict CSP), its script and stylesheet served as
 * separate static files. Progress per file; several files; drag and drop; camera on phones.
 */

export const UPLOAD_ASSET_PATH = '/upload-assets';

/** Teams and Microsoft 365 hosts that may frame the page (it normally opens in the browser). */
export const FRAME_ANCESTORS = [
  "'self'",
  'https://teams.microsoft.com',
  'https://*.teams.microsoft.com',
  'https://*.cloud.microsoft',
  'https://*.office.com',
  'https://*.microsoft365.com',
];

export const UPLOAD_PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  `frame-ancestors ${FRAME_ANCESTORS.join(' ')}`,
].join('; ');

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** `reference`: the report already sent that the pictures are added to (from My submissions). */
export function uploadPageHtml(opts: { sessionId: string; schoolName: string; max: number; alreadyReceived: number; reference?: string }): string {
  return `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="upload-session" content="${esc(opts.sessionId)}">
<meta name="upload-max" content="${opts.max}">
<meta name="upload-received" content="${opts.alreadyReceived}">
<title>Upload pictures – Safer Social</title>
<link rel="stylesheet" href="${UPLOAD_ASSET_PATH}/upload.css">
<script src="${UPLOAD_ASSET_PATH}/upload.js" defer></script>
</head>
<body>
<main>
<h1>Upload pictures</h1>
<p>${opts.reference ? `To add to your report ${esc(opts.reference)} (it has ${opts.alreadyReceived}), sent to ${esc(opts.schoolName)}.` : `For what you are sending to ${esc(opts.schoolName)} (a report or a post).`} Pictures only (PNG, JPEG, GIF, WebP or HEIC), up to 10 MB each, ${opts.max} at most.</p>
<div id="drop" class="drop" tabindex="0">
<p>Drop pictures here, or</p>
<label class="button">Choose pictures<input id="files" type="file" accept="image/*" multiple></label>
<label class="button">Take a photo<input id="camera" type="file" accept="image/*" capture="environment"></label>
</div>
<ul id="list" aria-live="polite"></ul>
<p id="status" role="status"></p>
<p class="hint">When you have finished, go back to the chat in Teams and press <strong>Done</strong>.</p>
</main>
</body>
</html>`;
}

export function uploadGonePage(message: string): string {
  return `<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Upload pictures – Safer Social</title><link rel="stylesheet" href="${UPLOAD_ASSET_PATH}/upload.css"></head>
<body><main><h1>Upload pictures</h1><p>${esc(message)}</p></main></body></html>`;
}

export const UPLOAD_CSS = `
body{font-family:"Segoe UI",system-ui,sans-serif;margin:0;padding:1rem;color:#242424;background:#fafafa}
main{max-width:36rem;margin:0 auto}
h1{font-size:1.4rem}
.drop{border:2px dashed #8a8886;border-radius:8px;padding:1rem;text-align:center;background:#fff}
.drop.over{border-color:#5b5fc7;background:#f0f0ff}
.button{display:inline-block;margin:.3rem;padding:.6rem 1rem;border-radius:6px;background:#5b5fc7;color:#fff;cursor:pointer}
.button input{position:absolute;left:-9999px}
ul{list-style:none;padding:0}
li{background:#fff;border:1px solid #e1dfdd;border-radius:6px;padding:.5rem;margin:.4rem 0}
li progress{width:100%}
li.ok{border-color:#107c10}
li.refused{border-color:#c50f1f}
.hint{color:#605e5c}
`;

/** The page's script (served as /upload-assets/upload.js). Uploads one file at a time, with progress. */
export const UPLOAD_JS = `(() => {
  'use strict';
  const MAX_BYTES = 10 * 1024 * 1024;
  const token = location.pathname.split('/').pop();
  const meta = (n) => document.querySelector('meta[name="' + n + '"]').getAttribute('content');
  const session = meta('upload-session');
  const list = document.getElementById('list');
  const status = document.getElementById('status');
  const drop = document.getElementById('drop');
  const queue = [];
  let busy = false;

  function row(file) {
    const li = document.createElement('li');
    const name = document.createElement('div');
    name.textContent = file.name;
    const bar = document.createElement('progress');
    bar.max = 1;
    bar.value = 0;
    const msg = document.createElement('div');
    li.append(name, bar, msg);
    list.append(li);
    return { li, bar, msg };
  }

  function add(files) {
    for (const f of files) {
      const r = row(f);
      if (f.size > MAX_BYTES) {
        r.li.className = 'refused';
        r.msg.textContent = 'Not saved: it is larger than 10 MB.';
        r.bar.remove();
        batch.refused++;
        continue;
      }
      queue.push({ f, r });
    }
    next();
  }

  let batch = { ok: 0, refused: 0 };
  let held = Number(meta('upload-received')) || 0;
  const max = Number(meta('upload-max')) || 10;

  function finished() {
    // The line under the list says what happened, then stays quiet until more are chosen.
    const parts = [];
    if (batch.ok) parts.push(batch.ok + ' received');
    if (batch.refused) parts.push(batch.refused + ' not saved');
    status.textContent = parts.length ? 'Finished: ' + parts.join(', ') + '. This report has ' + held + ' of up to ' + max + ' screenshots.' : '';
    batch = { ok: 0, refused: 0 };
  }

  function next() {
    if (busy) return;
    const item = queue.shift();
    if (!item) return finished();
    busy = true;
    const { f, r } = item;
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/upload/' + encodeURIComponent(token));
    xhr.setRequestHeader('x-upload-session', session);
    xhr.setRequestHeader('x-file-name', encodeURIComponent(f.name));
    xhr.setRequestHeader('content-type', 'application/octet-stream');
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) r.bar.value = e.loaded / e.total; };
    xhr.onload = () => {
      let body = {};
      try { body = JSON.parse(xhr.responseText); } catch (e) { body = {}; }
      r.bar.remove();
      if (xhr.status >= 200 && xhr.status < 300) {
        r.li.className = 'ok';
        r.msg.textContent = body.message || 'Received.';
        if (typeof body.received === 'number') held = body.received;
        batch.ok++;
      } else {
        r.li.className = 'refused';
        r.msg.textContent = body.error || 'Not saved. Please try again.';
        batch.refused++;
      }
      busy = false;
      next();
    };
    xhr.onerror = () => {
      r.bar.remove();
      r.li.className = 'refused';
      r.msg.textContent = 'Not saved: the connection failed. Please try again.';
      batch.refused++;
      busy = false;
      next();
    };
    status.textContent = 'Sending ' + f.name + '…';
    xhr.send(f);
  }

  document.getElementById('files').addEventListener('change', (e) => { add(e.target.files); e.target.value = ''; });
  document.getElementById('camera').addEventListener('change', (e) => { add(e.target.files); e.target.value = ''; });
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => { e.preventDefault(); drop.classList.remove('over'); add(e.dataTransfer.files); });
})();
`;
