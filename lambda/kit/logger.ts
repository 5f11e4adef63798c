import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';

/** The subset of a structured logger the kit uses; Powertools Logger satisfies it, tests pass their own. */
export interface KitLogger {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
  /**
   * Puts the invocation on every following line: `function_request_id`, `cold_start`,
   * `function_name`, `function_arn`, `function_memory_size` (Powertools' names, so its CloudWatch
   * Logs Insights queries work). Optional: a test logger may ignore it.
   */
  addContext?(context: Context): void;
}

let shared: KitLogger | undefined;

/**
 * One structured JSON logger per execution environment (service name from POWERTOOLS_SERVICE_NAME).
 * Cold start is Powertools' own: true on the first invocation of an on-demand environment
 * (AWS_LAMBDA_INITIALIZATION_TYPE), false after it and under provisioned concurrency or SnapStart,
 * whose initialisation did not delay any request.
 */
export function defaultLogger(serviceName: string): KitLogger {
  if (!shared) {
    const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? serviceName });
    shared = {
      info: (message, extra) => (extra ? logger.info(message, extra) : logger.info(message)),
      warn: (message, extra) => (extra ? logger.warn(message, extra) : logger.warn(message)),
      error: (message, extra) => (extra ? logger.error(message, extra) : logger.error(message)),
      addContext: (context) => logger.addContext(context),
    };
  }
  return shared;
}
