import { MAX_ANNOTATION_LENGTH, type Verdict } from '../../kit/verdict';
import { exemptionGate } from '../common/exemption';
import { describeJudgement, fitAnnotation, judgeMetadataOptions } from '../common/metadata-verdict';
import type { AutoScalingGroupParameters } from './definition';
import type { AutoScalingGroupSubject, GroupInstance, LaunchSource } from './subject';

/**
 * Instances that are leaving the group: terminating, detaching, or leaving the warm pool. Every other
 * instance can serve without a new launch: InService, Pending (and its hook states), Standby (returns
 * with ExitStandby), the warm pool's Warmed:Stopped / Running / Hibernated / Pending (join on scale-out),
 * Quarantined, or a state not known.
 */
function isLeaving(instance: GroupInstance): boolean {
  const state = instance.lifecycleState;
  if (typeof state !== 'string') return false;
  return /^(Warmed:)?Terminat/.test(state) || state === 'Detaching' || state === 'Detached';
}

type Standing = 'in service' | 'standby' | 'warm pool';

/** Where an instance that still serves stands: what its fix needs to know. */
function standing(instance: GroupInstance): Standing {
  const state = typeof instance.lifecycleState === 'string' ? instance.lifecycleState : '';
  if (state.startsWith('Warmed:')) return 'warm pool';
  if (state === 'Standby' || state === 'EnteringStandby') return 'standby';
  return 'in service';
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

/** ` --region <r>` when the region is known: a pasted command must act where the group is. */
function regionFlag(region: string | undefined): string {
  return typeof region === 'string' && region !== '' ? ` --region ${region}` : '';
}

/**
 * Fixes for instances that still accept IMDSv1, most detailed first. An instance refresh replaces the
 * group's instances and its warm pool's; it waits for Standby instances (one hour, then fails) unless
 * they leave standby first or the refresh is told to replace them (`StandbyInstances=Terminate`).
 */
function refreshFixes(groupName: string, region: string | undefined, standby: boolean): string[] {
  const refresh = `aws autoscaling start-instance-refresh --auto-scaling-group-name ${groupName}${regionFlag(region)}`;
  if (!standby) return [`Fix: ${refresh}`, `Fix: start an instance refresh of the group${region ? ` in ${region}` : ''}.`];
  return [
    `Fix: ${refresh} --preferences StandbyInstances=Terminate (or exit standby)`,
    `Fix: exit standby (or replace), then ${refresh}`,
    'Fix: exit standby (or replace), then start an instance refresh.',
  ];
}

/** Fixes for bad launch sources: the source first, then replace the instances it launched. */
function sourceFixes(groupName: string, region: string | undefined, offending: readonly LaunchSource[]): string[] {
  const refresh = `aws autoscaling start-instance-refresh --auto-scaling-group-name ${groupName}${regionFlag(region)}`;
  if (offending.some((s) => s.kind === 'launch-configuration')) {
    return [
      `Fix: migrate to a launch template with HttpTokens=required (SSM document imdsv2-launch-configuration), then ${refresh}`,
      `Fix: migrate to a launch template with HttpTokens=required, then ${refresh}`,
      'Fix: migrate to a launch template with HttpTokens=required, then start an instance refresh.',
    ];
  }
  return [
    `Fix: aws ec2 create-launch-template-version with HttpTokens=required, use it, then ${refresh}`,
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
        sourceFixes(group, subject.region, []),
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
      imageProblem: source.imageProblem,
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
      annotation: fitAnnotation([`${problems.join('; ')}.`, exemptionNote], sourceFixes(group, subject.region, offending)),
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
  const stale = (subject.instances ?? []).filter((i) => !isLeaving(i) && acceptsImdsV1(i));
  if (stale.length === 0) {
    return {
      complianceType: 'COMPLIANT',
      annotation: fitAnnotation([exemptionNote, `Sources require IMDSv2 and no live instance accepts IMDSv1: ${detail}`]),
    };
  }
  // In-service ids first, then the ones whose standing changes the fix, each marked.
  const order: Standing[] = ['in service', 'standby', 'warm pool'];
  const labels = order.flatMap((where) =>
    stale.filter((i) => standing(i) === where).map((i) => (where === 'in service' ? String(i.instanceId) : `${String(i.instanceId)} ${where}`)),
  );
  const allInService = stale.every((i) => standing(i) === 'in service');
  const lead = `Sources require IMDSv2 but ${stale.length} ${allInService ? 'in-service ' : ''}instance(s) still accept IMDSv1 (`;
  const fixes = refreshFixes(group, subject.region, stale.some((i) => standing(i) === 'standby'));
  // Leave room for the fix and the exemption note; the id list gives way first, then the fix's detail.
  const note = exemptionNote ? ` ${exemptionNote}` : '';
  const roomFor = (fix: string) => MAX_ANNOTATION_LENGTH - fix.length - 1 - lead.length - 2 - note.length;
  const whole = labels.join(', ').length;
  const fix = fixes.find((f) => roomFor(f) >= whole) ?? fixes.find((f) => roomFor(f) >= 40) ?? fixes[fixes.length - 1];
  const ids = listIds(labels, Math.max(roomFor(fix), 12));
  return {
    complianceType: 'NON_COMPLIANT',
    annotation: fitAnnotation([`${lead}${ids}).`, exemptionNote], fix),
  };
}
