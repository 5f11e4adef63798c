import { errorResponse, requestId, xmlEscape, xmlResponse, type AwsRequest, type FrontResponse } from './protocol';

/**
 * In-memory stand-in for EC2's account-level IMDS defaults, which moto 5.2.1 does not implement
 * (GetInstanceMetadataDefaults answers an HTML 500). Regional, as in AWS: one default per region
 * of the request's SigV4 credential scope.
 */

export interface AccountDefaults {
  readonly httpTokens?: 'optional' | 'required';
  readonly httpPutResponseHopLimit?: number;
  readonly httpEndpoint?: 'enabled' | 'disabled';
  readonly instanceMetadataTags?: 'enabled' | 'disabled';
  readonly httpTokensEnforced?: 'enabled' | 'disabled';
  readonly managedBy?: 'account' | 'declarative-policy';
  readonly managedExceptionMessage?: string;
}

export interface ModifyDefaultsRecord {
  readonly region: string;
  /** The request's parameters as sent (form names, string values), without Action/Version. */
  readonly params: Readonly<Record<string, string>>;
}

const EC2_NAMESPACE = 'http://ec2.amazonaws.com/doc/2016-11-15/';

// Element order of the real response; also the order fields appear in the XML we write.
const FIELDS = [
  'httpTokens',
  'httpPutResponseHopLimit',
  'httpEndpoint',
  'instanceMetadataTags',
  'httpTokensEnforced',
  'managedBy',
  'managedExceptionMessage',
] as const;

/** Request parameter → field, with the values ModifyInstanceMetadataDefaults accepts. */
const MODIFIABLE: ReadonlyArray<{ param: string; field: keyof AccountDefaults; values: readonly string[] }> = [
  { param: 'HttpTokens', field: 'httpTokens', values: ['optional', 'required', 'no-preference'] },
  { param: 'HttpEndpoint', field: 'httpEndpoint', values: ['enabled', 'disabled', 'no-preference'] },
  { param: 'InstanceMetadataTags', field: 'instanceMetadataTags', values: ['enabled', 'disabled', 'no-preference'] },
  { param: 'HttpTokensEnforced', field: 'httpTokensEnforced', values: ['enabled', 'disabled', 'no-preference'] },
];

export class Ec2StandIn {
  /** Every accepted ModifyInstanceMetadataDefaults call, in order. */
  readonly modifications: ModifyDefaultsRecord[] = [];
  private readonly defaults = new Map<string, AccountDefaults>();

  /** Replaces a region's account defaults (use `managedBy: 'declarative-policy'` to model an org policy). */
  setAccountDefaults(region: string, defaults: AccountDefaults): void {
    this.defaults.set(region, stripUndefined({ ...defaults }));
  }

  accountDefaults(region: string): AccountDefaults {
    return { ...(this.defaults.get(region) ?? {}) };
  }

  reset(): void {
    this.defaults.clear();
    this.modifications.length = 0;
  }

  answer(request: AwsRequest): FrontResponse | undefined {
    if (request.operation === 'GetInstanceMetadataDefaults') return this.get(request);
    if (request.operation === 'ModifyInstanceMetadataDefaults') return this.modify(request);
    return undefined;
  }

  private get(request: AwsRequest): FrontResponse {
    if (request.form?.get('DryRun') === 'true') return dryRun(request);
    const current = this.defaults.get(request.region) ?? {};
    // Unset fields are omitted ("no preference"), never sent empty.
    const fields = FIELDS.filter((f) => current[f] !== undefined)
      .map((f) => `<${f}>${xmlEscape(String(current[f]))}</${f}>`)
      .join('');
    return xmlResponse(
      `<?xml version="1.0" encoding="UTF-8"?>\n<GetInstanceMetadataDefaultsResponse xmlns="${EC2_NAMESPACE}">` +
        `<requestId>${requestId()}</requestId><accountLevel>${fields}</accountLevel></GetInstanceMetadataDefaultsResponse>`,
    );
  }

  private modify(request: AwsRequest): FrontResponse {
    const form = request.form ?? new URLSearchParams();
    const current: Record<string, unknown> = { ...(this.defaults.get(request.region) ?? {}) };

    for (const { param, values } of MODIFIABLE) {
      const value = form.get(param);
      if (value !== null && !values.includes(value)) {
        return errorResponse(request, 400, 'InvalidParameterValue', `Value (${value}) for parameter ${param} is invalid.`);
      }
    }
    const hop = form.get('HttpPutResponseHopLimit');
    const hopValue = hop === null ? undefined : Number(hop);
    if (hopValue !== undefined && !(Number.isInteger(hopValue) && ((hopValue >= 1 && hopValue <= 64) || hopValue === -1))) {
      return errorResponse(
        request,
        400,
        'InvalidParameterValue',
        `Value (${hop}) for parameter HttpPutResponseHopLimit is invalid. Possible values: 1 to 64, or -1 for no preference.`,
      );
    }
    if (form.get('DryRun') === 'true') return dryRun(request);
    if (current.managedBy === 'declarative-policy') {
      // AWS documents that the account cannot change defaults a declarative policy manages, but not the
      // exact error; UnauthorizedOperation with the policy's custom message is our best model of it.
      const message = (current.managedExceptionMessage as string | undefined) ?? 'The IMDS defaults are managed by a declarative policy.';
      return errorResponse(request, 400, 'UnauthorizedOperation', message);
    }

    for (const { param, field } of MODIFIABLE) {
      const value = form.get(param);
      if (value === null) continue;
      if (value === 'no-preference') delete current[field];
      else current[field] = value;
    }
    if (hopValue !== undefined) {
      if (hopValue === -1) delete current.httpPutResponseHopLimit;
      else current.httpPutResponseHopLimit = hopValue;
    }
    this.defaults.set(request.region, current as AccountDefaults);
    const params = Object.fromEntries([...form.entries()].filter(([k]) => k !== 'Action' && k !== 'Version'));
    this.modifications.push({ region: request.region, params });
    return xmlResponse(
      `<?xml version="1.0" encoding="UTF-8"?>\n<ModifyInstanceMetadataDefaultsResponse xmlns="${EC2_NAMESPACE}">` +
        `<requestId>${requestId()}</requestId><return>true</return></ModifyInstanceMetadataDefaultsResponse>`,
    );
  }
}

function dryRun(request: AwsRequest): FrontResponse {
  return errorResponse(request, 412, 'DryRunOperation', 'Request would have succeeded, but DryRun flag is set.');
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
