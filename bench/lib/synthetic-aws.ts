import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { classify, ConfigStandIn, readBody } from '../../cli/local/aws';

/**
 * A stand-in AWS endpoint for sweeps too big for moto: it pages synthetic EC2 instances as fast as
 * the SDK can read them, and counts every call. It is NOT an emulator: it knows DescribeInstances
 * (paged by instance, like EC2, at most 1,000 a page); the AWS Config calls a sweep makes
 * (PutEvaluations, GetComplianceDetailsByConfigRule) are answered by the one local AWS's Config
 * stand-in (cli/local/aws), which keeps what PutEvaluations records (NOT_APPLICABLE results too,
 * listed when ComplianceTypes asks for them) and lists it back, so successive sweeps see what the
 * previous one recorded. The endpoint serves one rule: every result is filed under `ruleName`.
 *
 * The instances are AWS-shaped XML of about 4.5 KB each: moto's 3.3 KB rendering plus the fields real
 * EC2 adds (CPU, capacity reservation, enclave, maintenance and DNS-name options, security groups,
 * instance profile, boot mode, platform details), so the SDK parses what it would parse in AWS.
 * Their metadata options cycle through the cases the rule judges (optional / required, hop limits 1-3,
 * endpoint disabled, exemption tags, terminated), so every evaluation path runs.
 */

export interface SyntheticAws {
  readonly url: string;
  /** Calls per operation (every request, including any the stand-in does not know). */
  readonly calls: Map<string, number>;
  /** Evaluations received per resource id (duplicates show as counts above 1). */
  readonly evaluationsPerResource: Map<string, number>;
  /** `describeMaxResults`: the MaxResults of the last DescribeInstances (the page size the rule asked for). */
  readonly stats: { evaluations: number; duplicates: number; bytesSent: number; describeMaxResults?: number };
  /** Bytes of one synthetic instance's XML. */
  readonly instanceXmlBytes: number;
  /** Results held (what GetComplianceDetailsByConfigRule would list with every type). */
  readonly heldResults: () => number;
  /** Instances for which `flipped(i)` is true answer with the other HttpTokens from now on (1% changed: `i % 100 === 50`). */
  setFlipped(flipped: ((i: number) => boolean) | undefined): void;
  reset(): void;
  stop(): Promise<void>;
}

export interface SyntheticOptions {
  /** How many instances DescribeInstances lists. */
  readonly instances: number;
  /**
   * Results held at the start, as if recorded by an earlier run: ids i-…0 to i-…(n-1), each with a
   * verdict but no annotation, so none matches what the rule sends now (every one is re-sent). @default 0
   */
  readonly priorResults?: number;
  /** Keep a per-resource tally of PutEvaluations (costs memory in this process, not the Lambda's). @default true */
  readonly tallyPerResource?: boolean;
  /** The rule the sweeps run as (their events' configRuleName). @default 'bench-synthetic' */
  readonly ruleName?: string;
}

const ACCOUNT = '123456789012';

/** `i-0…` with 17 hex digits, as EC2 ids are. */
export const syntheticInstanceId = (i: number): string => `i-0${i.toString(16).padStart(16, '0')}`;

function metadataOptionsXml(i: number, flip: boolean): string {
  const tokens = (i % 10 < 3) !== flip ? 'optional' : 'required';
  const endpoint = i % 97 === 0 ? 'disabled' : 'enabled';
  const hop = (i % 3) + 1;
  return (
    `<metadataOptions><state>applied</state><httpTokens>${tokens}</httpTokens><httpPutResponseHopLimit>${hop}</httpPutResponseHopLimit>` +
    `<httpEndpoint>${endpoint}</httpEndpoint><httpProtocolIpv6>disabled</httpProtocolIpv6><instanceMetadataTags>disabled</instanceMetadataTags></metadataOptions>`
  );
}

function ip(i: number, base: number): string {
  return `10.${base}.${(i >> 8) & 255}.${i & 255}`;
}

