import { requestId, xmlEscape, xmlResponse, type AwsRequest, type FrontResponse } from './protocol';

/**
 * Stand-in for the part of Auto Scaling's DescribeWarmPool that moto 5.2.1 leaves out: moto keeps a
 * group's warm pool configuration (PutWarmPool) but never any instances in it (`Instances` is always
 * empty). Tests seed the warm pool's instances (real moto instances, so DescribeInstances shows their
 * metadata options); for a seeded group the front answers DescribeWarmPool itself, paging 50 (or
 * MaxRecords) at a time as AWS does. Groups not seeded are forwarded to moto unchanged.
 */

export interface WarmPoolInstance {
  readonly instanceId: string;
  /** `Warmed:Stopped`, `Warmed:Running`, `Warmed:Hibernated`, `Warmed:Pending`, `Warmed:Terminating`, … */
  readonly lifecycleState: string;
}

const NAMESPACE = 'http://autoscaling.amazonaws.com/doc/2011-01-01/';
/** DescribeWarmPool's MaxRecords ceiling (API reference: "The maximum value is 50"). */
const MAX_RECORDS = 50;

export class AutoScalingStandIn {
  private readonly warmPools = new Map<string, { poolState: string; instances: WarmPoolInstance[] }>();

  /** Seeds the warm pool of a group in a region with these instances (the group itself lives in moto). */
  setWarmPool(region: string, groupName: string, instances: readonly WarmPoolInstance[], poolState = 'Stopped'): void {
    this.warmPools.set(`${region}/${groupName}`, { poolState, instances: [...instances] });
  }

  reset(): void {
    this.warmPools.clear();
  }

  answer(request: AwsRequest): FrontResponse | undefined {
    if (request.operation !== 'DescribeWarmPool') return undefined;
    const form = request.form ?? new URLSearchParams();
    const pool = this.warmPools.get(`${request.region}/${form.get('AutoScalingGroupName') ?? ''}`);
    if (!pool) return undefined;
    const size = Math.min(Number(form.get('MaxRecords') ?? MAX_RECORDS) || MAX_RECORDS, MAX_RECORDS);
    const start = Number(form.get('NextToken') ?? '0') || 0;
    const page = pool.instances.slice(start, start + size);
    const next = start + size < pool.instances.length ? `<NextToken>${start + size}</NextToken>` : '';
    const members = page
      .map(
        (i) =>
          `<member><InstanceId>${xmlEscape(i.instanceId)}</InstanceId><InstanceType>t3.micro</InstanceType>` +
          `<AvailabilityZone>${xmlEscape(request.region)}a</AvailabilityZone><LifecycleState>${xmlEscape(i.lifecycleState)}</LifecycleState>` +
          `<HealthStatus>Healthy</HealthStatus><ProtectedFromScaleIn>false</ProtectedFromScaleIn></member>`,
      )
      .join('');
    return xmlResponse(
      `<?xml version="1.0" encoding="UTF-8"?>\n<DescribeWarmPoolResponse xmlns="${NAMESPACE}"><DescribeWarmPoolResult>` +
        `<WarmPoolConfiguration><MinSize>0</MinSize><PoolState>${xmlEscape(pool.poolState)}</PoolState></WarmPoolConfiguration>` +
        `<Instances>${members}</Instances>${next}</DescribeWarmPoolResult>` +
        `<ResponseMetadata><RequestId>${requestId()}</RequestId></ResponseMetadata></DescribeWarmPoolResponse>`,
    );
  }
}
