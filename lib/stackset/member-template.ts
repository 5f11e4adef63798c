import { CODE_VERSIONS } from './code-versions';
import { readManifest, readPackage } from './package';

/** A template parameter as the StackSet needs to know it: to validate the values it passes. */
export interface TemplateParameter {
  readonly Type: string;
  readonly Default?: string;
  readonly AllowedValues?: readonly string[];
  readonly AllowedPattern?: string;
}

const NAMED_IAM_PROPERTIES = ['RoleName', 'UserName', 'GroupName', 'ManagedPolicyName', 'InstanceProfileName'];

/**
 * The packaged member template as the management stack uses it: the object key it was uploaded
 * under (in every regional bucket) and what the StackSet must know about it.
 */
export class MemberTemplate {
  /** Reads dist/stackset (or another directory `npm run package:stackset` wrote). */
  public static fromPackage(dir: string): MemberTemplate {
    const { manifest, template } = readPackage(dir);
    return new MemberTemplate(manifest.template.key, template);
  }

  /**
   * The published template of a package directory, or undefined while the package is not published
   * yet (packaged: zips and manifest, no template). A directory with no package at all throws.
   */
  public static fromPackageIfPublished(dir: string): MemberTemplate | undefined {
    return readManifest(dir).template ? MemberTemplate.fromPackage(dir) : undefined;
  }

  /** A template already in hand, uploaded under `key` in each `<prefix>-<region>` bucket. */
  public static fromTemplate(key: string, template: Readonly<Record<string, any>>): MemberTemplate {
    return new MemberTemplate(key, template);
  }

  /** The template's parameters by name. */
  public readonly parameters: Readonly<Record<string, TemplateParameter>>;
  /** The capabilities the template's resources require: CAPABILITY_IAM, plus NAMED_IAM for named IAM resources. */
  public readonly capabilities: readonly string[];
  /** The regions the code was published to (rows of the `CodeVersions` mapping): a stack elsewhere fails. */
  public readonly publishedRegions: readonly string[];

  private constructor(
    /** Object key of the template in every regional bucket. */
    public readonly key: string,
    template: Readonly<Record<string, any>>,
  ) {
    if (!key || key.startsWith('/')) throw new Error(`template key "${key}" is not an S3 object key`);
    this.parameters = template.Parameters ?? {};
    this.publishedRegions = Object.keys(template.Mappings?.[CODE_VERSIONS] ?? {});
    const resources = Object.values(template.Resources ?? {}) as Array<{ Type: string; Properties?: Record<string, unknown> }>;
    const iam = resources.filter((r) => r.Type.startsWith('AWS::IAM::'));
    const named = iam.some((r) => NAMED_IAM_PROPERTIES.some((p) => r.Properties?.[p] !== undefined));
    this.capabilities = [...(iam.length > 0 ? ['CAPABILITY_IAM'] : []), ...(named ? ['CAPABILITY_NAMED_IAM'] : [])];
  }

  /**
   * Checks the template's code was published to every region given, so a region added to the
   * StackSet without publishing fails synth, not every stack instance there.
   */
  public checkPublished(regions: readonly string[]): void {
    const missing = regions.filter((r) => !this.publishedRegions.includes(r));
    if (missing.length > 0) {
      throw new Error(
        `the member template's code is not published in ${missing.join(', ')} (published: ${this.publishedRegions.join(', ') || 'none'}): run \`npm run package:stackset -- --publish\` with every region`,
      );
    }
  }

  /**
   * Checks values the StackSet passes against the template's parameters (names, AllowedValues,
   * AllowedPattern), so a typo fails synth here rather than a deployment in every account.
   */
  public validate(values: Readonly<Record<string, string>>): void {
    for (const [name, value] of Object.entries(values)) {
      const p = this.parameters[name];
      if (!p) throw new Error(`parameter ${name} is not a parameter of the member template (known: ${Object.keys(this.parameters).join(', ')})`);
      if (typeof value !== 'string') throw new Error(`parameter ${name}: expected a string value, got ${JSON.stringify(value)}`);
      if (p.AllowedValues && !p.AllowedValues.includes(value)) {
        throw new Error(`parameter ${name} = ${JSON.stringify(value)}: allowed values are ${p.AllowedValues.map((v) => JSON.stringify(v)).join(', ')}`);
      }
      // CloudFormation patterns are Java regexes; the ones the template uses (\p{L}, classes,
      // alternations) read the same in a Unicode-mode JavaScript RegExp.
      if (p.AllowedPattern && !new RegExp(p.AllowedPattern, 'u').test(value)) {
        throw new Error(`parameter ${name} = ${JSON.stringify(value)}: does not match ${p.AllowedPattern}`);
      }
    }
  }
}
