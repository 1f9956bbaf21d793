
export type ThemeName = 'default' | 'dark' | 'contrast';

/** True when the page is framed by a host (Teams, Outlook, the Microsoft 365 app). */
export const isFramed = (): boolean => {
  try {
    return window.self !== window.top;
  } catch {
    return true;
  }
};

export interface Host {
  inTeams: boolean;
  theme: ThemeName;
  onThemeChange(fn: (t: ThemeName) => void): void;
  /** A fresh Entra ID token for our API (Teams SSO). Undefined outside Teams. */
  getToken?: () => Promise<string>;
}

const asTheme = (t: string | undefined): ThemeName => (t === 'dark' ? 'dark' : t === 'contrast' ? 'contrast' : 'default');

/** Outside Teams: the browser's own colour and contrast preferences stand in for the Teams theme. */
function browserTheme(): ThemeName {
  const q = new URLSearchParams(location.search).get('theme');
  if (q) return asTheme(q);
  if (matchMedia('(forced-colors: active)').matches) return 'contrast';
  return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'default';
}

export async function connectHost(): Promise<Host> {
  if (!isFramed()) {
    return { inTeams: false, theme: browserTheme(), onThemeChange: () => undefined };
  }
  // Loaded only inside a host: the library fetches Microsoft's list of host origins as soon as it loads
  // (the tab's CSP blocks that and the library falls back to its built-in list), and a plain browser needs none of it.
  const { app, authentication } = await import('@microsoft/teams-js');
  try {
    await Promise.race([app.initialize(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 8000))]);
  } catch {
    return { inTeams: false, theme: browserTheme(), onThemeChange: () => undefined };
  }
  const ctx = await app.getContext();
  app.notifySuccess();
  return {
    inTeams: true,
    theme: asTheme(ctx.app.theme),
    onThemeChange: (fn) => app.registerOnThemeChangeHandler((t) => fn(asTheme(t))),
    getToken: () => authentication.getAuthToken(),
  };
}
