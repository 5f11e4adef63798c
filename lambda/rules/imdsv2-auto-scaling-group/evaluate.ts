import { MAX_ANNOTATION_LENGTH, type Verdict } from '../../kit/verdict';
import { exemptionGate } from '../common/exemption';
import { describeJudgement, fitAnnotation, judgeMetadataOptions } from '../common/metadata-verdict';
import type { AutoScalingGroupParameters } from './definition';
import type { AutoScalingGroupSubject, GroupInstance, LaunchSource } from './subject';

/** Instances that serve (or are about to): Pending covers the Pending:Wait / Pending:Proceed hook states. */
function isLive(instance: GroupInstance): boolean {
  const state = instance.lifecycleState;
  return state === undefined || state === null || state === 'InService' || String(state).startsWith('Pending');
}

/** A live instance's options are final (nothing left to inherit): only tokens and endpoint decide. */
function acceptsImdsV1(instance: GroupInstance): boolean {
  if (!instance.metadataOptions) return false; // unknown: the instance rule reports it
  return !judgeMetadataOptions(instance.metadataOptions).compliant;
}

/** Lists ids within `max` characters, ending with `+N more` when they do not all fit. */
function listIds(ids: readonly string[], max: number): string {
  let out = '';
  for (let i = 0; i < ids.length; i++) {
    const next = out === '' ? ids[i] : `${out}, ${ids[i]}`;
    const rest = ids.length - i - 1;
    const tail = rest > 0 ? `, +${rest} more` : '';
    if (next.length + tail.length > max) return out === '' ? `${ids.length} ids` : `${out}, +${ids.length - i} more`;
    out = next;
  }
  return out;
}

function refreshFix(groupName: string): string {
  return `Fix: aws autoscaling start-instance-refresh --auto-scaling-group-name ${groupName}`;
}

/** Fixes for bad launch sources: the source first, then replace the instances it launched. */
function sourceFixes(groupName: string, offending: readonly LaunchSource[]): string[] {
  const refresh = `aws autoscaling start-instance-refresh --auto-scaling-group-name ${groupName}`;
  if (offending.some((s) => s.kind === 'launch-configuration')) {
    return [
      `Fix: migrate to a launch template with HttpTokens=required (SSM document imdsv2-launch-configuration), then ${refresh}`,
      'Fix: migrate to a launch template with HttpTokens=required, then start an instance refresh.',
    ];
  }
  return [
    'Fix: point the group at a launch template version with HttpTokens=required' +
      ` (aws ec2 create-launch-template-version), then ${refresh}`,
    `Fix: use a launch template version with HttpTokens=required, then ${refresh}`,
    'Fix: use a launch template version with HttpTokens=required, then start an instance refresh.',
  ];
}

/**
 * Judges an Auto Scaling group: every launch source must require IMDSv2, and (checkInstances) no
 * live instance may still accept IMDSv1, since fixing a source does not touch running instances.
 */
export function evaluate(subject: AutoScalingGroupSubject, params: AutoScalingGroupParameters, now: Date): Verdict {
  const group = String(subject.autoScalingGroupName);
  const gate = exemptionGate(subject.tags, params.exemptionTagKey, now, params.maxExemptionDays);
  if (gate.exempt) return gate.exempt;
  const exemptionNote = gate.note;

  const sources = subject.sources ?? [];
  if (sources.length === 0) {
    return {
      complianceType: 'NON_COMPLIANT',
      annotation: fitAnnotation(
        [`Group ${group} has no launch source recorded, so IMDSv2 cannot be verified.`, exemptionNote],
        sourceFixes(group, []),
      ),
    };
  }

  const problems: string[] = [];
  const offending: LaunchSource[] = [];
  const passing: string[] = [];
  for (const source of sources) {
    if (!source.found) {
      problems.push(`cannot verify: ${source.label} not found`);
      offending.push(source);
      continue;
    }
    // acceptInheritedDefaults applies to sources only: they are what future instances inherit from.
    const judgement = judgeMetadataOptions(source.metadataOptions, params.maxHopLimit, {
      acceptInheritedDefaults: params.acceptInheritedDefaults,
      imageImdsSupport: source.imageImdsSupport,
      accountDefaultHttpTokens: subject.accountDefaultHttpTokens,
    });
    const line = `${source.label}: ${describeJudgement(judgement)}`;
    if (judgement.compliant) {
      passing.push(line);
    } else {
      problems.push(line);
      offending.push(source);
    }
  }
  if (problems.length > 0) {
    return {
      complianceType: 'NON_COMPLIANT',
      annotation: fitAnnotation([`${problems.join('; ')}.`, exemptionNote], sourceFixes(group, offending)),
    };
  }

  // The verdict leads; the per-source detail is what gets shortened when names are long.
  const detail = `${passing.join('; ')}.`;
  if (!params.checkInstances) {
    return {
      complianceType: 'COMPLIANT',
      annotation: fitAnnotation([exemptionNote, `Sources require IMDSv2 (instances not checked): ${detail}`]),
    };
  }
  const stale = (subject.instances ?? []).filter((i) => isLive(i) && acceptsImdsV1(i)).map((i) => String(i.instanceId));
  if (stale.length === 0) {
    return {
      complianceType: 'COMPLIANT',
      annotation: fitAnnotation([exemptionNote, `Sources require IMDSv2 and no live instance accepts IMDSv1: ${detail}`]),
    };
  }
  const fix = refreshFix(group);
  const lead = `Sources require IMDSv2 but ${stale.length} in-service instance(s) still accept IMDSv1 (`;
  // Leave room for the fix and the exemption note; the id list gives way first.
  const note = exemptionNote ? ` ${exemptionNote}` : '';
  const room = MAX_ANNOTATION_LENGTH - fix.length - 1 - lead.length - 2 - note.length;
  const ids = listIds(stale, Math.max(room, 12));
  return {
    complianceType: 'NON_COMPLIANT',
    annotation: fitAnnotation([`${lead}${ids}).`, exemptionNote], fix),
  };
}
