/**
 * A small evaluator of the CloudFormation intrinsics the member template uses (Ref, Fn::If,
 * Fn::Equals, Fn::Not, Fn::And, Fn::Or, Condition, Fn::Join, Fn::FindInMap; AWS::NoValue removes the key), so
 * tests can see what a stack instance gets for given parameter values. Resources and attributes
 * it cannot know resolve to placeholders such as `<Ref:LogicalId>`.
 */
export type Template = {
  Parameters?: Record<string, { Default?: string; [key: string]: unknown }>;
  Conditions?: Record<string, unknown>;
  Mappings?: Record<string, Record<string, Record<string, unknown>>>;
  Resources: Record<string, any>;
};

const NO_VALUE = Symbol('AWS::NoValue');

export interface Deployment {
  readonly parameters?: Readonly<Record<string, string>>;
  readonly region?: string;
  readonly account?: string;
}

export class Evaluator {
  private readonly values: Record<string, string>;
  private readonly region: string;
  private readonly account: string;

  constructor(
    private readonly template: Template,
    deployment: Deployment = {},
  ) {
    this.values = {};
    for (const [name, p] of Object.entries(template.Parameters ?? {})) if (p.Default !== undefined) this.values[name] = p.Default;
    for (const [name, v] of Object.entries(deployment.parameters ?? {})) {
      if (!(name in (template.Parameters ?? {}))) throw new Error(`${name} is not a template parameter`);
      this.values[name] = v;
    }
    this.region = deployment.region ?? 'eu-west-1';
    this.account = deployment.account ?? '123456789012';
  }

  public condition(name: string): boolean {
    const expression = this.template.Conditions?.[name];
    if (expression === undefined) throw new Error(`no condition ${name}`);
    const v = this.value(expression);
    if (typeof v !== 'boolean') throw new Error(`condition ${name} is not a boolean: ${String(v)}`);
    return v;
  }

  /** Whether a resource is created. */
  public created(logicalId: string): boolean {
    const c = this.template.Resources[logicalId]?.Condition;
    return c === undefined ? true : this.condition(c);
  }

  /** A resource property as deployed; `undefined` when it resolves to AWS::NoValue. */
  public property(logicalId: string, name: string): unknown {
    const v = this.value(this.template.Resources[logicalId].Properties?.[name]);
    return v === NO_VALUE ? undefined : v;
  }

  public value(v: unknown): unknown {
    if (Array.isArray(v)) return v.map((x) => this.value(x)).filter((x) => x !== NO_VALUE);
    if (v === null || typeof v !== 'object') return v;
    const entries = Object.entries(v as Record<string, unknown>);
    if (entries.length === 1) {
      const [[fn, arg]] = entries;
      switch (fn) {
        case 'Ref':
          return this.ref(arg as string);
        case 'Condition':
          return this.condition(arg as string);
        case 'Fn::If': {
          const [c, a, b] = arg as [string, unknown, unknown];
          return this.condition(c) ? this.value(a) : this.value(b);
        }
        case 'Fn::Equals': {
          const [a, b] = arg as [unknown, unknown];
          return this.value(a) === this.value(b);
        }
        case 'Fn::Not':
          return !this.bool((arg as unknown[])[0]);
        case 'Fn::And':
          return (arg as unknown[]).every((x) => this.bool(x));
        case 'Fn::Or':
          return (arg as unknown[]).some((x) => this.bool(x));
        case 'Fn::Join': {
          const [sep, parts] = arg as [string, unknown[]];
          return (this.value(parts) as unknown[]).map(String).join(sep);
        }
        case 'Fn::FindInMap': {
          // Like CloudFormation, a key the mapping lacks fails the stack (there is no default here).
          const [map, top, second] = (arg as unknown[]).map((x) => this.value(x)) as [string, string, string];
          const found = this.template.Mappings?.[map]?.[top]?.[second];
          if (found === undefined) throw new Error(`Fn::FindInMap: mapping ${map} has no ${top}/${second}`);
          return found;
        }
        case 'Fn::GetAtt':
          return `<GetAtt:${(arg as string[]).join('.')}>`;
        default:
          if (fn.startsWith('Fn::')) throw new Error(`Evaluator: ${fn} not supported`);
      }
    }
    const out: Record<string, unknown> = {};
    for (const [k, x] of entries) {
      const r = this.value(x);
      if (r !== NO_VALUE) out[k] = r;
    }
    return out;
  }

  private bool(v: unknown): boolean {
    const r = this.value(v);
    if (typeof r !== 'boolean') throw new Error(`expected a boolean, got ${String(r)}`);
    return r;
  }

  private ref(name: string): unknown {
    switch (name) {
      case 'AWS::NoValue':
        return NO_VALUE;
      case 'AWS::Region':
        return this.region;
      case 'AWS::AccountId':
        return this.account;
      case 'AWS::Partition':
        return 'aws';
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
    }
    if (name in this.values) return this.values[name];
    if (name in (this.template.Parameters ?? {})) throw new Error(`parameter ${name} has no value and no default`);
    if (name in this.template.Resources) return `<Ref:${name}>`;
    throw new Error(`Ref to unknown ${name}`);
  }
}