function instanceXml(i: number, flip = false): string {
  const id = syntheticInstanceId(i);
  const hex = i.toString(16).padStart(17, '0');
  const terminated = i % 50 === 49;
  const state = terminated ? '<code>48</code><name>terminated</name>' : '<code>16</code><name>running</name>';
  const exempt = i % 20 === 7 ? `<item><key>imdsv2-exempt-until</key><value>2099-12-31 vendor agent, ticket SEC-${i}</value></item>` : '';
  const privateIp = ip(i, 90);
  const publicIp = `54.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
  return (
    `<item><architecture>x86_64</architecture><blockDeviceMapping><item><deviceName>/dev/xvda</deviceName><ebs><attachTime>2025-11-02T09:14:07.000Z</attachTime>` +
    `<deleteOnTermination>true</deleteOnTermination><status>attached</status><volumeId>vol-${hex}</volumeId></ebs></item></blockDeviceMapping>` +
    `<clientToken>terraform-${hex}</clientToken><ebsOptimized>true</ebsOptimized><enaSupport>true</enaSupport><hypervisor>xen</hypervisor>` +
    `<iamInstanceProfile><arn>arn:aws:iam::${ACCOUNT}:instance-profile/app-${i % 40}</arn><id>AIPA${hex.toUpperCase()}</id></iamInstanceProfile>` +
    `<networkInterfaceSet><item><association><ipOwnerId>amazon</ipOwnerId><publicDnsName>ec2-${publicIp.replace(/\./g, '-')}.compute-1.amazonaws.com</publicDnsName><publicIp>${publicIp}</publicIp></association>` +
    `<attachment><attachTime>2025-11-02T09:14:06.000Z</attachTime><attachmentId>eni-attach-${hex}</attachmentId><deleteOnTermination>true</deleteOnTermination><deviceIndex>0</deviceIndex><status>attached</status><networkCardIndex>0</networkCardIndex></attachment>` +
    `<description/><groupSet><item><groupId>sg-0a1b2c3d4e5f6a7b8</groupId><groupName>app-${i % 40}</groupName></item></groupSet><ipv6AddressesSet/><macAddress>0e:${hex.slice(-10).replace(/(..)(?!$)/g, '$1:')}</macAddress>` +
    `<networkInterfaceId>eni-${hex}</networkInterfaceId><ownerId>${ACCOUNT}</ownerId><privateDnsName>ip-${privateIp.replace(/\./g, '-')}.ec2.internal</privateDnsName><privateIpAddress>${privateIp}</privateIpAddress>` +
    `<privateIpAddressesSet><item><association><ipOwnerId>amazon</ipOwnerId><publicDnsName>ec2-${publicIp.replace(/\./g, '-')}.compute-1.amazonaws.com</publicDnsName><publicIp>${publicIp}</publicIp></association><primary>true</primary><privateDnsName>ip-${privateIp.replace(/\./g, '-')}.ec2.internal</privateDnsName><privateIpAddress>${privateIp}</privateIpAddress></item></privateIpAddressesSet>` +
    `<sourceDestCheck>true</sourceDestCheck><status>in-use</status><subnetId>subnet-0${(i % 6).toString(16).padStart(16, '0')}</subnetId><vpcId>vpc-0123456789abcdef0</vpcId><interfaceType>interface</interfaceType></item></networkInterfaceSet>` +
    `<rootDeviceName>/dev/xvda</rootDeviceName><rootDeviceType>ebs</rootDeviceType><groupSet><item><groupId>sg-0a1b2c3d4e5f6a7b8</groupId><groupName>app-${i % 40}</groupName></item></groupSet>` +
    `<sourceDestCheck>true</sourceDestCheck><stateReason><code/><message/></stateReason>` +
    `<tagSet><item><key>Name</key><value>app-${i % 40}-${i}</value></item><item><key>Owner</key><value>team-${i % 12}</value></item><item><key>CostCenter</key><value>cc-${1000 + (i % 37)}</value></item>${exempt}</tagSet>` +
    `<virtualizationType>hvm</virtualizationType><cpuOptions><coreCount>1</coreCount><threadsPerCore>2</threadsPerCore></cpuOptions>` +
    `<capacityReservationSpecification><capacityReservationPreference>open</capacityReservationPreference></capacityReservationSpecification>` +
    `<hibernationOptions><configured>false</configured></hibernationOptions>${metadataOptionsXml(i, flip)}<enclaveOptions><enabled>false</enabled></enclaveOptions>` +
    `<bootMode>uefi-preferred</bootMode><platformDetails>Linux/UNIX</platformDetails><usageOperation>RunInstances</usageOperation><usageOperationUpdateTime>2025-11-02T09:14:06.000Z</usageOperationUpdateTime>` +
    `<privateDnsNameOptions><hostnameType>ip-name</hostnameType><enableResourceNameDnsARecord>false</enableResourceNameDnsARecord><enableResourceNameDnsAAAARecord>false</enableResourceNameDnsAAAARecord></privateDnsNameOptions>` +
    `<maintenanceOptions><autoRecovery>default</autoRecovery></maintenanceOptions><currentInstanceBootMode>uefi</currentInstanceBootMode>` +
    `<instanceId>${id}</instanceId><imageId>ami-0${(i % 9).toString(16).padStart(16, '0')}</imageId><instanceState>${state}</instanceState>` +
    `<privateDnsName>ip-${privateIp.replace(/\./g, '-')}.ec2.internal</privateDnsName><dnsName>ec2-${publicIp.replace(/\./g, '-')}.compute-1.amazonaws.com</dnsName><reason/><keyName>ops-2025</keyName>` +
    `<amiLaunchIndex>0</amiLaunchIndex><productCodes/><instanceType>m7i.large</instanceType><launchTime>2025-11-02T09:14:06.000Z</launchTime>` +
    `<placement><groupName/><tenancy>default</tenancy><availabilityZone>us-east-1${'abcdef'[i % 6]}</availabilityZone></placement><monitoring><state>disabled</state></monitoring>` +
    `<subnetId>subnet-0${(i % 6).toString(16).padStart(16, '0')}</subnetId><vpcId>vpc-0123456789abcdef0</vpcId><privateIpAddress>${privateIp}</privateIpAddress><ipAddress>${publicIp}</ipAddress></item>`
  );
}

function reservationXml(i: number, flip = false): string {
  return `<item><reservationId>r-0${i.toString(16).padStart(16, '0')}</reservationId><ownerId>${ACCOUNT}</ownerId><groupSet/><instancesSet>${instanceXml(i, flip)}</instancesSet></item>`;
}


const decodeOffset = (token: unknown): number => {
  if (typeof token !== 'string' || token === '') return 0;
  const n = Number(Buffer.from(token, 'base64').toString('utf8').replace(/^offset:/, ''));
  return Number.isInteger(n) && n >= 0 ? n : 0;
};
const encodeOffset = (n: number): string => Buffer.from(`offset:${n}`).toString('base64');

export async function startSyntheticAws(options: SyntheticOptions): Promise<SyntheticAws> {
  const calls = new Map<string, number>();
  const perResource = new Map<string, number>();
  const stats: SyntheticAws['stats'] = { evaluations: 0, duplicates: 0, bytesSent: 0 };
  const tally = options.tallyPerResource ?? true;
  let flipped: ((i: number) => boolean) | undefined;
  const ruleName = options.ruleName ?? 'bench-synthetic';
  const config = new ConfigStandIn(ruleName);
  config.seedResults(
    ruleName,
    Array.from({ length: options.priorResults ?? 0 }, (_, i) => ({
      resourceType: 'AWS::EC2::Instance',
      resourceId: syntheticInstanceId(i),
      complianceType: i % 10 < 3 ? ('NON_COMPLIANT' as const) : ('COMPLIANT' as const),
    })),
  );

  const send = (res: ServerResponse, status: number, contentType: string, body: string): void => {
    stats.bytesSent += Buffer.byteLength(body);
    res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body), 'x-amzn-requestid': 'synthetic' });
    res.end(body);
  };

  const describeInstances = (form: URLSearchParams, res: ServerResponse): void => {
    const max = Math.min(Math.max(Number(form.get('MaxResults') ?? 1000) || 1000, 5), 1000);
    stats.describeMaxResults = max;
    const offset = decodeOffset(form.get('NextToken'));
    const end = Math.min(offset + max, options.instances);
    const parts: string[] = [];
    for (let i = offset; i < end; i++) parts.push(reservationXml(i, flipped?.(i) ?? false));
    const next = end < options.instances ? `<nextToken>${encodeOffset(end)}</nextToken>` : '';
    send(
      res,
      200,
      'text/xml;charset=UTF-8',
      `<?xml version="1.0" encoding="UTF-8"?>\n<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>synthetic</requestId>` +
        `<reservationSet>${parts.join('')}</reservationSet>${next}</DescribeInstancesResponse>`,
    );
  };

  /** Counts what a PutEvaluations carries (the stand-in records it); the bench keeps no per-call log. */
  const tallyPut = (input: Record<string, unknown>): void => {
    const evaluations = Array.isArray(input.Evaluations) ? (input.Evaluations as Array<Record<string, unknown>>) : [];
    for (const e of evaluations) {
      stats.evaluations += 1;
      if (tally) {
        const id = String(e.ComplianceResourceId);
        const n = (perResource.get(id) ?? 0) + 1;
        if (n > 1) stats.duplicates += 1;
        perResource.set(id, n);
      }
    }
  };

  const server: Server = createServer((req, res) => {
    readBody(req)
      .then((bytes) => {
        const body = bytes.toString('utf8');
        const target = req.headers['x-amz-target'];
        if (typeof target === 'string') {
          const request = classify(req.method ?? 'POST', req.url ?? '/', req.headers, bytes);
          calls.set(request.operation, (calls.get(request.operation) ?? 0) + 1);
          const answer = request.service === 'config' ? config.answer(request) : undefined;
          if (!answer) return send(res, 400, 'application/x-amz-json-1.1', JSON.stringify({ __type: 'UnknownOperationException', message: request.operation }));
          if (request.operation === 'PutEvaluations' && answer.status === 200) {
            tallyPut(request.json ?? {});
            config.puts.length = 0;
          }
          return send(res, answer.status, answer.headers['content-type'] ?? 'application/x-amz-json-1.1', answer.body);
        }
        const form = new URLSearchParams(body);
        const action = form.get('Action') ?? `${req.method} ${req.url}`;
        calls.set(action, (calls.get(action) ?? 0) + 1);
        if (action === 'DescribeInstances') return describeInstances(form, res);
        return send(
          res,
          400,
          'text/xml;charset=UTF-8',
          `<Response><Errors><Error><Code>InvalidAction</Code><Message>the synthetic endpoint only pages DescribeInstances, not ${action}</Message></Error></Errors><RequestID>synthetic</RequestID></Response>`,
        );
      })
      .catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(error instanceof Error ? error.stack : error));
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    evaluationsPerResource: perResource,
    stats,
    instanceXmlBytes: Buffer.byteLength(reservationXml(12345)),
    heldResults: () => config.allResults(ruleName).length,
    setFlipped(f) {
      flipped = f;
    },
    reset() {
      calls.clear();
      perResource.clear();
      stats.evaluations = 0;
      stats.duplicates = 0;
      stats.bytesSent = 0;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
