import type { Context } from 'aws-lambda';
import { invocationHandler } from '../../lambda/kit/invocation-handler';
import type { KitLogger } from '../../lambda/kit/logger';

/** A logger that records which invocation each line was written under. */
class ContextLogger implements KitLogger {
  readonly lines: { message: string; requestId?: string }[] = [];
  private requestId?: string;
  addContext(context: Context): void {
    this.requestId = context.awsRequestId;
  }
  info(message: string): void {
    this.lines.push({ message, requestId: this.requestId });
  }
  warn(message: string): void {
    this.info(message);
  }
  error(message: string): void {
    this.info(message);
  }
}

const context = (awsRequestId: string) => ({ awsRequestId }) as Context;

describe('invocationHandler', () => {
  test('Compliance: dependencies are made once; every line of an invocation is written under its own context', async () => {
    const logger = new ContextLogger();
    const made = jest.fn(() => ({ logger }));
    const handler = invocationHandler(made, async (event, deps, ctx) => {
      deps.logger.info(`event ${String(event)}`);
      return ctx?.awsRequestId;
    });

    expect(await handler('a', context('r-1'))).toBe('r-1');
    expect(await handler('b', context('r-2'))).toBe('r-2');

    expect(made).toHaveBeenCalledTimes(1);
    expect(logger.lines).toEqual([
      { message: 'event a', requestId: 'r-1' },
      { message: 'event b', requestId: 'r-2' },
    ]);
  });

  test('Compliance: without a context (direct calls, tests) and with a logger that has no addContext, it still runs', async () => {
    const lines: string[] = [];
    const logger: KitLogger = { info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };
    const handler = invocationHandler(() => ({ logger }), async (event, deps) => {
      deps.logger.info(String(event));
      return 'ok';
    });
    expect(await handler('x')).toBe('ok');
    expect(await handler('y', context('r-3'))).toBe('ok');
    expect(lines).toEqual(['x', 'y']);
  });

  test('Noncompliance 1: a failing body rejects the invocation and the next one still runs with the same dependencies', async () => {
    const logger = new ContextLogger();
    const made = jest.fn(() => ({ logger }));
    const handler = invocationHandler(made, async (event) => {
      if (event === 'bad') throw new Error('bad event');
      return 'ok';
    });
    await expect(handler('bad', context('r-4'))).rejects.toThrow('bad event');
    expect(await handler('good', context('r-5'))).toBe('ok');
    expect(made).toHaveBeenCalledTimes(1);
  });
});
