import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { EC2Client } from '@aws-sdk/client-ec2';
import { join } from 'node:path';
import { clip, formatRow } from '../common/table';
import { BufferStream } from '../io';
import { MotoMissingError, startFront, startLocalMoto, type Front, type LocalMoto } from '../local/aws';
import { main as cli } from '../imdsv2-guard';
import { splitAnnotation } from '../scan/report';
import {
  groupChange,
  instanceChange,
  launchConfigurationChange,
  launchTemplateChange,
  sweepEvent,
  type EventContext,
  type RuleInvocation,
} from './config-events';
import { remediationTable, runRemediations, unexpected } from './remediate';
import { ensureBundles, lambdaContext, loadHandler, type SentEvaluation } from './rules';
import { DEMO_REGIONS, EXEMPTION_TAG, seedEstate } from './seed';

/**
 * `npm run demo`: the main job, on a local emulator. Starts moto, seeds a payments company's
 * estate, runs `scan` on it, feeds the deployed rule bundles Config events built from the same
 * state and prints what they send, then runs the remediation documents on a few resources with
 * the local Automation runner and shows the verdicts before and after. Nothing leaves this
 * machine: every client points at the local front, with fake credentials.
 */

const root = join(__dirname, '..', '..');
const ACCOUNT = '123456789012'; // moto's account
const REGION = 'us-east-1';
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
const say = (text = '') => process.stdout.write(`${text}\n`);
const rule = (text: string) => say(`\n${'━'.repeat(4)} ${text} ${'━'.repeat(Math.max(4, 96 - text.length))}`);

// Same parameters for the scan (as flags) and the rules (as ruleParameters): same verdicts expected.
const PARAMETERS: Record<string, Record<string, string>> = {
  'imdsv2-instance': { exemptionTagKey: EXEMPTION_TAG },
  'imdsv2-launch-template': { exemptionTagKey: EXEMPTION_TAG },
  'imdsv2-launch-configuration': {},
  'imdsv2-auto-scaling-group': { exemptionTagKey: EXEMPTION_TAG },
  'imdsv2-account-defaults': {},
};

