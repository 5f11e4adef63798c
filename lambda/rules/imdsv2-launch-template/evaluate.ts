import type { Verdict } from '../../kit/verdict';
import { exemptionGate } from '../common/exemption';
import {
  describeJudgement,
  fitAnnotation,
  judgeMetadataOptions,
  type MetadataJudgement,
} from '../common/metadata-verdict';
import type { LaunchTemplateParameters } from './definition';
import type { LaunchTemplateSubject, LaunchTemplateVersionData } from './subject';

interface CheckedVersion {
  readonly data: LaunchTemplateVersionData;
  /** `$Default`, `$Latest` or both when they are the same version. */
  readonly roles: readonly string[];
  readonly judgement: MetadataJudgement;
}

function label(v: CheckedVersion): string {
  const n = Number.isFinite(v.data.versionNumber) ? v.data.versionNumber : '?';
  return `v${n} ${v.roles.join(',')}`.trim();
}

/** The selected versions, each once: when $Default and $Latest are the same version it is judged once. */
function selectVersions(
  subject: LaunchTemplateSubject,
  params: LaunchTemplateParameters,
): Array<LaunchTemplateVersionData | undefined> {
  // An empty list cannot come through parameter validation; read it as the default (both) rather than pass vacuously.
  const wanted: readonly string[] = params.versions?.length ? params.versions : ['default', 'latest'];
  const picked: Array<LaunchTemplateVersionData | undefined> = [];
  if (wanted.includes('default')) picked.push(subject.defaultVersion);
  if (wanted.includes('latest') && !(wanted.includes('default') && sameVersion(subject))) picked.push(subject.latestVersion);
  return picked;
}

function sameVersion(subject: LaunchTemplateSubject): boolean {
  return subject.defaultVersion?.versionNumber === subject.latestVersion?.versionNumber;
}

function rolesOf(subject: LaunchTemplateSubject, v: LaunchTemplateVersionData): string[] {
  const roles: string[] = [];
  if (v === subject.defaultVersion || v.versionNumber === subject.defaultVersion?.versionNumber) roles.push('$Default');
  if (v === subject.latestVersion || v.versionNumber === subject.latestVersion?.versionNumber) roles.push('$Latest');
  return roles;
}

/** A selected version the fetch could not supply: it cannot be shown to require IMDSv2. */
const MISSING: MetadataJudgement = {
  compliant: false,
  reasons: ['version data missing'],
  problems: ['version data missing'],
  tokensProblem: true,
  hopLimitProblem: false,
};

function judgeVersion(
  data: LaunchTemplateVersionData | undefined,
  subject: LaunchTemplateSubject,
  params: LaunchTemplateParameters,
): MetadataJudgement {
  if (data === undefined || data === null) return MISSING;
  return judgeMetadataOptions(data.metadataOptions, params.maxHopLimit, {
    acceptInheritedDefaults: params.acceptInheritedDefaults,
    imageImdsSupport: data.imageImdsSupport,
    imageProblem: data.imageProblem,
    accountDefaultHttpTokens: subject.accountDefaultHttpTokens,
  });
}

/**
 * The MetadataOptions the new version needs: HttpTokens=required plus every other setting the failing
 * version has, since a MetadataOptions given to create-launch-template-version replaces the source
 * version's whole structure (a hop limit of 2 that containers need would silently fall back to the
 * default). The hop limit becomes maxHopLimit only when it is the problem. HttpEndpoint is left out:
 * a failing version has it enabled or unset, which is the default.
 */
function keptOptions(source: CheckedVersion, maxHopLimit: number | undefined): Array<[string, string | number]> {
  const o = source.data.metadataOptions;
  const fields: Array<[string, string | number]> = [['HttpTokens', 'required']];
  const setHop = typeof o?.hopLimit === 'number' && Number.isInteger(o.hopLimit) && o.hopLimit >= 1 && o.hopLimit <= 64 ? o.hopLimit : undefined;
  const hop = source.judgement.hopLimitProblem && maxHopLimit !== undefined ? maxHopLimit : setHop;
  if (hop !== undefined) fields.push(['HttpPutResponseHopLimit', hop]);
  if (o?.instanceMetadataTags === 'enabled') fields.push(['InstanceMetadataTags', 'enabled']);
  if (o?.httpProtocolIpv6 === 'enabled') fields.push(['HttpProtocolIpv6', 'enabled']);
  return fields;
}

/**
 * The fix, from the exact command to a compact form that fits beside a long description. A new
 * version made from the offending one keeps its other settings; it becomes the default only when
 * the default was at fault (a bad $Latest alone may be work in progress).
 */
function fixes(subject: LaunchTemplateSubject, source: CheckedVersion, maxHopLimit: number | undefined): string[] {
  const n = source.data.versionNumber;
  const fields = keptOptions(source, maxHopLimit);
  const json = `'{"MetadataOptions":{${fields.map(([k, v]) => `"${k}":${typeof v === 'number' ? v : `"${v}"`}`).join(',')}}}'`;
  const region = typeof subject.region === 'string' && subject.region !== '' ? ` --region ${subject.region}` : '';
  const thenDefault = source.roles.includes('$Default') ? '; set it as default' : '';
  const exact =
    `Fix: aws ec2 create-launch-template-version --launch-template-id ${subject.launchTemplateId}` +
    ` --source-version ${n} --launch-template-data ${json}${region}${thenDefault}`;
  const compact =
    `Fix: create-launch-template-version${region} --source-version ${n}` +
    ` with MetadataOptions ${fields.map(([k, v]) => `${k}=${v}`).join(', ')}${thenDefault}`;
  const kept = fields.length > 1 ? ', keeping its other MetadataOptions' : '';
  const shortest = `Fix: create-launch-template-version${region} --source-version ${n} with HttpTokens=required${kept}${thenDefault}`;
  return [exact, compact, shortest];
}

/** Judges a launch template's $Default and/or $Latest version: each must require IMDSv2. */
export function evaluate(subject: LaunchTemplateSubject, params: LaunchTemplateParameters, now: Date): Verdict {
  const gate = exemptionGate(subject.tags, params.exemptionTagKey, now, params.maxExemptionDays);
  if (gate.exempt) return gate.exempt;
  const exemptionNote = gate.note;

  const checked: CheckedVersion[] = selectVersions(subject, params).map((data) => ({
    data: data ?? { versionNumber: Number.NaN },
    roles: data ? rolesOf(subject, data) : [],
    judgement: judgeVersion(data, subject, params),
  }));
  const details = checked.map((v) => `${label(v)}: ${describeJudgement(v.judgement)}`).join('; ');
  const offending = checked.filter((v) => !v.judgement.compliant);

  if (offending.length === 0) {
    return { complianceType: 'COMPLIANT', annotation: fitAnnotation([`Requires IMDSv2: ${details}.`, exemptionNote]) };
  }
  const problems = offending.map((v) => `${label(v)}: ${describeJudgement(v.judgement)}`).join('; ');
  // Fixing the default version also fixes what the group or user launches by default; prefer it.
  const source = offending.find((v) => v.roles.includes('$Default')) ?? offending[0];
  return {
    complianceType: 'NON_COMPLIANT',
    annotation: fitAnnotation([`${problems}.`, exemptionNote], fixes(subject, source, params.maxHopLimit)),
  };
}
