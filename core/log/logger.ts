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

/** JSON logs with secrets masked by key and by known value. */
export const logger = winston.createLogger({
  level: level === 'silent' ? 'error' : level,
  silent: level === 'silent',
  format: winston.format.combine(winston.format.timestamp(), redactFormat(), winston.format.json()),
  transports: [new winston.transports.Console({ stderrLevels: ['error', 'warn', 'info', 'http', 'debug'] })],
});

export type Logger = winston.Logger;
