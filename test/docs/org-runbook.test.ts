import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { parseDoctorArgs } from '../../cli/doctor/args';
import { configureApp } from '../../lib/guard-app';
import { addGuardrailsFromContext } from '../../lib/guardrails/guardrails-context';
import { Imdsv2GuardMemberStack } from '../../lib/stackset/imdsv2-guard-member-stack';
import { addManagementFromContext, managementConfigFromContext } from '../../lib/stackset/management-context';
import { MemberTemplate } from '../../lib/stackset/member-template';
import { CDK_JSON_CONTEXT, REPO_ROOT, SKIP_BUNDLING } from '../lib/support';
import { awsCliAccepts, words } from '../support/aws-cli';
import { FAKE_CODE_VERSIONS, FAKE_HELPER_KEYS, FAKE_KEYS } from '../stackset/support';
import { sectionOf } from './markdown';

/**
 * Every command of docs/org-runbook.md, of the pages on deploying, remediation, the organization and the
 * guardrails (docs/deploy.md, docs/remediation.md, docs/organization.md, docs/guardrails.md) and of the
 * README's short versions of them, is checked against the CLI it calls; a command of a kind this test
 * does not know fails it, so nothing in those pages goes unchecked:
 * - `aws …`: run by the real AWS CLI against an endpoint that refuses connections. The CLI parses
 *   the command and validates the parameters against the service model before it connects, so
 *   "Could not connect to the endpoint URL" means the command is well formed; an unknown option, a
 *   bad value or a missing argument fails earlier with its own message.
 * - `npx imdsv2-guard …`: parsed by the CLI's own argument parser.
 * - `npx cdk deploy|destroy …`: the app is built (bin/app.ts's three calls) with cdk.json's context,
 *   the runbook's settings block and the `-c` values, and every stack pattern must name a stack of it.
 * - `npx cdk bootstrap aws://<account>/<region>`: the environment is well formed.
 * - `npm run <script>` without arguments (named in passing: build, demo): the script exists; other
 *   suites run them.
 * - `npm run package:stackset -- …`: run for real, up to reading the bundles (from an empty
 *   directory here), so its arguments were parsed and its bucket names checked.
 */

const read = (...path: string[]) => readFileSync(join(REPO_ROOT, ...path), 'utf8');
const RUNBOOK = read('docs', 'org-runbook.md');
const README = read('README.md');
/**
 * The pages about deploying, doctor, remediation, the organization rollout and the guardrails: their
 * block commands and their inline ones (the runbook's block commands are read on their own, below).
 * The scan's examples (README "Scan", docs/scan.md) are not among them: the scan and report parsers are
 * tested in test/cli/.
 */
const PAGES = [
  sectionOf(README, '## Deploy'),
  sectionOf(README, '## Organization-wide'),
  sectionOf(README, '## Remediation'),
  sectionOf(README, '## Prevent: guardrails'),
  sectionOf(README, '### Check readiness: `doctor`'),
  read('docs', 'deploy.md'),
  read('docs', 'remediation.md'),
  read('docs', 'organization.md'),
  read('docs', 'guardrails.md'),
].join('\n');

function blocks(text: string, langs: readonly string[]): string[] {
  return [...text.matchAll(/```(\w*)\n([\s\S]*?)```/g)].filter((m) => langs.includes(m[1])).map((m) => m[2]);
}

/** The line without a trailing `# comment` (a `#` inside single quotes is kept). */
function withoutComment(line: string): string {
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === "'") quoted = !quoted;
    else if (line[i] === '#' && !quoted && (i === 0 || /\s/.test(line[i - 1]))) return line.slice(0, i).trim();
  }
  return line;
}

/**
 * Each command of the shell blocks: comments and blank lines dropped, `\` continuations joined, and a
 * single-quoted argument that spans lines kept whole.
 */
