/** Structured JSON logs (pino): one line per request, plus start-up and error events. */
import { pino, type Logger } from 'pino';
import type { LogLevel } from './config.js';

export type { Logger };

export function createLogger(level: LogLevel, destination: NodeJS.WritableStream = process.stdout): Logger {
  return pino({ level, base: { service: 'reefknot' }, timestamp: pino.stdTimeFunctions.isoTime }, destination);
}
