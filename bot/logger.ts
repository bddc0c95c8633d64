// Structured logs: one JSON line per event, with ids (incident number, message id) rather than people's words.
// Residents' texts and notes are redacted wherever a log call passes them by accident.
import pino, { type Logger } from 'pino';
import type { Config } from '../config';

export function createLogger(level: Config['logLevel']): Logger {
  return pino({
    level,
    base: { service: 'grid-bot' },
    redact: { paths: ['text', 'note', '*.text', '*.note', 'phone', '*.phone', 'summary', '*.summary', 'place', '*.place'], censor: '[redacted]' },
  });
}
