import type { Context } from 'aws-lambda';
import type { ClientLoaders } from './client-loaders';
import { defaultClients } from './clients';
import type { Evaluation } from './evaluation-sink';
import { invocationHandler } from './invocation-handler';
import { defaultLogger } from './logger';
import type { AccountRule, ResourceRule } from './rule-module';
import { runAccountRule, runResourceRule, type RunDependencies } from './run-rule';

export type RuleHandler = (event: unknown, context?: Context) => Promise<Evaluation[]>;

export interface RuleHandlers {
  /** What Lambda invokes, with clients and logger created once per execution environment; each line logs the invocation. */
  readonly handler: RuleHandler;
  /** The same handler with injected dependencies (tests, the scanner's dry runs). */
  readonly makeHandler: (deps: () => RunDependencies) => RuleHandler;
}

/** A rule's handlers: see invocationHandler for how dependencies and the logger's context are handled. */
function handlers(
  id: string,
  loaders: ClientLoaders,
  run: (event: unknown, context: Context | undefined, deps: RunDependencies) => Promise<Evaluation[]>,
): RuleHandlers {
  const makeHandler = (deps: () => RunDependencies): RuleHandler => invocationHandler(deps, (event, resolved, context) => run(event, context, resolved));
  return { makeHandler, handler: makeHandler(() => ({ clients: defaultClients(loaders), logger: defaultLogger(id) })) };
}

/**
 * `loaders` names the clients the rule uses besides Config's (from client-loaders.ts): only those are
 * in its bundle, and each loads on first use.
 */
export function resourceRuleHandlers<P, S>(rule: ResourceRule<P, S>, loaders: ClientLoaders): RuleHandlers {
  return handlers(rule.definition.id, loaders, (event, context, deps) => runResourceRule(rule, event, context, deps));
}

export function accountRuleHandlers<P, S>(rule: AccountRule<P, S>, loaders: ClientLoaders): RuleHandlers {
  return handlers(rule.definition.id, loaders, (event, _context, deps) => runAccountRule(rule, event, deps));
}
