import { useEffect, useState } from 'react';

/** Hash routes: #/cases, #/case/<id>, #/case/<id>/print, #/registers/accounts, #/registers/family, #/settings, #/role-changes, #/policy, #/registers/consent, #/registers/posts, #/records, #/acknowledgements(/print), #/read-policy. */
export type Route =
  | { page: 'cases' }
  | { page: 'case'; id: string }
  | { page: 'print'; id: string }
  | { page: 'accounts' }
  | { page: 'family' }
  | { page: 'settings' }
  | { page: 'roleChanges' }
  | { page: 'policy' }
  | { page: 'consent' }
  | { page: 'posts' }
  | { page: 'records' }
  | { page: 'acknowledgements'; print: boolean }
  | { page: 'readPolicy' };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  if (parts[0] === 'case' && parts[1] && /^[0-9a-f]{16}$/.test(parts[1])) return parts[2] === 'print' ? { page: 'print', id: parts[1] } : { page: 'case', id: parts[1] };
  if (parts[0] === 'registers' && parts[1] === 'accounts') return { page: 'accounts' };
  if (parts[0] === 'registers' && parts[1] === 'family') return { page: 'family' };
  if (parts[0] === 'registers' && parts[1] === 'consent') return { page: 'consent' };
  if (parts[0] === 'registers' && parts[1] === 'posts') return { page: 'posts' };
  if (parts[0] === 'settings') return { page: 'settings' };
  if (parts[0] === 'role-changes') return { page: 'roleChanges' };
  if (parts[0] === 'policy') return { page: 'policy' };
  if (parts[0] === 'records') return { page: 'records' };
  if (parts[0] === 'acknowledgements') return { page: 'acknowledgements', print: parts[1] === 'print' };
  if (parts[0] === 'read-policy') return { page: 'readPolicy' };
  return { page: 'cases' };
}

export const go = (hash: string) => {
  location.hash = hash;
};

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseRoute(location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}
