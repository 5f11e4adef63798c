import { MAX_ANNOTATION_LENGTH, truncateAnnotation } from '../../kit/verdict';
import type { MetadataOptions } from './metadata-options';

/** What a launch source inherits when it leaves HttpTokens unset (read only with acceptInheritedDefaults). */
export interface InheritedDefaults {
  readonly acceptInheritedDefaults: boolean;
  /** ImdsSupport of the AMI (`v2.0`), when known. */
  readonly imageImdsSupport?: string;
  /** Why the AMI could not be described (malformed id, deregistered, not shared, alias not resolved). */
  readonly imageProblem?: string;
  /** The region's account default AccountLevel.HttpTokens, when known. */
  readonly accountDefaultHttpTokens?: string;
}

export interface MetadataJudgement {
  readonly compliant: boolean;
  /** Short phrases on every setting judged: why it passes, or what is wrong. */
  readonly reasons: readonly string[];
  /** The subset of `reasons` that make it non-compliant (empty when compliant). */
  readonly problems: readonly string[];
  /** HttpTokens does not (effectively) require IMDSv2: the fix sets HttpTokens=required. */
  readonly tokensProblem: boolean;
  /** The hop limit is above maxHopLimit or outside 1–64: the fix sets the hop limit. */
  readonly hopLimitProblem: boolean;
}

const NO_INHERITANCE: InheritedDefaults = { acceptInheritedDefaults: false };

/**
 * Tokens left unset. AWS documents the launch order as launch parameters > account default > AMI
 * ImdsSupport: an account default of `optional` wins over an AMI's `v2.0`, so only then does the AMI count.
 */
function judgeUnsetTokens(prefix: string, inherited: InheritedDefaults): { ok: boolean; reason: string } {
  if (!inherited.acceptInheritedDefaults) return { ok: false, reason: prefix };
  const account = inherited.accountDefaultHttpTokens?.toLowerCase();
  const ami = inherited.imageImdsSupport?.toLowerCase();
  if (account === 'required') return { ok: true, reason: `${prefix}, inherits account default HttpTokens=required` };
  if (account === 'optional') {
    const overrides = ami === 'v2.0' ? ' (overrides AMI v2.0)' : '';
    return { ok: false, reason: `${prefix}; account default HttpTokens=optional${overrides}` };
  }
  if (ami === 'v2.0') return { ok: true, reason: `${prefix}, inherits AMI ImdsSupport=v2.0` };
  // The verdict hangs on the AMI, and the AMI could not be read: say so rather than guess.
  if (inherited.imageProblem) return { ok: false, reason: `${prefix}; cannot verify the AMI's ImdsSupport: ${inherited.imageProblem}` };
  return { ok: false, reason: `${prefix}; no AMI v2.0 or account default requires IMDSv2` };
}

/**
 * Judges metadata options against the IMDSv2 requirement: endpoint disabled passes outright;
 * otherwise HttpTokens must be `required` (or, with inheritance accepted, unset but required by the
 * account default or AMI) and a set hop limit must not exceed `maxHopLimit`. Never throws.
 */
export function judgeMetadataOptions(
  options: MetadataOptions | undefined,
  maxHopLimit?: number,
  inherited: InheritedDefaults = NO_INHERITANCE,
): MetadataJudgement {
  const endpoint = typeof options?.httpEndpoint === 'string' ? options.httpEndpoint.toLowerCase() : undefined;
  if (endpoint === 'disabled') {
    return { compliant: true, reasons: ['IMDS endpoint disabled'], problems: [], tokensProblem: false, hopLimitProblem: false };
  }

  const reasons: string[] = [];
  const problems: string[] = [];
  const add = (text: string, problem: boolean): void => {
    reasons.push(text);
    if (problem) problems.push(text);
  };
  let tokensProblem = false;
  const rawTokens: unknown = options?.httpTokens;
  const tokens = typeof rawTokens === 'string' ? rawTokens.toLowerCase() : rawTokens;
  if (tokens === 'required') {
    add('HttpTokens=required', false);
  } else if (tokens === 'optional') {
    // An explicit optional is final: inheritance only fills a gap.
    tokensProblem = true;
    add('HttpTokens=optional', true);
  } else if (tokens === undefined || tokens === null || tokens === '') {
    const unset = judgeUnsetTokens(options === undefined ? 'no MetadataOptions' : 'HttpTokens not set', inherited);
    tokensProblem = !unset.ok;
    add(unset.reason, tokensProblem);
  } else {
    tokensProblem = true;
    add(`HttpTokens=${String(tokens).slice(0, 20)} (unrecognised value)`, true);
  }

  let hopLimitProblem = false;
  const hop: unknown = options?.hopLimit;
  if (maxHopLimit !== undefined && hop !== undefined && hop !== null) {
    const valid = typeof hop === 'number' && Number.isInteger(hop) && hop >= 1 && hop <= 64;
    if (!valid) {
      hopLimitProblem = true;
      add(`hop limit ${String(hop).slice(0, 12)} outside 1-64`, true);
    } else if ((hop as number) > maxHopLimit) {
      hopLimitProblem = true;
      add(`hop limit ${hop} > max ${maxHopLimit}`, true);
    } else {
      add(`hop limit ${hop}`, false);
    }
  }

  return { compliant: !tokensProblem && !hopLimitProblem, reasons, problems, tokensProblem, hopLimitProblem };
}

/** One phrase for an annotation: what is wrong, or (when compliant) why it passes. */
export function describeJudgement(j: MetadataJudgement): string {
  return (j.compliant ? j.reasons : j.problems).join(', ');
}

/** What is wrong in a few words: the token requirement first, since it is what lets IMDSv1 through. */
export function judgementHeadline(j: MetadataJudgement): string {
  if (j.compliant) return 'requires IMDSv2';
  return j.tokensProblem ? 'does not require IMDSv2' : 'allows too many hops';
}

const MIN_HEAD = 40;

/**
 * Joins description sentences (`head`, blanks skipped) and a fix within AWS Config's annotation
 * limit. `fixes` run from most to least detailed: the first that fits beside the whole head wins;
 * otherwise the last one is kept intact and the head is shortened, so the fix survives.
 */
export function fitAnnotation(
  head: string | ReadonlyArray<string | undefined>,
  fixes: string | readonly string[] = '',
): string {
  const text = typeof head === 'string' ? head : head.filter((s): s is string => !!s).join(' ');
  const candidates = typeof fixes === 'string' ? [fixes] : fixes.length > 0 ? fixes : [''];
  const join = (h: string, fix: string): string => (h !== '' && fix !== '' ? `${h} ${fix}` : `${h}${fix}`);
  for (const fix of candidates) {
    const whole = join(text, fix);
    if (whole.length <= MAX_ANNOTATION_LENGTH) return whole;
  }
  const fix = candidates[candidates.length - 1];
  const room = MAX_ANNOTATION_LENGTH - fix.length - (fix === '' ? 0 : 1);
  if (room >= MIN_HEAD) return join(`${text.slice(0, room - 1)}…`, fix);
  return truncateAnnotation(join(text, fix));
}
