import type { Verdict } from '../../kit/verdict';
import { describeJudgement, fitAnnotation, judgeMetadataOptions, judgementHeadline } from '../common/metadata-verdict';
import type { LaunchConfigurationParameters } from './definition';
import type { LaunchConfigurationSubject } from './subject';

/** AutoScaling.4's limit, used when the parameter is somehow missing. */
const DEFAULT_MAX_HOP_LIMIT = 1;

/**
 * Judges one launch configuration (AutoScaling.3 and .4). Launch configurations are immutable and
 * deprecated, so the fix is always a migration to a launch template, never an edit.
 */
export function evaluate(subject: LaunchConfigurationSubject, params: LaunchConfigurationParameters, _now: Date): Verdict {
  const name = `LC ${String(subject.launchConfigurationName)}`;
  const maxHopLimit = Number.isInteger(params.maxHopLimit) ? params.maxHopLimit : DEFAULT_MAX_HOP_LIMIT;
  // No inheritance: the parameter is not offered here, and AutoScaling.3 fails an LC without MetadataOptions.
  const judgement = judgeMetadataOptions(subject.metadataOptions ?? undefined, maxHopLimit);
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
