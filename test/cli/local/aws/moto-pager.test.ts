// The launch-template pager of the one local AWS (cli/local/aws/moto-pager.ts): moto 5.2.1 cuts
// DescribeLaunchTemplates and the account-wide DescribeLaunchTemplateVersions at MaxResults without a
// NextToken; through the pager both page as EC2 does. The real SDK client and its paginators, against
// moto, both directly (to show the gap is real) and through the pager.
import {
  CreateLaunchTemplateCommand,
  DescribeLaunchTemplatesCommand,
  DescribeLaunchTemplateVersionsCommand,
  EC2Client,
  paginateDescribeLaunchTemplates,
  paginateDescribeLaunchTemplateVersions,
} from '@aws-sdk/client-ec2';
import { startLocalMoto, startMotoPager, type MotoPager, type MotoServer } from '../../../../cli/local/aws';

const TEMPLATES = 37;
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const client = (endpoint: string) => new EC2Client({ region: 'us-east-1', endpoint, credentials, maxAttempts: 1 });

let moto: MotoServer;
let pager: MotoPager;

beforeAll(async () => {
  moto = await startLocalMoto();
  pager = await startMotoPager(moto.url);
  const ec2 = client(moto.url);
  for (let i = 0; i < TEMPLATES; i++) {
    await ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: `pager-${String(i).padStart(2, '0')}`, LaunchTemplateData: { InstanceType: 't3.micro' } }));
  }
  ec2.destroy();
});

afterAll(async () => {
  await pager?.stop();
  await moto?.stop();
});

test('the gap: moto alone answers one page of 10 and no NextToken', async () => {
  const ec2 = client(moto.url);
  const out = await ec2.send(new DescribeLaunchTemplatesCommand({ MaxResults: 10 }));
  expect(out.LaunchTemplates).toHaveLength(10);
  expect(out.NextToken).toBeUndefined();
  ec2.destroy();
});

test('DescribeLaunchTemplates through the pager: pages of 10 with a NextToken, every template once', async () => {
  const ec2 = client(pager.url);
  const pages: number[] = [];
  const names: string[] = [];
  for await (const page of paginateDescribeLaunchTemplates({ client: ec2 }, { MaxResults: 10 })) {
    pages.push(page.LaunchTemplates?.length ?? 0);
    names.push(...(page.LaunchTemplates ?? []).map((t) => t.LaunchTemplateName ?? ''));
  }
  expect(pages).toEqual([10, 10, 10, 7]);
  expect(new Set(names).size).toBe(TEMPLATES);
  expect(pager.paged.get('DescribeLaunchTemplates')).toBe(4);
  ec2.destroy();
});

test('account-wide DescribeLaunchTemplateVersions ($Default, $Latest) through the pager: every template, paged', async () => {
  const ec2 = client(pager.url);
  const ids = new Set<string>();
  let pages = 0;
  for await (const page of paginateDescribeLaunchTemplateVersions({ client: ec2 }, { Versions: ['$Default', '$Latest'], MaxResults: 20 })) {
    pages++;
    for (const v of page.LaunchTemplateVersions ?? []) ids.add(v.LaunchTemplateId ?? '');
  }
  expect(pages).toBeGreaterThan(1);
  expect(ids.size).toBe(TEMPLATES);
  ec2.destroy();
});

test('a version read of one template passes through unchanged', async () => {
  const ec2 = client(pager.url);
  const before = pager.paged.get('DescribeLaunchTemplateVersions') ?? 0;
  const out = await ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateName: 'pager-00', Versions: ['$Latest'] }));
  expect(out.LaunchTemplateVersions?.map((v) => v.LaunchTemplateName)).toEqual(['pager-00']);
  expect(pager.paged.get('DescribeLaunchTemplateVersions') ?? 0).toBe(before);
  ec2.destroy();
});
