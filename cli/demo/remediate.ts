import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { EC2Client } from '@aws-sdk/client-ec2';
import { createClients, type Clients } from '../../lambda/kit/clients';
import type { KitLogger } from '../../lambda/kit/logger';
import { wrap } from '../common/help-text';
import { parseParameters } from '../../lambda/kit/parameters';
import type { ResourceRule } from '../../lambda/kit/rule-module';
import { createRemediationClients, type RemediationClients } from '../../lambda/remediation/common/clients';
import { makeHandler as gateHandler } from '../../lambda/remediation/imdsv1-usage-gate/handler';
import { makeHandler as versionHandler } from '../../lambda/remediation/launch-template-version/handler';
import { makeHandler as migrationHandler } from '../../lambda/remediation/migrate-launch-configuration/handler';
import { makeHandler as refreshGroupHandler } from '../../lambda/remediation/refresh-group/handler';
import { rule as accountRule } from '../../lambda/rules/imdsv2-account-defaults/handler';
import { rule as groupRule } from '../../lambda/rules/imdsv2-auto-scaling-group/handler';
import { rule as instanceRule } from '../../lambda/rules/imdsv2-instance/handler';
import { rule as launchConfigurationRule } from '../../lambda/rules/imdsv2-launch-configuration/handler';
import { rule as launchTemplateRule } from '../../lambda/rules/imdsv2-launch-template/handler';
import { renderColumns } from '../common/table';
import { loadDocument, runAutomation, SdkApiCaller, type RunResult } from '../local/automation';
import { InstanceRefreshStandIn, type Front } from '../local/aws';
import { groupChange, launchConfigurationChange, type EventContext, type RuleInvocation } from './config-events';
import type { SeededEstate } from './seed';

/**
 * Step 3 of the demo: the SSM Automation documents in remediations/ run by the local runner
 * (cli/local/automation) against the demo's moto, for a few representative NON_COMPLIANT
 * resources, each judged before and after by the rules' own listPages + evaluate (as the scan).
 */

export type Outcome = 'changed' | 'unchanged' | 'stopped' | 'failed';

export interface RemediationRow {
  readonly resource: string;
  readonly ruleId: string;
  readonly document: string;
  readonly outcome: Outcome;
  /** What changed, the gate's message, or why it failed. */
  readonly detail: string;
  readonly before: string;
  readonly after: string;
  /** Operations a stand-in answered during the execution, grouped by who answered them. */
  readonly standIns: readonly string[];
  /** What the demo expected (a row that differs means something broke). */
  readonly expected: { readonly outcome: Outcome; readonly after: string };
  readonly seconds: number;
}

