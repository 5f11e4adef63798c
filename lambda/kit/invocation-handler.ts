import type { Context } from 'aws-lambda';
import type { KitLogger } from './logger';

/** What Lambda invokes: it passes (event, context, callback), so dependencies cannot be an argument. */
export type InvocationHandler<R> = (event: unknown, context?: Context) => Promise<R>;

/**
 * A handler from a dependency factory and a body. The dependencies are made on the first invocation,
 * so module-scope SDK clients are created once and reused by later ones; each invocation's Lambda
 * context goes to the logger before the body runs, so every line it writes carries that invocation
 * (request id, cold start).
 */
export function invocationHandler<D extends { readonly logger: KitLogger }, R>(
  deps: () => D,
  body: (event: unknown, deps: D, context: Context | undefined) => Promise<R>,
): InvocationHandler<R> {
  let resolved: D | undefined;
  return async (event, context) => {
    resolved ??= deps();
    if (context) resolved.logger.addContext?.(context);
    return body(event, resolved, context);
  };
}
