/**
 * AWS naming rules for every name a setting of ours becomes, as pure checks that return what is
 * wrong (or undefined). The context readers and `package-stackset` run them before anything is
 * synthesized or written, so a bad value fails with one line naming the key, not deep in a construct
 * or at deploy time. Sources: S3 User Guide "General purpose bucket naming rules"; IAM User Guide
 * "IAM object quotas" (role names: 64 characters of `\w+=,.@-`); CloudFormation CreateStack /
 * CreateStackSet (`[a-zA-Z][-a-zA-Z0-9]*`, 128); SSM CreateDocument (names `[a-zA-Z0-9_\-.]{3,128}`,
 * not starting with aws, amazon or amzn); AWS Config rule names (GetComplianceDetailsByConfigRule
 * takes at most 64 characters, the limit lib/imdsv2-rule.ts keeps).
 */

/** What is wrong with a general purpose S3 bucket name, or undefined. Dots are refused too: the StackSet reads `https://<bucket>.s3.<region>…`, where a dot breaks TLS. */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return `bucket "${name}" has ${name.length} characters (3 to 63 allowed)`;
  if (/[A-Z]/.test(name)) return `bucket "${name}" has uppercase letters (S3 allows lowercase only)`;
  if (!/^[a-z0-9-]+$/.test(name)) return `bucket "${name}" may contain only lowercase letters, digits and hyphens`;
  if (!/^[a-z0-9].*[a-z0-9]$/.test(name)) return `bucket "${name}" must begin and end with a letter or digit`;
  for (const reserved of ['xn--', 'sthree-', 'amzn-s3-demo-']) if (name.startsWith(reserved)) return `bucket "${name}" starts with the reserved prefix ${reserved}`;
  for (const reserved of ['-s3alias', '--ol-s3', '--x-s3', '--table-s3']) if (name.endsWith(reserved)) return `bucket "${name}" ends with the reserved suffix ${reserved}`;
  return undefined;
}

/** A role name, or with `wildcards` a pattern of one (`*`, `?`), as the guardrails take them. */
export function roleNameProblem(name: string, wildcards = false): string | undefined {
  const chars = wildcards ? /^[\w+=,.@*?-]+$/ : /^[\w+=,.@-]+$/;
  if (name.length < 1 || name.length > 64) return `role name "${name}" has ${name.length} characters (1 to 64 allowed)`;
  if (!chars.test(name)) return `role name "${name}" may contain only letters, digits and +=,.@_-${wildcards ? ' (and the wildcards * ?)' : ''}`;
  return undefined;
}

export function stackNameProblem(name: string): string | undefined {
  return /^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(name) ? undefined : `"${name}" is not a CloudFormation stack name (a letter, then letters, digits and hyphens, at most 128)`;
}

export const stackSetNameProblem = (name: string): string | undefined =>
  /^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(name) ? undefined : `"${name}" is not a StackSet name (a letter, then letters, digits and hyphens, at most 128)`;

export const CONFIG_RULE_NAME_MAX = 64;

/**
 * A rule name prefix: it starts every Config rule name (`<prefix><id>[-<control ids>]`, at most
 * 64 characters) and every SSM document name (`<prefix><id>`, not starting with aws/amazon/amzn).
 */
export function ruleNamePrefixProblem(prefix: string, longestSuffix: string): string | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(prefix)) return `"${prefix}" may contain only letters, digits, "-" and "_" (it starts Config rule and SSM document names)`;
  if (/^(aws|amazon|amzn)/i.test(prefix)) return `"${prefix}" starts with aws, amazon or amzn, which SSM reserves for its own document names`;
  const longest = `${prefix}${longestSuffix}`;
  if (longest.length > CONFIG_RULE_NAME_MAX) {
    return `"${prefix}" makes the rule name "${longest}" ${longest.length} characters long; AWS Config takes at most ${CONFIG_RULE_NAME_MAX} (prefix at most ${CONFIG_RULE_NAME_MAX - longestSuffix.length})`;
  }
  return undefined;
}

export const accountIdProblem = (id: string): string | undefined => (/^\d{12}$/.test(id) ? undefined : `"${id}" is not an AWS account id (12 digits)`);
export const regionProblem = (r: string): string | undefined => (/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/.test(r) ? undefined : `"${r}" is not a region name (e.g. eu-west-1)`);

/** The package buckets `<prefix>-<region>` (lib/stackset): what is wrong with `<prefix>-<region>` as a bucket name in any of the regions, or undefined. */
export function assetBucketPrefixProblem(prefix: string, regions: readonly string[]): string | undefined {
  for (const region of regions.length > 0 ? regions : ['us-east-1']) {
    const problem = bucketNameProblem(`${prefix}-${region}`);
    if (problem) return `"${prefix}" makes an invalid package bucket name: ${problem}`;
  }
  return undefined;
}