export interface RemediationSetup {
  readonly front: Front;
  readonly estate: SeededEstate;
  readonly region: string;
  readonly accountId: string;
  /** The rules' parameters, as the scan and step 2 used them. */
  readonly parameters: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const silent: KitLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Function names the documents default to → the TypeScript handlers, run in this process. */
export const LOCAL_FUNCTIONS = {
  'imdsv2-guard-imdsv1-usage-gate': 'lambda/remediation/imdsv1-usage-gate',
  'imdsv2-guard-launch-template-version': 'lambda/remediation/launch-template-version',
  'imdsv2-guard-migrate-launch-configuration': 'lambda/remediation/migrate-launch-configuration',
  'imdsv2-guard-refresh-group': 'lambda/remediation/refresh-group',
} as const;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const RESOURCE_RULES: Readonly<Record<string, ResourceRule<any, any>>> = {
  'imdsv2-instance': instanceRule,
  'imdsv2-launch-template': launchTemplateRule,
  'imdsv2-launch-configuration': launchConfigurationRule,
  'imdsv2-auto-scaling-group': groupRule,
};

interface Judged {
  readonly verdict: string;
  readonly annotation: string;
  readonly gone?: boolean;
}

/** The rule's verdict on one resource, exactly as the scan reaches it: listPages, then evaluate. */
async function judge(setup: RemediationSetup, clients: Clients, ruleId: string, resourceId: string): Promise<Judged> {
  const now = new Date();
  const base = { clients, region: setup.region, accountId: setup.accountId };
  if (ruleId === accountRule.definition.id) {
    const params = parseParameters(accountRule.definition.parameters, setup.parameters[ruleId] ?? {});
    const v = accountRule.evaluate(await accountRule.load({ ...base, params }), params, now);
    return { verdict: v.complianceType, annotation: v.annotation };
  }
  const rule = RESOURCE_RULES[ruleId];
  const params = parseParameters(rule.definition.parameters, setup.parameters[ruleId] ?? {});
  for await (const page of rule.listPages({ ...base, params })) {
    for (const subject of page) {
      if (rule.resourceIdOf(subject) !== resourceId) continue;
      const v = rule.evaluate(subject, params, now);
      return { verdict: v.complianceType, annotation: v.annotation };
    }
  }
  // Gone (deleted by the document): AWS Config's deletion notice makes the rule report NOT_APPLICABLE.
  return { verdict: 'NOT_APPLICABLE', annotation: 'The resource no longer exists.', gone: true };
}

interface Case {
  readonly resource: string;
  readonly ruleId: string;
  readonly resourceId: string;
  readonly document: string;
  readonly parameters: Readonly<Record<string, unknown>>;
  readonly expected: RemediationRow['expected'];
  /** What a successful execution did, in a few words. */
  readonly describe: (result: RunResult) => Promise<string> | string;
}

const payload = (result: RunResult, output: string): Record<string, any> => {
  try {
    return JSON.parse(String(result.outputs[output] ?? 'null')) ?? {};
  } catch {
    return {};
  }
};

/** The gate's own message from a failed CheckImdsV1Usage step (the runner prefixes step and function). */
function gateMessage(result: RunResult): string | undefined {
  if (result.failedStep !== 'CheckImdsV1Usage') return undefined;
  const m = /Imdsv1InUseError: (.*)$/s.exec(result.failureMessage ?? '');
  return m?.[1];
}

/** The AWS Config item of a change notification, recorded in the front's Config history. */
function recordInConfig(front: Front, invocation: RuleInvocation): string {
  const item = (JSON.parse(String(invocation.event.invokingEvent)) as { configurationItem: { resourceType: string; resourceId: string } }).configurationItem;
  front.config.recordConfigurationItem(item);
  return item.resourceId;
}

export async function runRemediations(setup: RemediationSetup): Promise<RemediationRow[]> {
  const settings = { region: setup.region, endpoint: setup.front.url, credentials };
  const ruleClients = createClients({ ...settings, maxAttempts: 2 });
  const fixClients: RemediationClients = createRemediationClients({ ...settings, maxAttempts: 2 });
  const api = new SdkApiCaller(settings);
  const ec2 = new EC2Client({ ...settings, maxAttempts: 2 });
  const autoscaling = new AutoScalingClient({ ...settings, maxAttempts: 2 });
  const refresh = new InstanceRefreshStandIn({ ec2, autoscaling });
  const deps = () => ({ clients: fixClients, logger: silent });
  const lambdas = {
    'imdsv2-guard-imdsv1-usage-gate': gateHandler(deps),
    'imdsv2-guard-launch-template-version': versionHandler(deps),
    'imdsv2-guard-migrate-launch-configuration': migrationHandler(deps),
    // StartInstanceRefresh/DescribeInstanceRefreshes answered by the local stand-in (moto lacks both).
    'imdsv2-guard-refresh-group': refreshGroupHandler(() => ({ ...deps(), refresh: refresh.refreshApi() as never })),
  };
  const ctx: EventContext = { accountId: setup.accountId, region: setup.region, now: new Date() };
  const id = (name: string) => {
    const v = setup.estate.instances.get(name);
    if (!v) throw new Error(`the seeded estate has no instance ${name}`);
    return v;
  };
  const label = (resourceId: string, name: string) => `${resourceId} (${name})`;

  try {
    // AWS Config has recorded the launch configuration and the group (they exist and were evaluated):
    // the documents read their names from that record, as they do in AWS.
    const lc = await launchConfigurationChange(autoscaling, ctx, {}, 'ledger-batch-lc-v7');
    const group = await groupChange(autoscaling, ctx, {}, 'payments-api-asg');
    const lcArn = recordInConfig(setup.front, lc);
    const groupArn = recordInConfig(setup.front, group);
    const riskLt = setup.estate.launchTemplates.get('risk-scoring-lt') ?? '';

    const instanceDone = (r: RunResult) => {
      const gate = payload(r, 'CheckImdsV1Usage.Payload');
      return (
        `gate open: ${String(gate.Reason ?? 'no IMDSv1 calls seen.')} ` +
        `Then HttpTokens=required, hop limit ${String(r.outputs['ReadMetadataOptions.CurrentHopLimit'])} and endpoint ${String(r.outputs['ReadMetadataOptions.HttpEndpoint'])} kept.`
      );
    };
    const cases: Case[] = [
      {
        resource: label(id('payments-api-3'), 'payments-api-3'),
        ruleId: 'imdsv2-instance',
        resourceId: id('payments-api-3'),
        document: 'imdsv2-instance',
        parameters: { InstanceId: id('payments-api-3') },
        expected: { outcome: 'changed', after: 'COMPLIANT' },
        describe: instanceDone,
      },
      {
        resource: label(id('payments-api-1'), 'payments-api-1'),
        ruleId: 'imdsv2-instance',
        resourceId: id('payments-api-1'),
        document: 'imdsv2-instance',
        parameters: { InstanceId: id('payments-api-1') },
        expected: { outcome: 'stopped', after: 'NON_COMPLIANT' },
        describe: instanceDone,
      },
      {
        resource: label(riskLt, 'risk-scoring-lt'),
        ruleId: 'imdsv2-launch-template',
        resourceId: riskLt,
        document: 'imdsv2-launch-template',
        parameters: { LaunchTemplateId: riskLt },
        expected: { outcome: 'changed', after: 'COMPLIANT' },
        describe: (r) => {
          const p = payload(r, 'CreateCompliantDefaultVersion.Payload');
          return `new default version v${p.DefaultVersion} made from v${p.PreviousDefaultVersion} with HttpTokens=required, all other data kept`;
        },
      },
      {
        resource: 'ledger-batch-lc-v7',
        ruleId: 'imdsv2-launch-configuration',
        resourceId: lcArn,
        document: 'imdsv2-launch-configuration',
        // No group launches from it once migrated: the demo lets the document delete it.
        parameters: { LaunchConfigurationArn: lcArn, DeleteLaunchConfiguration: true },
        expected: { outcome: 'changed', after: 'NOT_APPLICABLE (deleted)' },
        describe: async (r) => {
          const p = payload(r, 'MigrateToLaunchTemplate.Payload');
          const lt = await judge(setup, ruleClients, 'imdsv2-launch-template', String(p.LaunchTemplateId));
          const groups = (p.GroupsUpdated as string[] | undefined) ?? [];
          return (
            `migrated to launch template ${p.LaunchTemplateId} (${p.LaunchTemplateName}, ${lt.verdict} by imdsv2-launch-template); ` +
            `${groups.length ? `${groups.join(', ')} now launch${groups.length === 1 ? 'es' : ''} from it (running instances keep IMDSv1 until refreshed); ` : ''}` +
            `launch configuration ${p.LaunchConfigurationDeleted ? 'deleted (DeleteLaunchConfiguration=true)' : 'kept'}`
          );
        },
      },
      {
        resource: 'payments-api-asg',
        ruleId: 'imdsv2-auto-scaling-group',
        resourceId: groupArn,
        document: 'imdsv2-auto-scaling-group',
        parameters: { AutoScalingGroupArn: groupArn },
        expected: { outcome: 'changed', after: 'COMPLIANT' },
        describe: (r) => {
          const replaced = refresh.replacedBy(String(payload(r, 'StartReplacingImdsV1Instances.Payload').InstanceRefreshId ?? ''));
          return `instance refresh (stand-in) replaced ${replaced.length} instance(s) still accepting IMDSv1 with instances launched from the group's template`;
        },
      },
      {
        resource: `${setup.accountId} ${setup.region} default`,
        ruleId: 'imdsv2-account-defaults',
        resourceId: setup.accountId,
        document: 'imdsv2-account-defaults',
        parameters: {},
        expected: { outcome: 'changed', after: 'COMPLIANT' },
        describe: () => `the Region's default for new instances is now HttpTokens=required (hop limit and enforcement left as they were)`,
      },
    ];

    const rows: RemediationRow[] = [];
    for (const c of cases) {
      const started = Date.now();
      const before = await judge(setup, ruleClients, c.ruleId, c.resourceId);
      const callsBefore = setup.front.calls.length;
      const result = await runAutomation(loadDocument(c.document), {
        callApi: api.call,
        lambdas,
        standIns: refresh.handlers(),
        region: setup.region,
        accountId: setup.accountId,
        documentName: c.document,
        parameters: c.parameters,
      });
      const frontCalls = [...new Set(setup.front.calls.slice(callsBefore).filter((c) => c.answeredBy === 'front').map((c) => c.operation))];
      const runnerCalls = [...new Set(result.apiCalls.filter((a) => a.answeredBy === 'stand-in').map((a) => a.api))];
      const standIns = [
        ...(runnerCalls.length ? [`${runnerCalls.join(', ')} (cli/local/aws/instance-refresh.ts)`] : []),
        ...(frontCalls.length ? [`${frontCalls.join(', ')} (local front)`] : []),
      ];
      const after = await judge(setup, ruleClients, c.ruleId, c.resourceId);
      const gate = gateMessage(result);
      let outcome: Outcome;
      let detail: string;
      if (result.status === 'Success') {
        outcome = before.verdict === after.verdict && !after.gone ? 'unchanged' : 'changed';
        detail = await c.describe(result);
      } else if (gate !== undefined) {
        outcome = 'stopped';
        detail = gate;
      } else {
        outcome = 'failed';
        detail = `step ${result.failedStep}: ${result.failureMessage}`;
      }
      rows.push({
        resource: c.resource,
        ruleId: c.ruleId,
        document: c.document,
        outcome,
        detail,
        before: before.verdict,
        after: after.gone ? `${after.verdict} (deleted)` : after.verdict,
        standIns,
        expected: c.expected,
        seconds: (Date.now() - started) / 1000,
      });
    }
    return rows;
  } finally {
    api.destroy();
    for (const c of [ec2, autoscaling, ruleClients.ec2, ruleClients.autoscaling, ruleClients.config, fixClients.ec2, fixClients.autoscaling, fixClients.cloudwatch]) c.destroy();
  }
}

/** `text` wrapped to `width` columns, as lines that each start with `indent`. */
function wrapLines(text: string, width: number, indent: string): string[] {
  return `${indent}${wrap(text, width, indent.length)}`.split('\n');
}

const OUTCOME_TEXT: Record<Outcome, string> = {
  changed: 'changed',
  unchanged: 'ran, nothing to change',
  stopped: 'stopped by safety gate, nothing changed',
  failed: 'FAILED',
};

/** The before/after table: one line per execution and its detail (wrapped) under it. */
export function remediationTable(rows: readonly RemediationRow[], width = 140): string[] {
  const [head, ...lines] = renderColumns(
    [['RESOURCE', 'DOCUMENT', 'VERDICT BEFORE → AFTER', 'OUTCOME'], ...rows.map((r) => [r.resource, r.document, `${r.before} → ${r.after}`, OUTCOME_TEXT[r.outcome]])],
    { indent: '  ' },
  );
  const out = [head];
  for (const [i, r] of rows.entries()) {
    out.push(lines[i]);
    const detail = r.outcome === 'stopped' ? `"${r.detail}"` : r.detail;
    out.push(...wrapLines(`↳ ${detail}`, Math.max(60, width), '      ').map((l) => (l.startsWith('      ') ? l : `    ${l}`)));
    if (r.standIns.length) out.push(`      stand-ins: ${r.standIns.join('; ')}`);
  }
  return out;
}

/** Rows whose outcome or final verdict is not what the demo expects: something broke. */
export function unexpected(rows: readonly RemediationRow[]): RemediationRow[] {
  return rows.filter((r) => r.outcome !== r.expected.outcome || r.after !== r.expected.after);
}
