/**
 * A mistake in the CDK context (`-c key=value` or cdk.json), not a bug: bin/app.ts prints its
 * message, one line naming the key, without a stack trace.
 */
export class ContextError extends Error {
  constructor(
    readonly key: string,
    detail: string,
  ) {
    // One line whatever the detail: the message is all the user sees.
    super(`Context "${key}": ${detail.replace(/\s*\n\s*/g, ' ')}`);
    this.name = 'ContextError';
  }
}
