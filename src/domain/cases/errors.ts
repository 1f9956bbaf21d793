/** The coded errors of the case services. The edges turn each code into their own answer (a card, an HTTP status). */

export class CaseNotFoundError extends Error {
  readonly code = 'CASE_NOT_FOUND';
}
/** Someone changed the case first (its ETag moved): read it again and retry, or give up. */
export class ConcurrentUpdateError extends Error {
  readonly code = 'CONCURRENT_UPDATE';
}
export class NotAllowedError extends Error {
  readonly code = 'NOT_ALLOWED';
}
export class InvalidChangeError extends Error {
  readonly code = 'INVALID_CHANGE';
}
