import { Logger } from '@aws-lambda-powertools/logger';

/** The subset of a structured logger the kit uses; Powertools Logger satisfies it, tests pass their own. */
export interface KitLogger {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

let shared: KitLogger | undefined;

/** One structured JSON logger per execution environment (service name from POWERTOOLS_SERVICE_NAME). */
export function defaultLogger(serviceName: string): KitLogger {
  if (!shared) {
    const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? serviceName });
    shared = {
      info: (message, extra) => (extra ? logger.info(message, extra) : logger.info(message)),
      warn: (message, extra) => (extra ? logger.warn(message, extra) : logger.warn(message)),
      error: (message, extra) => (extra ? logger.error(message, extra) : logger.error(message)),
    };
  }
  return shared;
}
