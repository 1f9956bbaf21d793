/** The tab's only way to the server: same origin, bearer token, JSON. */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

let tokenSource: (() => Promise<string>) | undefined;
let schoolId: string | undefined;

export function setTokenSource(fn: (() => Promise<string>) | undefined): void {
  tokenSource = fn;
}
export function setSchool(id: string | undefined): void {
  schoolId = id;
}

async function headers(extra: Record<string, string> = {}): Promise<Record<string, string>> {
  const h: Record<string, string> = { Accept: 'application/json', ...extra };
  if (tokenSource) h.Authorization = `Bearer ${await tokenSource()}`;
  if (schoolId) h['X-School-Id'] = schoolId;
  return h;
}

async function parse<T>(res: Response): Promise<T> {
  if (res.ok) return (await res.json()) as T;
  let message = `The server answered ${res.status}.`;
  try {
    const b = (await res.json()) as { error?: string };
    if (b.error) message = b.error;
  } catch {
    // not JSON
  }
  throw new ApiError(res.status, message);
}

export async function get<T>(path: string): Promise<T> {
  return parse<T>(await fetch(path, { headers: await headers() }));
}

export async function send<T>(method: 'POST' | 'PUT', path: string, body: unknown = {}): Promise<T> {
  return parse<T>(await fetch(path, { method, headers: await headers({ 'Content-Type': 'application/json' }), body: JSON.stringify(body) }));
}

/** A file through an authorised endpoint (a CSV export), as a blob: URL to download (revoke when done). */
export async function downloadUrl(path: string): Promise<string> {
  const res = await fetch(path, { headers: await headers({ Accept: 'text/csv' }) });
  if (!res.ok) throw new ApiError(res.status, res.status === 403 ? 'You cannot export this register.' : 'Could not export the register.');
  return URL.createObjectURL(await res.blob());
}

/** Evidence bytes through the authorised endpoint, as a blob: URL the page can show (revoke when done). */
export async function blobUrl(path: string): Promise<string> {
  const res = await fetch(path, { headers: await headers({ Accept: 'image/*' }) });
  if (!res.ok) throw new ApiError(res.status, 'Could not load the evidence.');
  return URL.createObjectURL(await res.blob());
}

/** Save a file from an authorised endpoint (the token goes in a header, so a plain link cannot do it). */
export async function saveFile(path: string, fileName: string): Promise<void> {
  const res = await fetch(path, { headers: await headers({ Accept: '*/*' }) });
  if (!res.ok) {
    let message = 'Could not download the file.';
    try {
      message = ((await res.json()) as { error?: string }).error ?? message;
    } catch {
      // keep the general message
    }
    throw new ApiError(res.status, message);
  }
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** A file the server makes from a POST (a subject access archive), as a blob: URL and the name it offers. */
export async function download(path: string, body: unknown): Promise<{ url: string; name: string }> {
  const res = await fetch(path, { method: 'POST', headers: await headers({ 'Content-Type': 'application/json', Accept: 'application/zip' }), body: JSON.stringify(body) });
  if (!res.ok) await parse(res);
  const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'export.zip';
  return { url: URL.createObjectURL(await res.blob()), name };
}
