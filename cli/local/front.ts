import { randomUUID } from 'node:crypto';
import { Agent, createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from './moto';

/**
 * A small HTTP front for the local demo: it forwards everything to moto, except five operations
 * moto 5.2.1 does not emulate, which it answers itself from memory:
 * - EC2 GetInstanceMetadataDefaults / ModifyInstanceMetadataDefaults (per region),
 * - AWS Config PutEvaluations (moto accepts TestMode only) and GetComplianceDetailsByConfigRule
 *   (absent; a rule's periodic sweep reads it to clear results of deleted resources),
 * - AWS Config GetResourceConfigHistory (moto records no EC2 or Auto Scaling types; the remediation
 *   documents read a launch configuration's or group's name from Config's record of its ARN). It
 *   answers from the items the demo records with `recordConfigurationItem`.
 * It is a stand-in for the emulator's gaps, not an emulation of AWS: no auth, no validation beyond
 * what the demo needs.
 */

export interface StoredEvaluation {
  readonly resourceType: string;
  readonly resourceId: string;
  readonly complianceType: string;
  readonly annotation?: string;
}

export interface StandInFront {
  readonly url: string;
  /** Files PutEvaluations carrying `resultToken` under `ruleName` (the call itself does not name the rule). */
  ruleForToken(resultToken: string, ruleName: string): void;
  /** Pretends AWS Config already holds these results for the rule (e.g. from before a resource was deleted). */
  seedResults(ruleName: string, results: readonly StoredEvaluation[]): void;
  /** Current COMPLIANT / NON_COMPLIANT results of a rule, as an unfiltered GetComplianceDetailsByConfigRule lists them. */
  results(ruleName: string): StoredEvaluation[];
  /**
   * Records a configuration item, as AWS Config does when a resource changes, for
   * GetResourceConfigHistory to return (newest first). Takes the item as a change notification
   * carries it (`awsAccountId`, `ARN`, capture time as an ISO string, `configuration` as an object).
   */
  recordConfigurationItem(item: Readonly<Record<string, unknown>>): void;
  /** How many calls each stand-in operation answered. */
  readonly answered: ReadonlyMap<string, number>;
  stop(): Promise<void>;
}

const FIELDS = ['httpTokens', 'httpPutResponseHopLimit', 'httpEndpoint', 'instanceMetadataTags', 'httpTokensEnforced', 'managedBy', 'managedExceptionMessage'];
const MODIFIABLE: Record<string, string> = {
  HttpTokens: 'httpTokens',
  HttpPutResponseHopLimit: 'httpPutResponseHopLimit',
  HttpEndpoint: 'httpEndpoint',
  InstanceMetadataTags: 'instanceMetadataTags',
  HttpTokensEnforced: 'httpTokensEnforced',
};
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-connection']);

const xml = (s: string) => s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);

function regionOf(req: IncomingMessage): string {
  return /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(String(req.headers.authorization ?? ''))?.[1] ?? 'us-east-1';
}


function reply(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body), 'x-amzn-requestid': randomUUID() });
  res.end(body);
}