function commandsOf(text: string): string[] {
  const out: string[] = [];
  for (const block of blocks(text, ['sh', 'bash'])) {
    let pending = '';
    for (const raw of block.replace(/\\\n\s*/g, ' ').split('\n')) {
      const line = pending ? `${pending} ${raw.trim()}` : raw.trim();
      if ((line.match(/'/g) ?? []).length % 2 === 1) {
        pending = line;
        continue;
      }
      pending = '';
      const command = withoutComment(line);
      if (command !== '') out.push(command);
    }
    if (pending) throw new Error(`unterminated quote in: ${pending}`);
  }
  return out;
}

/** Placeholders of the pages' inline commands, and the example values they stand for. */
const PLACEHOLDERS: ReadonlyArray<[RegExp, string]> = [
  [/<id>/g, '111122223333'],
  [/<role-arn>/g, 'arn:aws:iam::111122223333:role/ConfigAggregator'],
  [/p-…/g, 'p-abcd1234'],
  [/ou-…/g, 'ou-ab12-cdefgh34'],
  [/r-xxxx/g, 'r-ab12'],
  [/<account-id>/g, '111122223333'],
  [/<region>/g, 'us-east-1'],
  [/i-0abc…|i-…/g, 'i-0abc1234567890def'],
  [/lt-…/g, 'lt-0abc1234567890def'],
  [/--http-endpoint <was>/g, '--http-endpoint enabled'],
  [/--http-put-response-hop-limit <was>/g, '--http-put-response-hop-limit 2'],
  [/<previous>/g, '3'],
  [/<g>/g, 'payments-api-asg'],
  [/<lc>/g, 'ledger-batch-lc-v7'],
];

/** Commands written inline (`aws …`, `npx …`, `npm run …` in backticks), placeholders filled in. */
function inlineCommandsOf(text: string): string[] {
  return [...text.matchAll(/`((?:aws|npx|npm run) [^`]+)`/g)].map((m) => PLACEHOLDERS.reduce((c, [p, v]) => c.replace(p, v), m[1].replace(/\s+/g, ' ').trim()));
}

/** Commands the pages show as refused, on purpose. */
const REFUSED = new Set(['npm run package:stackset -- --bucket-prefix ACME']);

const COMMANDS = [...new Set([...commandsOf(RUNBOOK), ...commandsOf(PAGES), ...inlineCommandsOf(PAGES)])].filter((c) => !REFUSED.has(c));

/** The runbook's cdk.json settings. */
const SETTINGS = JSON.parse(blocks(RUNBOOK, ['json'])[0]) as Record<string, unknown>;


test('the runbook has the steps the issue asks for, and every command is of a kind this test checks', () => {
  for (const heading of ['Who needs `cdk bootstrap`', 'trusted access', 'Delegated administrators', 'Preflight', 'Package', 'The StackSet', 'Rollout status', 'Findings in Security Hub', 'Guardrails: review, then enforce', 'Teardown']) {
    expect(RUNBOOK).toContain(heading);
  }
  const unknown = COMMANDS.filter((c) => !/^(aws |npx imdsv2-guard |npx cdk (deploy|destroy|bootstrap) |npm run package:stackset( -- |$)|npm run [\w:-]+$)/.test(c));
  expect(unknown).toEqual([]);
  expect(COMMANDS.length).toBeGreaterThan(20);
});

test('the command the docs show as refused is refused, with one line naming the flag', () => {
  expect([...REFUSED].every((c) => inlineCommandsOf(PAGES).includes(c))).toBe(true);
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/package-stackset.ts', '--bucket-prefix', 'ACME'], { cwd: REPO_ROOT, encoding: 'utf8' });
  expect(r.status).toBe(1);
  expect(r.stderr.trim()).toBe('--bucket-prefix: "ACME" makes an invalid package bucket name: bucket "ACME-us-east-1" has uppercase letters (S3 allows lowercase only)');
});

test('the settings block is accepted by the management context reader', () => {
  const config = managementConfigFromContext(new App({ context: { ...CDK_JSON_CONTEXT, ...SETTINGS, 'imdsv2-guard:management': true } }).node);
  expect(config).toMatchObject({ assetBucketPrefix: 'acme-imdsv2-guard', regions: ['us-east-1', 'eu-west-1'], region: 'us-east-1' });
});

test('every `aws` command is accepted by the AWS CLI (it gets as far as connecting)', async () => {
  const awsCommands = COMMANDS.filter((c) => c.startsWith('aws '));
  expect(awsCommands.length).toBeGreaterThan(15);
  expect((await awsCliAccepts(awsCommands)).filter((v) => !v.ok)).toEqual([]);
}, 400_000);

test('every `npx imdsv2-guard` command parses', () => {
  const doctor = COMMANDS.filter((c) => c.startsWith('npx imdsv2-guard '));
  expect(doctor.length).toBeGreaterThanOrEqual(3);
  for (const c of doctor) {
    const [, , command, ...args] = words(c);
    expect([c, command]).toEqual([c, 'doctor']);
    expect(() => parseDoctorArgs(args.filter((a) => a !== '>' && !a.endsWith('.csv')))).not.toThrow();
  }
});

/** The member template as packaging produces it (placeholder keys), for the management stacks. */
const memberTemplate = (() => {
  const app = new App({ context: CDK_JSON_CONTEXT });
  const stack = new Imdsv2GuardMemberStack(app, 'Member', { functionKeys: FAKE_KEYS, helperKeys: FAKE_HELPER_KEYS, codeVersions: FAKE_CODE_VERSIONS });
  return MemberTemplate.fromTemplate('imdsv2-guard/0.1.0/imdsv2-guard-member-0123456789ab.template.json', Template.fromStack(stack).toJSON());
})();

test('every `npx cdk` command builds with its context and names stacks the app defines', () => {
  const cdk = COMMANDS.filter((c) => /^npx cdk (deploy|destroy) /.test(c));
  expect(cdk.length).toBeGreaterThanOrEqual(8);
  for (const c of cdk) {
    const [, , , ...rest] = words(c);
    const context: Record<string, string> = {};
    const patterns: string[] = [];
    for (let i = 0; i < rest.length; i++) {
      if (rest[i] === '-c' || rest[i] === '--context') {
        const [key, ...value] = rest[++i].split('=');
        context[key] = value.join('=');
      } else if (rest[i].startsWith('-')) {
        throw new Error(`${c}: flag ${rest[i]} is not checked by this test`);
      } else {
        patterns.push(rest[i]);
      }
    }
    const app = new App({ context: { ...CDK_JSON_CONTEXT, ...SETTINGS, ...SKIP_BUNDLING, ...context } });
    configureApp(app);
    addGuardrailsFromContext(app);
    addManagementFromContext(app, memberTemplate);
    const stacks = app.node.children.filter((s): s is Stack => Stack.isStack(s)).map((s) => s.stackName);
    expect(patterns.length).toBeGreaterThan(0);
    for (const p of patterns) {
      const glob = new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
      expect([c, p, stacks.some((s) => glob.test(s))]).toEqual([c, p, true]);
    }
  }
});

test.each(COMMANDS.filter((c) => c.startsWith('npm run package:stackset')))('`%s` parses and its bucket names pass (run up to reading the bundles)', (line) => {
  const scripts = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>;
  expect(scripts['package:stackset']).toContain('scripts/package-stackset.ts');
  const args = words(line).slice(4);
  const empty = mkdtempSync(join(tmpdir(), 'imdsv2-guard-runbook-lambda-'));
  try {
    const r = spawnSync(process.execPath, [join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/package-stackset.ts', ...args, '--lambda-dir', empty, '--out', join(empty, 'out')], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });
    expect(r.stderr).toContain('does not exist: run `npm run build` first');
    expect(r.status).toBe(1);
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});

test('every CloudFormation deploy of the member template grants CAPABILITY_NAMED_IAM (its remediation roles have fixed names)', () => {
  const deploys = COMMANDS.filter((c) => c.startsWith('aws cloudformation deploy') && c.includes('imdsv2-guard-member'));
  expect(deploys.length).toBeGreaterThan(0);
  expect(deploys.filter((c) => !/--capabilities[^-]*\bCAPABILITY_NAMED_IAM\b/.test(c))).toEqual([]);
});

test('every `npx cdk bootstrap` names one environment, aws://<account>/<region>', () => {
  const bootstraps = COMMANDS.filter((c) => c.startsWith('npx cdk bootstrap '));
  expect(bootstraps.length).toBeGreaterThan(0);
  expect(bootstraps.filter((c) => !/^npx cdk bootstrap aws:\/\/\d{12}\/[a-z]{2}(-[a-z]+)+-\d$/.test(c))).toEqual([]);
});

test('no command is left with a placeholder', () => {
  expect(COMMANDS.filter((c) => /<[a-z-]+>|…/.test(c))).toEqual([]);
});

test('every `npm run` names a script of package.json', () => {
  const scripts = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>;
  const named = COMMANDS.filter((c) => c.startsWith('npm run ')).map((c) => words(c)[2]);
  expect(named).toEqual(expect.arrayContaining(['build', 'demo', 'package:stackset']));
  expect(named.filter((n) => !(n in scripts))).toEqual([]);
});
