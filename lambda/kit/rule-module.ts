import type { Clients } from './clients';
import type { ConfigurationItem } from './configuration-item';
import type { RuleDefinition } from './rule-definition';
import type { Verdict } from './verdict';

/** What a rule's code can use besides its parameters: clients and where it runs. */
export interface RuleContext<P> {
  readonly clients: Clients;
  readonly params: P;
  readonly region: string;
  readonly accountId: string;
}

/**
 * A rule over many resources of one type (instances, launch templates, …). The kit drives it: it
 * turns a configuration item into a subject (fetching what the item lacks), or pages through every
 * resource for the periodic sweep, and hands each subject to the pure `evaluate`.
 */
export interface ResourceRule<P, S> {
  readonly definition: RuleDefinition<P>;
  /** The subject for a changed item; `undefined` when the resource no longer exists. */
  readonly fromItem: (item: ConfigurationItem, ctx: RuleContext<P>) => Promise<S | undefined>;
  /** Every resource of the type in the region, one page at a time (streamed, never all in memory). */
  readonly listPages: (ctx: RuleContext<P>) => AsyncIterable<readonly S[]>;
  /** The id Config knows the resource by (instance id, launch template id, ARN for Auto Scaling). */
  readonly resourceIdOf: (subject: S) => string;
  readonly evaluate: (subject: S, params: P, now: Date) => Verdict;
}

/** A rule with one subject per account and region (evaluated as AWS::::Account). */
export interface AccountRule<P, S> {
  readonly definition: RuleDefinition<P>;
  readonly load: (ctx: RuleContext<P>) => Promise<S>;
  readonly evaluate: (subject: S, params: P, now: Date) => Verdict;
}
