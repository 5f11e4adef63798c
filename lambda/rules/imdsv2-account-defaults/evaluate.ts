import type { Verdict } from '../../kit/verdict';
import { fitAnnotation, judgeMetadataOptions } from '../common/metadata-verdict';
import type { AccountDefaultsParameters } from './definition';
import type { AccountDefaultsSubject } from './subject';

function policyMessage(subject: AccountDefaultsSubject): string {
  const message = subject.managedExceptionMessage;
  if (typeof message !== 'string' || message === '') return '';
  return ` ("${message.length > 40 ? `${message.slice(0, 39)}…` : message}")`;
}

function lower(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value.toLowerCase() : undefined;
}

/**
 * Judges the region's instance metadata defaults. Only HttpTokens=required counts: a default of
 * HttpEndpoint=disabled is overridden by any launch that enables the endpoint, so it is no guarantee.
 */
export function evaluate(subject: AccountDefaultsSubject, params: AccountDefaultsParameters, _now: Date): Verdict {
  const tokens = lower(subject.httpTokens);
  const enforced = lower(subject.httpTokensEnforced);
  const endpoint = lower(subject.httpEndpoint);
  // GetInstanceMetadataDefaults leaves a field out for "no preference"; -1 is how the API writes it on input.
  const hopLimit = subject.hopLimit === -1 ? undefined : subject.hopLimit;
  const judgement = judgeMetadataOptions({ httpTokens: tokens, hopLimit }, params.maxHopLimit);

  // judgeMetadataOptions words an unset field for a launch source; for the account it means "no preference".
  const problems: Array<string | undefined> = judgement.problems.map((p) =>
    p.startsWith('HttpTokens not set') ? 'HttpTokens=no preference' : p,
  );
  const enforcementMissing = params.requireEnforcement && enforced !== 'enabled';
  // Always report enforcement: it is the lock that makes the default binding.
  const status = [
    tokens === 'required' ? 'HttpTokens=required' : undefined,
    hopLimit !== undefined && !judgement.hopLimitProblem ? `hop limit ${hopLimit}` : undefined,
    `HttpTokensEnforced=${enforced ?? 'not set'}${enforcementMissing ? ' (must be enabled)' : ''}`,
    endpoint === 'disabled' ? 'HttpEndpoint=disabled' : undefined,
  ];
  const facts = [...problems, ...status].filter((s): s is string => s !== undefined).join(', ');
  const byPolicy = subject.managedBy === 'declarative-policy';
  const head = [
    `${subject.region} defaults: ${facts}.`,
    byPolicy ? `Set by an organization declarative policy${policyMessage(subject)}.` : undefined,
  ];
  if (problems.length === 0 && !enforcementMissing) {
    return { complianceType: 'COMPLIANT', annotation: fitAnnotation(head) };
  }

  const wanted = [
    '--http-tokens required',
    judgement.hopLimitProblem && params.maxHopLimit !== undefined
      ? `--http-put-response-hop-limit ${params.maxHopLimit}`
      : undefined,
    params.requireEnforcement ? '--http-tokens-enforced enabled' : undefined,
  ].filter((s): s is string => s !== undefined);
  if (byPolicy) {
    // The account cannot change a setting an organization policy manages: the policy is what to fix.
    const settings = wanted.map((w) => w.replace(/^--/, '')).join(', ');
    return {
      complianceType: 'NON_COMPLIANT',
      annotation: fitAnnotation(head, `Fix: change the declarative policy (${settings}), not the account.`),
    };
  }
  return {
    complianceType: 'NON_COMPLIANT',
    annotation: fitAnnotation(
      head,
      `Fix: aws ec2 modify-instance-metadata-defaults ${wanted.join(' ')} --region ${subject.region}`,
    ),
  };
}
