import { RULE_ENTRIES } from '../../lambda/rules/catalog';
import { DEFAULTS, MAX_CONCURRENCY, MAX_USAGE_DAYS } from './args';
import { RULE_FLAGS, type RuleFlag } from './rule-flags';
import { helpWidth, optionLine, wrap } from '../common/help-text';

/** Each rule's resources in words ("launch templates"), from its catalog entry. */
const RULE_LABELS: Readonly<Record<string, string>> = Object.fromEntries(RULE_ENTRIES.map((e) => [e.definition.id, `${e.scan.label}s`]));


function show(v: unknown): string {
  if (v === undefined) return 'not set';
  return Array.isArray(v) ? v.join(',') : String(v);
}

/** "default: not set; launch configurations: 1", from each rule's own default. */
function defaultsText(f: RuleFlag): string {
  const groups = new Map<string, string[]>();
  for (const [rule, v] of f.defaults) groups.set(show(v), [...(groups.get(show(v)) ?? []), RULE_LABELS[rule] ?? rule]);
  if (groups.size === 1) return `default ${[...groups.keys()][0]}`;
  const [first, ...rest] = [...groups.entries()].sort((a, b) => b[1].length - a[1].length);
  return [`default ${first[0]}`, ...rest.map(([v, rules]) => `${rules.join(', ')}: ${v}`)].join('; ');
}

function ruleFlagLines(width: number): string[] {
  const out: string[] = [];
  for (const f of RULE_FLAGS) {
    // Booleans are shown the way that changes the default.
    const on = f.kind === 'boolean' && [...f.defaults.values()].every((d) => d === true);
    const name =
      f.kind === 'boolean' ? (on ? `--no-${f.flag}` : `--${f.flag}`) : `--${f.flag} ${f.kind === 'list' ? (f.allowed ?? []).join('|') : f.kind === 'integer' ? 'N' : 'KEY'}`;
    const applies = `[${f.rules.map((r) => RULE_LABELS[r] ?? r).join(', ')}; ${defaultsText(f)}]`;
    // The rule describes the parameter when true; a --no- flag turns that off.
    const text = on ? `Turn off: ${f.description}` : f.description;
    out.push(optionLine(name, `${text} ${applies}`, width));
  }
  return out;
}

export function scanHelp(width = 100): string {
  const w = helpWidth(width);
  const opt = (name: string, text: string) => optionLine(name, text, w);
  return [
    'Usage: imdsv2-guard scan [options]',
    '',
    wrap(
      'Lists every EC2 instance, launch template, launch configuration and Auto Scaling group that still ' +
        "allows IMDSv1, and each region's account default, judged by the same evaluators the imdsv2-guard " +
        'AWS Config rules run. Read-only: only Describe*/Get* calls (and CloudWatch GetMetricData with --usage).',
      w,
      0,
    ),
    '',
    'AWS:',
    opt('--profile NAME', 'Named profile from your AWS config (default: the standard credential chain and region).'),
    opt('--region REGION', 'Region to scan; repeat (or comma-separate) for several, or "all" for every region enabled in each account. Default: AWS_REGION or the profile\'s region.'),
    opt('--endpoint-url URL', 'Send every call to this endpoint (e.g. a local emulator).'),
    opt('--concurrency N', `Account/regions scanned at the same time, across the whole run (1-${MAX_CONCURRENCY}, default ${DEFAULTS.concurrency}).`),
    opt('--max-attempts N', `Attempts per AWS call, with adaptive retry on throttling (default ${DEFAULTS.maxAttempts}).`),
    '',
    'Accounts (default: only the account of your credentials):',
    opt('--org', "Every ACTIVE account of the organization (Organizations ListAccounts: run from the management account or a delegated administrator). Your own account is scanned with your own credentials, every other one through --role-name."),
    opt('--account ID', 'Scan this account instead (repeatable, or comma-separated); needs --role-name.'),
    opt('--role-name NAME', 'Role to assume in each other account: arn:<partition>:iam::<id>:role/NAME (a path is allowed: ops/ReadOnly). It needs read-only access (ReadOnlyAccess covers it).'),
    opt('--external-id ID', 'ExternalId for the AssumeRole calls, if the roles require one.'),
    '',
    'Output:',
    opt('--format table|json|csv|html', 'table (default): rows grouped by owner, then a summary per region, per account, and what was not scanned. json, csv: one record per resource, with its accountId. html: one self-contained page (charts, riskiest first, fix commands, coverage) to share.'),
    opt('--all', 'Also list compliant and not-applicable (exempt, terminated) resources. Default: only what needs work.'),
    opt('--owner-tag KEY', `Tag key that names a resource's owner (default ${DEFAULTS.ownerTag}).`),
    opt('--usage', "Add each listed instance's CloudWatch MetadataNoToken sum (IMDSv1 calls served): 0 means it can be switched to IMDSv2 now without breaking a caller we saw."),
    opt('--usage-days N', `Window for --usage in days (1-${MAX_USAGE_DAYS}, default ${DEFAULTS.usageDays}).`),
    opt('--no-progress', 'No progress on stderr (default: a progress bar on a terminal, a line per region otherwise).'),
    opt('-h, --help', 'This help.'),
    '',
    'Rule parameters (same names, values and defaults as the Config rules\' parameters):',
    ...ruleFlagLines(w),
    '',
    'Ranking:',
    wrap(
      'Resources whose instances carry an IAM instance profile come first: IMDSv1 lets anything that can make ' +
        'the instance send a request (SSRF) read that role\'s credentials. The ranking is by the presence of an ' +
        'instance profile only; it does not read the role\'s policies. Then by owner, type, region and id.',
      w,
      0,
    ),
    '',
    'Exit status:',
    '  0  every account/region was scanned, and everything is compliant (or exempt / not applicable)',
    '  1  something is non-compliant, or could not be verified (e.g. an unreadable account default)',
    '  2  usage error, or nothing could be scanned at all (credentials, listing the organization, every',
    '     account/region refused: the message names the refused action)',
    '  3  incomplete: some account/regions could not be scanned (role not assumable, region not enabled,',
    '     refused call: listed with the fix on stderr and in the report), and nothing scanned needs work',
    '',
    'Examples:',
    '  npx imdsv2-guard scan --region all',
    '  npx imdsv2-guard scan --profile prod --region eu-west-1 --region us-east-1 --usage --format csv > imdsv1.csv',
    '  npx imdsv2-guard scan --max-hop-limit 1 --exemption-tag-key imdsv2-exempt-until --format json',
    '  npx imdsv2-guard scan --org --role-name ImdsScanReadOnly --region all --format html > imdsv2.html',
  ].join('\n');
}

export function mainHelp(): string {
  return [
    'Usage: imdsv2-guard <command> [options]',
    '',
    'Commands:',
    '  scan        Inventory IMDSv1 exposure across regions and accounts (read-only). See: imdsv2-guard scan --help',
    '  report      The same report from an AWS Config aggregator (--aggregator NAME). See: imdsv2-guard report --help',
    '  doctor      Check that detection works per account and region, and StackSet rollout status (read-only). See: imdsv2-guard doctor --help',
    '',
    'Options:',
    '  -h, --help      This help.',
    '  -v, --version   Print the version.',
  ].join('\n');
}
