import { createRoot } from 'react-dom/client';
import { App } from './app.js';
import { connectHost } from './teams.js';

async function start(): Promise<void> {
  const host = await connectHost();
  const root = document.getElementById('root');
  if (!root) return;
  createRoot(root).render(<App host={host} />);
}

void start();
