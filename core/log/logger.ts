import winston from 'winston';
import { redact } from './redact.ts';

const redactFormat = winston.format((info) => {
  const cleaned = redact({ ...info }) as Record<string | symbol, unknown>;
  for (const key of Object.keys(info)) delete (info as Record<string, unknown>)[key];
  Object.assign(info, cleaned);
  return info;
});

function levelFromEnv(): string {
  const level = process.env.LOG_LEVEL ?? (process.env.VITEST ? 'warn' : 'info');
  return level;
}

const level = levelFromEnv();

/**
 * Drops a message below the logger's level before the other formats run: winston filters levels
 * only at the transport, after timestamping, redacting and serialising every message (an HTTP
 * request log per request at the default `info` level).
 */
const enabledOnly = winston.format((info) => (logger.isLevelEnabled(info.level) ? info : false));

/** JSON logs with secrets masked by key and by known value. */
export const logger = winston.createLogger({
  level: level === 'silent' ? 'error' : level,
  silent: level === 'silent',
  format: winston.format.combine(
    enabledOnly(),
    winston.format.timestamp(),
    redactFormat(),
    winston.format.json(),
  ),
  transports: [new winston.transports.Console({ stderrLevels: ['error', 'warn', 'info', 'http', 'debug'] })],
});

export type Logger = winston.Logger;
