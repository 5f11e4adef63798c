import type { RuleContext } from '../../kit/rule-module';
import { getAccountDefaults } from './aws-reads';

const accountTokens = new WeakMap<object, Promise<string | undefined>>();

/**
 * The region's account-default HttpTokens, read once per invocation (memoised on the rule context)
 * and only by rules run with acceptInheritedDefaults.
 */
export function accountDefaultTokens(ctx: RuleContext<unknown>): Promise<string | undefined> {
  let p = accountTokens.get(ctx);
  if (!p) {
    p = getAccountDefaults(ctx.clients.ec2).then((d) => d.HttpTokens?.toLowerCase());
    accountTokens.set(ctx, p);
  }
  return p;
}
