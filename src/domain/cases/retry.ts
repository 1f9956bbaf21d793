import { ConcurrentUpdateError } from './errors.js';

/**
 * Run a read-decide-write `attempt` again while its write loses to someone else's (ConcurrentUpdateError:
 * the case's ETag moved between the read and the write). Any other error ends it at once. After
 * `attempts` losses the conflict is the caller's.
 */
export async function retryOnConflict<T>(caseId: string, attempt: () => Promise<T>, attempts = 5): Promise<T> {
  for (let i = 0; i < attempts; i++) {
    try {
      return await attempt();
    } catch (e) {
      if (!(e instanceof ConcurrentUpdateError)) throw e;
    }
  }
  throw new ConcurrentUpdateError(caseId);
}