function isolateFromRealAws(endpoint: string): void {
  // Fake credentials and a local endpoint for everything this process creates, the rule bundles included.
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: REGION,
    AWS_DEFAULT_REGION: REGION,
    AWS_ENDPOINT_URL: endpoint,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: join(root, '.demo-no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(root, '.demo-no-aws-credentials'),
    // The handlers log every batch at INFO in JSON; the demo prints what they return instead.
    POWERTOOLS_LOG_LEVEL: 'WARN',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
}

function evaluationLine(e: SentEvaluation, label: string, width: number): string {
  // Fixed widths: the lines are printed one by one as each rule answers.
  const head = formatRow([label, e.ComplianceType, ''], [46, 14], { indent: '    ', gap: ' ' });
  return head + clip(splitAnnotation(e.Annotation).reason, Math.max(40, width - head.length));
}

interface ScanVerdict {
  readonly verdict: string;
  readonly annotation: string;
}

async function scanStep(front: Front): Promise<Map<string, ScanVerdict>> {
  const args = ['scan', '--endpoint-url', front.url, ...DEMO_REGIONS.flatMap((r) => ['--region', r]), '--exemption-tag-key', EXEMPTION_TAG, '--usage'];
  rule('Step 1 · the scan');
  say(`$ npx imdsv2-guard ${args.join(' ')}\n`);
  const code = await cli(args, { stdout: process.stdout, stderr: process.stderr });
  say(`(exit status ${code}: ${code === 1 ? 'non-compliant resources found, as a CI gate would report' : code === 0 ? 'all compliant' : 'error'})`);
  if (code === 2) throw new Error('the scan failed (see above)');

  // The same scan as JSON, kept to compare with what the rules send in step 2.
  const json = new BufferStream();
  await cli([...args.filter((a) => a !== '--usage'), '--format', 'json', '--all', '--no-progress'], { stdout: json, stderr: new BufferStream() });
  const parsed = JSON.parse(json.text) as { resources: Array<{ resourceType: string; id: string; verdict: string; annotation: string; region: string }> };
  return new Map(parsed.resources.filter((r) => r.region === REGION).map((r) => [`${r.resourceType}|${r.id}`, { verdict: r.verdict, annotation: r.annotation }]));
}

async function rulesStep(front: Front, estate: Awaited<ReturnType<typeof seedEstate>>, scan: Map<string, ScanVerdict>): Promise<void> {
  rule('Step 2 · the Config rules, as deployed');
  const built = ensureBundles(root);
  say(`Bundles: dist/lambda/<id>/index.js${built ? ` (built just now: ${built})` : ''}, loaded and invoked as Lambda would.`);
  say(`Events: built from the emulator's state as AWS Config sends them (invokingEvent and ruleParameters as JSON strings, a non-TESTMODE resultToken).`);
  say(`Region ${REGION}. PutEvaluations and GetComplianceDetailsByConfigRule are answered by the local front's Config stand-in (moto lacks them).`);

  const ctx: EventContext = { accountId: ACCOUNT, region: REGION, now: new Date() };
  const ec2 = new EC2Client({ region: REGION, endpoint: front.url });
  const asg = new AutoScalingClient({ region: REGION, endpoint: front.url });
  const id = (name: string) => estate.instances.get(name) ?? '';
  let invocations: RuleInvocation[];
  try {
    invocations = [
      await instanceChange(ec2, ctx, PARAMETERS['imdsv2-instance'], id('payments-api-1')),
      await instanceChange(ec2, ctx, PARAMETERS['imdsv2-instance'], id('bastion-1')),
      await instanceChange(ec2, ctx, PARAMETERS['imdsv2-instance'], id('legacy-report-1')),
      sweepEvent(ctx, 'imdsv2-instance', PARAMETERS['imdsv2-instance']),
      await launchTemplateChange(ec2, ctx, PARAMETERS['imdsv2-launch-template'], estate.launchTemplates.get('payments-api-lt') ?? ''),
      sweepEvent(ctx, 'imdsv2-launch-template', PARAMETERS['imdsv2-launch-template']),
      await launchConfigurationChange(asg, ctx, PARAMETERS['imdsv2-launch-configuration'], 'ledger-batch-lc-v7'),
      sweepEvent(ctx, 'imdsv2-launch-configuration', PARAMETERS['imdsv2-launch-configuration']),
      await groupChange(asg, ctx, PARAMETERS['imdsv2-auto-scaling-group'], 'payments-api-asg'),
      sweepEvent(ctx, 'imdsv2-auto-scaling-group', PARAMETERS['imdsv2-auto-scaling-group']),
      sweepEvent(ctx, 'imdsv2-account-defaults', PARAMETERS['imdsv2-account-defaults']),
    ];
  } finally {
    ec2.destroy();
    asg.destroy();
  }

  // AWS Config still holds a result for an instance deleted last week: the sweep must clear it.
  const deleted = 'i-0d1e7e7ed0000dead';
  front.config.seedResults('imdsv2-instance', [{ resourceType: 'AWS::EC2::Instance', resourceId: deleted, complianceType: 'NON_COMPLIANT', annotation: 'Does not require IMDSv2: HttpTokens=optional.' }]);

  const width = Math.min(process.stdout.columns ?? 140, 160);
  let compared = 0;
  let identical = 0;
  let current = '';
  for (const inv of invocations) {
    if (inv.ruleId !== current) {
      current = inv.ruleId;
      say(`\n  ${inv.ruleId}   ruleParameters ${JSON.stringify(PARAMETERS[inv.ruleId])}`);
    }
    front.config.ruleForToken(String(inv.event.resultToken), inv.ruleId);
    const sent = await loadHandler(root, inv.ruleId)(inv.event, lambdaContext());
    for (const e of sent) {
      const seen = scan.get(`${e.ComplianceResourceType}|${e.ComplianceResourceId}`);
      if (seen) {
        compared += 1;
        if (seen.verdict === e.ComplianceType && seen.annotation === e.Annotation) identical += 1;
      }
    }
    if (inv.kind === 'change') {
      for (const e of sent) say(evaluationLine(e, `change  ${inv.label}`, width));
      continue;
    }
    const tally = new Map<string, number>();
    for (const e of sent) tally.set(e.ComplianceType, (tally.get(e.ComplianceType) ?? 0) + 1);
    const counts = [...tally.entries()].map(([k, n]) => `${n} ${k}`).join(', ');
    say(`    sweep   ${sent.length} evaluation(s) sent: ${counts}`);
    // Show the verdicts worth reading: the account, stale clean-ups, and a few non-compliant ones.
    const stale = sent.filter((e) => e.ComplianceResourceId === deleted);
    const shown = inv.ruleId === 'imdsv2-account-defaults' ? sent : [...sent.filter((e) => e.ComplianceType === 'NON_COMPLIANT').slice(0, 2), ...stale];
    for (const e of shown) say(evaluationLine(e, `        ${e.ComplianceResourceId.replace(/^arn:aws:autoscaling:[^/]+\//, '…/')}`, width));
    const rest = sent.length - shown.length;
    if (rest > 0) say(`            … and ${rest} more (every resource of the type, as in the scan above)`);
  }
  const storedInstanceResults = front.config.results('imdsv2-instance').length;
  say(`\n  Same evaluators, same answers: ${identical} of ${compared} evaluations the rules sent match the scan's verdict and annotation word for word.`);
  say(`  AWS Config (stand-in) now holds ${storedInstanceResults} current result(s) for imdsv2-instance; ${deleted} was cleared by the sweep.`);
  if (identical !== compared) throw new Error(`${compared - identical} evaluation(s) differ between the scan and the rules`);
}

async function remediationStep(front: Front, estate: Awaited<ReturnType<typeof seedEstate>>): Promise<void> {
  rule('Step 3 · remediation: the SSM Automation documents, before and after');
  const stepStarted = Date.now();
  say('SSM Automation does not run locally, so a local runner (cli/local/automation) executes remediations/<id>.yaml step by step:');
  say('  aws:executeAwsApi / assertAwsResourceProperty / waitForAwsResourceProperty go through the AWS SDK to moto (via the front),');
  say('  aws:branch is decided by the runner, and aws:invokeLambdaFunction calls the TypeScript functions (lambda/remediation/*)');
  say('  in this process. Waits poll without sleeping. The assumeRole is not assumed (fake local credentials).');
  say('Stand-ins: Auto Scaling StartInstanceRefresh / DescribeInstanceRefreshes (moto answers HTTP 500) by cli/local/aws/instance-refresh.ts,');
  say('  which replaces the group\'s instances through moto as a refresh would; EC2 Get/ModifyInstanceMetadataDefaults and');
  say('  Config GetResourceConfigHistory by the local front (cli/local/aws).');
  say(`Verdicts before and after: the rules' own listPages + evaluate, as in the scan, with the same parameters (region ${REGION}).\n`);

  const rows = await runRemediations({ front, estate, region: REGION, accountId: ACCOUNT, parameters: PARAMETERS });
  const width = Math.min(process.stdout.columns ?? 140, 160);
  for (const line of remediationTable(rows, width)) say(line);

  const fixed = rows.filter((r) => r.before === 'NON_COMPLIANT' && r.after === 'COMPLIANT').length;
  const stopped = rows.filter((r) => r.outcome === 'stopped').length;
  const failed = rows.filter((r) => r.outcome === 'failed').length;
  say(
    `\n  ${rows.length} executions in ${((Date.now() - stepStarted) / 1000).toFixed(1)} s: ${fixed} NON_COMPLIANT → COMPLIANT, ` +
      `${stopped} stopped by the IMDSv1 safety gate (rerun with Force=true once the software uses IMDSv2), ${failed} failed.`,
  );
  const wrong = unexpected(rows);
  if (wrong.length > 0) {
    throw new Error(`remediation did not do what the demo expects for: ${wrong.map((r) => `${r.resource} (${r.document}: ${r.outcome}, ${r.before} → ${r.after})`).join('; ')}`);
  }
}

async function demo(): Promise<void> {
  let moto: LocalMoto | undefined;
  let front: Front | undefined;
  const cleanUp = async () => {
    await front?.stop();
    await moto?.stop();
  };
  // Ctrl-C: stop moto before going (it runs in its own process group, so it would not get the signal).
  process.once('SIGINT', () => {
    process.stderr.write('\ninterrupted: stopping moto_server\n');
    void cleanUp().finally(() => process.exit(130));
  });
  try {
    say('imdsv2-guard demo: the scan, the Config rules and the remediation documents on a local AWS emulator (moto). Nothing here reaches AWS.');
    moto = await startLocalMoto();
    front = await startFront({ upstream: moto.url });
    isolateFromRealAws(front.url);
    say(`moto_server ${moto.url} (pid ${moto.pid}); local front ${front.url} (cli/local/aws) answers the operations moto lacks`);
    say('  (EC2 Get/ModifyInstanceMetadataDefaults, Config PutEvaluations, GetComplianceDetailsByConfigRule and GetResourceConfigHistory, …)');
    say('  and forwards the rest.');

    const estate = await seedEstate(front.url, moto.url);
    const c = estate.counts;
    say(
      `Seeded a payments company's estate in ${DEMO_REGIONS.join(' and ')}: ${c.instances} instances, ${c.launchTemplates} launch templates, ` +
        `${c.launchConfigurations} launch configurations, ${c.groups} Auto Scaling groups, MetadataNoToken data for ${c.metricSeries} instances (${elapsed()}).`,
    );

    const scan = await scanStep(front);
    await rulesStep(front, estate, scan);
    await remediationStep(front, estate);
    say(`\nDone in ${elapsed()}. moto stopped; nothing left running.`);
  } finally {
    await cleanUp();
  }
}

demo().then(
  () => {
    process.exitCode = 0;
  },
  (error: unknown) => {
    const message = error instanceof MotoMissingError ? error.message : `demo failed: ${(error as Error)?.stack ?? String(error)}`;
    process.stderr.write(`\n${message}\n`);
    process.exitCode = 1;
  },
);
