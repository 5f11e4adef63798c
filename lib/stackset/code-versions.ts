/**
 * How the member template names the S3 object version of each function's zip: a `Mappings` table
 * `CodeVersions` with one row per region (a version id exists only in the bucket it was written to)
 * and one column per bundle, read with `Fn::FindInMap [CodeVersions, AWS::Region, <column>]`. A
 * region the publish step did not write to has no row, so its stack fails on the lookup instead of
 * running code nobody published there.
 */

/** The mapping's logical id. */
export const CODE_VERSIONS = 'CodeVersions';

/** Region → column → S3 version id. */
export type CodeVersions = Readonly<Record<string, Readonly<Record<string, string>>>>;

const pascal = (s: string): string => s.split('-').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');

/** `imdsv2-launch-template` → `RuleLaunchTemplate` (mapping keys are alphanumeric). */
export function ruleVersionColumn(ruleId: string): string {
  return `Rule${pascal(ruleId.replace(/^imdsv2-/, ''))}`;
}

/** `imdsv1-usage-gate` → `RemediationImdsv1UsageGate`. */
export function helperVersionColumn(entry: string): string {
  return `Remediation${pascal(entry)}`;
}

/** Checks every region has a version for every column, so synth fails rather than one stack instance. */
export function checkCodeVersions(versions: CodeVersions, columns: readonly string[]): void {
  const regions = Object.keys(versions);
  if (regions.length === 0) throw new Error('codeVersions: no region; publish the package to at least one region');
  for (const region of regions) {
    const missing = columns.filter((c) => !versions[region][c]);
    if (missing.length > 0) throw new Error(`codeVersions: ${region} has no S3 version for ${missing.join(', ')}`);
  }
}
