import { helpWidth, optionLine, wrap } from '../common/help-text';
import { DOCTOR_DEFAULTS } from './args';

export function doctorHelp(width = 100): string {
  const w = helpWidth(width);
  const opt = (name: string, text: string) => optionLine(name, text, w);
  return [
    'Usage: imdsv2-guard doctor [options]',
    '',
    wrap(
      'Checks, per account and region, everything the imdsv2-guard rules need: a configuration recorder that is on and ' +
        'records EC2 instances, launch templates, launch configurations and Auto Scaling groups; a delivery channel; the ' +
        'rules, with their last evaluation; remediation; Security Hub; the account default and HttpTokensEnforced. Each ' +
        'problem comes with the command that fixes it. With --stack-set, also lists the StackSet\'s instances. Read-only.',
      w,
      0,
    ),
    '',
    'AWS:',
    opt('--profile NAME', 'Named profile (default: the standard credential chain and region).'),
    opt('--region REGION', 'Region to check; repeat or comma-separate, or "all" for every region enabled in the account. Default: AWS_REGION or the profile\'s region.'),
    opt('--endpoint-url URL', 'Send every call to this endpoint (e.g. a local emulator).'),
    opt('--concurrency N', `Regions checked at the same time (1-32, default ${DOCTOR_DEFAULTS.concurrency}).`),
    opt('--max-attempts N', `Attempts per AWS call (default ${DOCTOR_DEFAULTS.maxAttempts}).`),
    '',
    'Accounts (default: the caller\'s own):',
    opt('--org', 'Every active account of the organization (Organizations ListAccounts, from the management account or a delegated administrator); needs --role-name.'),
    opt('--account ID', 'Only this account (repeat or comma-separate); needs --role-name for accounts other than your own.'),
    opt('--role-name NAME', 'Role assumed in each member account (ReadOnlyAccess is enough). An account whose role cannot be assumed is reported not ready, with the fix.'),
    opt('--external-id ID', 'External id for that AssumeRole.'),
    '',
    'What to expect:',
    opt('--rule-name-prefix P', 'The deployment\'s imdsv2-guard:ruleNamePrefix (default none). Rules are found as <P><id> and <P><id>-<control ids> (StackSet).'),
    opt('--rules a,b', 'Only these rule ids are expected (default all five).'),
    opt('--no-security-hub', 'Security Hub is not used here: report it off as a warning, not a problem.'),
    '',
    'Rollout:',
    opt('--stack-set NAME', 'Also list this StackSet\'s instances per account and region, with status and reason.'),
    opt('--stack-set-region R', 'The StackSet\'s own region (default: the first --region, or the default region).'),
    opt('--call-as SELF|DELEGATED_ADMIN', 'DELEGATED_ADMIN from a StackSets delegated administrator (default SELF).'),
    '',
    'Output:',
    opt('--format table|json', 'table (default): one row per check, then every problem with its fix. json: the same, with a "problems" list.'),
    opt('-h, --help', 'This help.'),
    '',
    'Exit status:',
    '  0  every account/region checked is ready (warnings allowed) and every StackSet instance is current',
    '  1  something is not ready, could not be checked, or a StackSet instance is not current',
    '  2  usage error or no usable credentials',
    '',
    'Examples:',
    '  npx imdsv2-guard doctor --region us-east-1 --region eu-west-1',
    '  npx imdsv2-guard doctor --region all --format json',
    '  npx imdsv2-guard doctor --org --role-name OrganizationAccountAccessRole --region us-east-1 --region eu-west-1',
    '  npx imdsv2-guard doctor --stack-set imdsv2-guard --stack-set-region us-east-1 --region us-east-1',
  ].join('\n');
}
