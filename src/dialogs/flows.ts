import type { AppServices } from '../services.js';
import type { FlowRegistry } from './root-dialog.js';

/** The conversational flows the menu starts. Each flow's dialog lives in its own file. */
export function createFlows(_services: AppServices): FlowRegistry {
  return {};
}
