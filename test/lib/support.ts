import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App, CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** The context `cdk synth` starts from, so tests build what the CLI builds. */
export const CDK_JSON_CONTEXT: Record<string, unknown> = JSON.parse(
  readFileSync(path.join(REPO_ROOT, 'cdk.json'), 'utf8'),
).context;

/** No stack is bundled: the handler entry must still exist, but esbuild does not run. */
export const SKIP_BUNDLING = { 'aws:cdk:bundling-stacks': [] as string[] };

export function testApp(context: Record<string, unknown> = {}): App {
  return new App({ context: { ...CDK_JSON_CONTEXT, ...SKIP_BUNDLING, ...context } });
}

/** The logical id of a CloudFormation element, or of an L2 construct's default child. */
export function logicalId(construct: IConstruct): string {
  const element = CfnElement.isCfnElement(construct) ? construct : construct.node.defaultChild;
  return Stack.of(construct).getLogicalId(element as CfnElement);
}

type Statement = { Action: string | string[]; Resource: unknown; Effect: string };

/** Every statement granted to a role: its inline policies and any AWS::IAM::Policy attached to it. */
export function statementsOf(template: Template, roleLogicalId: string): Statement[] {
  const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: any }>;
  const role = resources[roleLogicalId];
  const inline = (role.Properties.Policies ?? []).flatMap((p: any) => p.PolicyDocument.Statement);
  const attached = Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((x: any) => x.Ref === roleLogicalId))
    .flatMap((r) => r.Properties.PolicyDocument.Statement);
  return [...inline, ...attached];
}

export function actionsOf(statements: Statement[]): string[] {
  return statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])).sort();
}

/** Asset hashes change with every source edit and CDK release; the snapshot is about the shape. */
export function normaliseAssetHashes(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value).replace(/[0-9a-f]{64}/g, '<asset-hash>'));
}
