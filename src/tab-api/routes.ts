import type { Server } from 'restify';
import type { AppServices } from '../services.js';

/** The Cases tab: static files under /tab and the JSON API under /api/tab. */
export function mountTabRoutes(_services: AppServices): (server: Server) => void {
  return () => undefined;
}
