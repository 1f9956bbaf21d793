/** The tab API's coded errors: each becomes its 4xx in `sendError` (context.ts). */
export class BadRequestError extends Error {
  readonly code = 'BAD_REQUEST';
}
export class ForbiddenError extends Error {
  readonly code = 'FORBIDDEN';
}
export class NotFoundError extends Error {
  readonly code = 'NOT_FOUND';
}