export async function startStandInFront(upstream: string): Promise<StandInFront> {
  const target = new URL(upstream);
  const agent = new Agent({ keepAlive: true });
  const defaults = new Map<string, Record<string, string>>();
  const tokens = new Map<string, string>();
  const store = new Map<string, Map<string, StoredEvaluation>>();
  const history = new Map<string, Record<string, unknown>[]>();
  const answered = new Map<string, number>();
  const count = (op: string) => answered.set(op, (answered.get(op) ?? 0) + 1);

  const record = (ruleName: string, e: StoredEvaluation) => {
    const results = store.get(ruleName) ?? new Map<string, StoredEvaluation>();
    store.set(ruleName, results);
    // A NOT_APPLICABLE result replaces the resource's result like any other; it is listed only when
    // GetComplianceDetailsByConfigRule asks for NOT_APPLICABLE (the sweep does, to skip re-sending it).
    results.set(`${e.resourceType}|${e.resourceId}`, e);
  };

  const ec2 = (op: string, form: URLSearchParams, region: string, res: ServerResponse): boolean => {
    const ns = 'http://ec2.amazonaws.com/doc/2016-11-15/';
    if (op === 'GetInstanceMetadataDefaults') {
      const current = defaults.get(region) ?? {};
      const fields = FIELDS.filter((f) => current[f] !== undefined).map((f) => `<${f}>${xml(current[f])}</${f}>`).join('');
      reply(res, 200, 'text/xml', `<GetInstanceMetadataDefaultsResponse xmlns="${ns}"><requestId>${randomUUID()}</requestId><accountLevel>${fields}</accountLevel></GetInstanceMetadataDefaultsResponse>`);
      return true;
    }
    if (op === 'ModifyInstanceMetadataDefaults') {
      const current = { ...(defaults.get(region) ?? {}) };
      for (const [param, field] of Object.entries(MODIFIABLE)) {
        const v = form.get(param);
        if (v === null) continue;
        if (v === 'no-preference' || v === '-1') delete current[field];
        else current[field] = v;
      }
      defaults.set(region, current);
      reply(res, 200, 'text/xml', `<ModifyInstanceMetadataDefaultsResponse xmlns="${ns}"><requestId>${randomUUID()}</requestId><return>true</return></ModifyInstanceMetadataDefaultsResponse>`);
      return true;
    }
    return false;
  };

  const config = (op: string, input: Record<string, any>, res: ServerResponse): boolean => {
    const json = 'application/x-amz-json-1.1';
    if (op === 'PutEvaluations') {
      const rule = tokens.get(String(input.ResultToken)) ?? 'unnamed-rule';
      // TestMode validates without recording, as in AWS Config.
      if (input.TestMode !== true) {
        for (const e of (input.Evaluations ?? []) as Array<Record<string, string>>) {
          record(rule, { resourceType: e.ComplianceResourceType, resourceId: e.ComplianceResourceId, complianceType: e.ComplianceType, annotation: e.Annotation });
        }
      }
      reply(res, 200, json, JSON.stringify({ FailedEvaluations: [] }));
      return true;
    }
    if (op === 'GetComplianceDetailsByConfigRule') {
      const all = [...(store.get(String(input.ConfigRuleName))?.values() ?? [])];
      const wanted: string[] = input.ComplianceTypes ?? [];
      const matching = all.filter((r) => (wanted.length === 0 ? r.complianceType !== 'NOT_APPLICABLE' : wanted.includes(r.complianceType)));
      const offset = Number(input.NextToken ?? 0);
      const limit = Number(input.Limit) > 0 ? Number(input.Limit) : 10;
      const page = matching.slice(offset, offset + limit);
      const now = Date.now() / 1000;
      reply(res, 200, json, JSON.stringify({
        EvaluationResults: page.map((r) => ({
          EvaluationResultIdentifier: {
            EvaluationResultQualifier: { ConfigRuleName: input.ConfigRuleName, ResourceType: r.resourceType, ResourceId: r.resourceId },
            OrderingTimestamp: now,
          },
          ComplianceType: r.complianceType,
          ResultRecordedTime: now,
          ConfigRuleInvokedTime: now,
          Annotation: r.annotation,
        })),
        ...(matching.length > offset + limit ? { NextToken: String(offset + limit) } : {}),
      }));
      return true;
    }
    if (op === 'GetResourceConfigHistory') {
      // This operation's members are camelCase on the wire, unlike the rest of Config.
      const items = history.get(`${input.resourceType}|${input.resourceId}`) ?? [];
      if (items.length === 0) {
        const message = `Resource ${input.resourceId} of resourceType:${input.resourceType} is unknown or has not been discovered`;
        res.writeHead(400, { 'content-type': json, 'x-amzn-requestid': randomUUID() });
        res.end(JSON.stringify({ __type: 'ResourceNotDiscoveredException', message }));
        return true;
      }
      const limit = Number(input.limit) > 0 ? Number(input.limit) : 10;
      reply(res, 200, json, JSON.stringify({ configurationItems: items.slice(0, limit) }));
      return true;
    }
    return false;
  };

  /** A change notification's item → the API's shape (epoch-second times, configuration as a string). */
  const recordConfigurationItem = (item: Readonly<Record<string, unknown>>) => {
    const seconds = (v: unknown) => (typeof v === 'string' ? Date.parse(v) / 1000 : Date.now() / 1000);
    const key = `${item.resourceType}|${item.resourceId}`;
    const api = {
      version: item.configurationItemVersion ?? '1.3',
      accountId: item.awsAccountId,
      configurationItemCaptureTime: seconds(item.configurationItemCaptureTime),
      configurationItemStatus: item.configurationItemStatus ?? 'OK',
      configurationStateId: String(item.configurationStateId ?? Date.now()),
      arn: item.ARN ?? undefined,
      resourceType: item.resourceType,
      resourceId: item.resourceId,
      resourceName: item.resourceName ?? undefined,
      awsRegion: item.awsRegion,
      availabilityZone: item.availabilityZone,
      resourceCreationTime: seconds(item.resourceCreationTime),
      tags: item.tags ?? {},
      relatedEvents: [],
      relationships: [],
      configuration: JSON.stringify(item.configuration ?? {}),
      supplementaryConfiguration: {},
    };
    history.set(key, [api, ...(history.get(key) ?? [])]);
  };

  const forward = (req: IncomingMessage, body: Buffer, res: ServerResponse) => {
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !HOP_BY_HOP.has(k)));
    const up = request(
      { hostname: target.hostname, port: target.port, path: req.url, method: req.method, headers, agent },
      (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, Object.fromEntries(Object.entries(upRes.headers).filter(([k]) => !HOP_BY_HOP.has(k))));
        upRes.pipe(res);
      },
    );
    up.on('error', (e) => {
      if (!res.headersSent) reply(res, 502, 'text/plain', `stand-in front could not reach moto: ${e.message}`);
      else res.destroy();
    });
    up.end(body);
  };

  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const targetHeader = String(req.headers['x-amz-target'] ?? '');
      if (targetHeader.startsWith('StarlingDoveService.')) {
        const op = targetHeader.split('.')[1];
        let input: Record<string, unknown> = {};
        try {
          input = JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>;
        } catch {
          input = {};
        }
        if (config(op, input, res)) {
          count(op);
          return;
        }
      } else if (String(req.headers['content-type'] ?? '').includes('form-urlencoded')) {
        const form = new URLSearchParams(body.toString('utf8'));
        const op = form.get('Action') ?? '';
        if (ec2(op, form, regionOf(req), res)) {
          count(op);
          return;
        }
      }
      forward(req, body, res);
    })().catch((e: unknown) => {
      if (!res.headersSent) reply(res, 500, 'text/plain', `stand-in front failed: ${(e as Error)?.message}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let stopping: Promise<void> | undefined;
  return {
    url,
    answered,
    ruleForToken: (token, rule) => void tokens.set(token, rule),
    seedResults: (rule, results) => results.forEach((r) => record(rule, r)),
    results: (rule) => [...(store.get(rule)?.values() ?? [])].filter((r) => r.complianceType !== 'NOT_APPLICABLE'),
    recordConfigurationItem,
    stop: () =>
      (stopping ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      })),
  };
}
