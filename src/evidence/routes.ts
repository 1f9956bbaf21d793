import type { Server } from 'restify';
import type { AppServices } from '../services.js';

/** The evidence upload page and its API (signed, single-use links). */
export function mountEvidenceRoutes(_services: AppServices): (server: Server) => void {
  return () => undefined;
}
