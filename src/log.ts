import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs. Safeguarding content must never reach a log line: we log ids only, and the
 * redaction list below is a second line of defence for fields that should never have been passed.
 */
export const REDACTED_FIELDS = [
  'text', '*.text', 'activity.text', 'value', '*.value', 'name', '*.name', 'answers', '*.answers',
  'description', '*.description', 'body', '*.body', 'attachments', '*.attachments', 'authorization',
  '*.authorization', 'headers.authorization', 'req.headers.authorization', 'req.headers.cookie', 'token', '*.token',
  'pupilName', '*.pupilName', 'email', '*.email',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { app: 'safer-social' },
      redact: { paths: REDACTED_FIELDS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
