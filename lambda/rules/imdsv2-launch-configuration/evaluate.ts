import type { Verdict } from '../../kit/verdict';
import { describeJudgement, fitAnnotation, judgeMetadataOptions, judgementHeadline, type MetadataJudgement } from '../common/metadata-verdict';
import type { LaunchConfigurationParameters } from './definition';
import type { LaunchConfigurationSubject } from './subject';

/** AutoScaling.4's limit, used when the parameter is somehow missing. */
const DEFAULT_MAX_HOP_LIMIT = 1;

/**
 * AutoScaling.4 (`autoscaling-launch-config-hop-limit`) fails any launch configuration whose hop limit
 * is above 1, whatever its endpoint: the check reads the hop limit alone. A disabled endpoint passes
 * the token check (AutoScaling.3), but a hop limit above maxHopLimit still fails here, as it does there,
 * so a launch configuration never passes this rule while failing AutoScaling.4.
 */
function hopLimitAlsoWhenDisabled(j: MetadataJudgement, subject: LaunchConfigurationSubject, maxHopLimit: number): MetadataJudgement {
  const options = subject.metadataOptions;
  if (options?.httpEndpoint !== 'disabled' || options.hopLimit === undefined || options.hopLimit === null) return j;
  const hop: unknown = options.hopLimit;
  const valid = typeof hop === 'number' && Number.isInteger(hop) && hop >= 1 && hop <= 64;
  if (valid && (hop as number) <= maxHopLimit) return j;
  const problem = valid ? `hop limit ${hop} > max ${maxHopLimit} (even with the endpoint disabled)` : `hop limit ${String(hop).slice(0, 12)} outside 1-64`;
  return { compliant: false, reasons: [...j.reasons, problem], problems: [problem], tokensProblem: false, hopLimitProblem: true };
}

/**
 * Judges one launch configuration (AutoScaling.3 and .4). Launch configurations are immutable and
 * deprecated, so the fix is always a migration to a launch template, never an edit.
 */
export function evaluate(subject: LaunchConfigurationSubject, params: LaunchConfigurationParameters, _now: Date): Verdict {
  const name = `LC ${String(subject.launchConfigurationName)}`;
  const maxHopLimit = Number.isInteger(params.maxHopLimit) ? params.maxHopLimit : DEFAULT_MAX_HOP_LIMIT;
  // No inheritance: the parameter is not offered here, and AutoScaling.3 fails an LC without MetadataOptions.
  const judgement = hopLimitAlsoWhenDisabled(judgeMetadataOptions(subject.metadataOptions ?? undefined, maxHopLimit), subject, maxHopLimit);
  const summary = `${name} ${judgementHeadline(judgement)}: ${describeJudgement(judgement)}.`;

  if (judgement.compliant) {
    return {
      complianceType: 'COMPLIANT',
      annotation: fitAnnotation(summary, 'Launch configurations are deprecated: plan a move to a launch template.'),
    };
  }
  const hop = judgement.hopLimitProblem ? `, HttpPutResponseHopLimit<=${maxHopLimit}` : '';
  return {
    complianceType: 'NON_COMPLIANT',
    annotation: fitAnnotation(summary, [
      'Fix: LCs are immutable and deprecated: migrate the group to a launch template with MetadataOptions' +
        ` HttpTokens=required${hop} (SSM Automation document imdsv2-launch-configuration does it).`,
      `Fix: migrate to a launch template with HttpTokens=required${hop} (SSM document imdsv2-launch-configuration).`,
    ]),
  };
}
