/**
 * What a rule's remediation needs, as plain data: the document's resource parameter, the TypeScript
 * step it invokes (if any), and every IAM action of the automation role and of the function role with
 * the resources they apply to. The CDK construct (lib/remediation/) builds the roles from this and
 * nothing else, so a permission is added in one place, and the tests read it back from the template.
 * CDK-free: it lives beside the rules so that a rule folder holds its whole story.
 */

/** A resource an action is granted on; `*` where the action supports no resource-level permission. */
export type GrantResource =
  | '*'
  | 'instance'
  | 'launch-template'
  | 'auto-scaling-group'
  | 'launch-configuration'
  | 'role'
  | 'helper-function';

export interface Grant {
  /** @default 'Allow'. A Deny narrows an Allow whose resource cannot be narrowed itself (RunInstances spans many resource types). */
  readonly effect?: 'Allow' | 'Deny';
  readonly actions: readonly string[];
  readonly resource: GrantResource;
  /** IAM condition block, with `${Partition}`/`${Region}`/`${Account}` left to the construct. */
  readonly conditions?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
  /** Why the grant is this wide: read by the cdk-nag acknowledgement when it uses a wildcard. */
  readonly why: string;
}

export interface HelperFunction {
  /** Folder under lambda/remediation/ holding handler.ts. */
  readonly entry: string;
  /** Document parameter naming the function; the construct sets its default to the deployed function. */
  readonly parameter: string;
  readonly description: string;
  readonly grants: readonly Grant[];
  /** Seconds; the aws:invokeLambdaFunction step allows at most 300. */
  readonly timeoutSeconds: number;
}

export interface RemediationSpec {
  /** The rule id, which is also the document's (remediations/<id>.yaml). */
  readonly id: string;
  /** AWS Config resource type the remediation applies to: the rule's own. */
  readonly resourceType: string;
  /** Document parameter bound to AWS Config's RESOURCE_ID; none for an account-level rule. */
  readonly resourceIdParameter?: string;
  readonly helper?: HelperFunction;
  /** The automation role's grants (what the document's own steps call, and invoking the helper). */
  readonly grants: readonly Grant[];
}

/** The `why` of a grant on Describe/Get actions that IAM cannot scope. */
export const NO_RESOURCE_LEVEL = 'These Describe/Get actions support no resource-level permissions, so IAM requires Resource "*".';

/** The automation role may invoke its document's helper function, and no other. */
export const INVOKE_HELPER: Grant = { actions: ['lambda:InvokeFunction'], resource: 'helper-function', why: 'Only the document\'s own helper function.' };
