import { app, pages } from '@microsoft/teams-js';

/** The configurable (channel) tab's setup page: one fixed content page, nothing to choose. */
async function start(): Promise<void> {
  const status = document.getElementById('status');
  try {
    await app.initialize();
  } catch {
    if (status) status.textContent = 'Open this page from Microsoft Teams to add the tab.';
    return;
  }
  pages.config.registerOnSaveHandler((save) => {
    const base = `${location.origin}/tab/index.html`;
    pages.config
      .setConfig({ entityId: 'cases', contentUrl: base, websiteUrl: base, suggestedDisplayName: 'Cases' })
      .then(() => save.notifySuccess())
      .catch(() => save.notifyFailure('Could not save the tab.'));
  });
  pages.config.setValidityState(true);
  app.notifySuccess();
}

void start();
