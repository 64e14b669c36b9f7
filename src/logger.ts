/**
 * JSON lines on standard output (journald stores them). Personal data never reaches a log line by design (events
 * log ids, seq, type and codes); the redaction paths are the safety net if a document or secret is passed anyway.
 */
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

export const REDACTED_PATHS = [
  'document',
  '*.document',
  'payload',
  '*.payload',
  'name',
  '*.name',
  'number',
  '*.number',
  'password',
  '*.password',
  'secret',
  '*.secret',
];

export function createLogger(level: string, destination: NodeJS.WritableStream = process.stdout): Logger {
  return pino(
    {
      level,
      base: { svc: 'qrgate' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination as DestinationStream,
  );
}
