/**
 * The outbox dispatcher's defaults. A module of constants with no imports: the configuration (environment
 * defaults) and the domain (the dispatcher's own defaults) both read it, and neither imports the other.
 */
export const DISPATCH_DEFAULTS = {
  maxAttempts: 6,
  baseDelayMs: 500,
  maxDelayMs: 60_000,
  sendTimeoutMs: 10_000,
  concurrency: 8,
  pollMs: 5_000,
} as const;
