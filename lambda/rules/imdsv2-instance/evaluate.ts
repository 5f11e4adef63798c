import type { Verdict } from '../../kit/verdict';
import { exemptionGate } from '../common/exemption';
import { describeJudgement, fitAnnotation, judgeMetadataOptions, judgementHeadline } from '../common/metadata-verdict';
import type { InstanceParameters } from './definition';
import type { InstanceSubject } from './subject';

// Instances on their way out cannot be fixed and will not launch anything.
const GONE_STATES = new Set(['terminated', 'shutting-down']);

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * The fix, most explicit first. `--http-endpoint enabled` restates the current state (a disabled
 * endpoint is compliant) and guards against tools that reset unsent fields; it goes when room is short.
 */
function fixCommands(instanceId: string, hopLimit: number | undefined, region: string | undefined): string[] {
  const hop = hopLimit === undefined ? '' : ` --http-put-response-hop-limit ${hopLimit}`;
  // The region the instance is in: a pasted command must not act on the shell's default region.
  const where = typeof region === 'string' && region !== '' ? ` --region ${region}` : '';
  const base = `Fix: aws ec2 modify-instance-metadata-options --instance-id ${instanceId} --http-tokens required`;
  return [`${base} --http-endpoint enabled${hop}${where}`, `${base}${hop}${where}`];
}

/** Judges one EC2 instance: it must require IMDSv2 or have the metadata endpoint disabled. */
export function evaluate(subject: InstanceSubject, params: InstanceParameters, now: Date): Verdict {
  const id = String(subject.instanceId);
  const state = typeof subject.stateName === 'string' ? subject.stateName.toLowerCase() : undefined;
  if (state !== undefined && GONE_STATES.has(state)) {
    return { complianceType: 'NOT_APPLICABLE', annotation: fitAnnotation(`${id} is ${state}.`) };
  }

  const gate = exemptionGate(subject.tags, params.exemptionTagKey, now, params.maxExemptionDays);
  if (gate.exempt) return gate.exempt;
  const exemptionNote = gate.note;

  const options = subject.metadataOptions;
  if (options === undefined || options === null) {
    const problem = 'No metadata options recorded, so IMDSv2 is not known to be required.';
    return {
      complianceType: 'NON_COMPLIANT',
      annotation: fitAnnotation([problem, exemptionNote], fixCommands(id, params.maxHopLimit, subject.region)),
    };
  }

  const judgement = judgeMetadataOptions(options, params.maxHopLimit);
  // A pending change is what the instance is about to have; say so, since the verdict may flip soon.
  const pending = String(options.state).toLowerCase() === 'pending' ? ' (metadata change pending)' : '';
  // The instance id is the evaluation's resource id and appears in the fix; the text spends its room on the why.
  const summary = `${capitalise(judgementHeadline(judgement))}: ${describeJudgement(judgement)}${pending}.`;
  if (judgement.compliant) {
    // An expired or unreadable exemption changes nothing here, but the stale tag is worth reporting.
    return { complianceType: 'COMPLIANT', annotation: fitAnnotation([summary, exemptionNote]) };
  }
  const hop = judgement.hopLimitProblem ? params.maxHopLimit : undefined;
  return { complianceType: 'NON_COMPLIANT', annotation: fitAnnotation([summary, exemptionNote], fixCommands(id, hop, subject.region)) };
}
