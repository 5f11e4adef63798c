import { csvField, formatCsv } from '../../cli/scan/format/csv';
import { formatHtml } from '../../cli/scan/format/html';
import { formatJson } from '../../cli/scan/format/json';
import { formatTable } from '../../cli/scan/format/table';
import { rank, type Finding, type ScanReport } from '../../cli/scan/report';
import { finding } from './fixtures';

function report(findings: Finding[], over: Partial<ScanReport> = {}): ScanReport {
  const regions = over.regions ?? ['us-east-1', 'eu-west-1'];
  const outcomes = regions.map((region) => ({ accountId: '123456789012', region, status: 'scanned' as const }));
  return {
    accountId: '123456789012',
    regions,
    accounts: [{ accountId: '123456789012', status: 'scanned', regionsScanned: regions, regionsFailed: [], failures: [] }],
    outcomes,
    generatedAt: new Date('2026-01-02T03:04:05Z'),
    ownerTag: 'Owner',
    parameters: {},
    findings: rank(findings),
    ...over,
  };
}

const estate = [
  finding({ id: 'i-pay1', name: 'payments-api-1', owner: 'payments', instanceProfile: true, hopLimit: 1, metadataNoToken: 1234 }),
  finding({ id: 'i-pay2', owner: 'payments', instanceProfile: false, hopLimit: 2, metadataNoToken: null }),
  finding({ id: 'i-risk', owner: 'risk', instanceProfile: true, hopLimit: 2, metadataNoToken: 0 }),
  finding({ id: 'i-orphan' }),
  finding({ id: 'i-good', owner: 'payments', verdict: 'COMPLIANT', annotation: 'Requires IMDSv2: HttpTokens=required.' }),
  finding({
    id: 'arn:aws:autoscaling:us-east-1:123456789012:launchConfiguration:x:launchConfigurationName/lc-1',
    display: 'lc-1',
    kind: 'launch-configuration',
    resourceType: 'AWS::AutoScaling::LaunchConfiguration',
    rule: 'imdsv2-launch-configuration',
    instanceProfile: false,
  }),
  finding({ id: '123456789012', display: '123456789012', kind: 'account-default', resourceType: 'AWS::::Account', region: 'eu-west-1', verdict: 'COMPLIANT', annotation: 'eu-west-1 defaults: HttpTokens=required.' }),
];

describe('table', () => {
  const text = formatTable(report(estate, { usageDays: 14 }), { all: false });

  test('Groups by owner in risk order, lists only what needs work, and says how it ranks', () => {
    const headings = text.split('\n').filter((l) => /^(Owner: |\()/.test(l));
    expect(headings).toEqual([
      'Owner: payments  (2 to fix, 1 with an instance profile)',
      'Owner: risk  (1 to fix, 1 with an instance profile)',
      '(no Owner tag)  (1 to fix)',
      '(no owner: launch configurations cannot be tagged)  (1 to fix)',
    ]);
    expect(text).not.toContain('i-good');
    expect(text).toMatch(/presence of a profile only/);
    expect(text.indexOf('i-pay1')).toBeLessThan(text.indexOf('i-pay2'));
  });

  test('Rows show hop limit, profile, usage and the reason without the fix', () => {
    const row = text.split('\n').find((l) => l.includes('i-pay1'))!;
    expect(row).toMatch(/^\s+123456789012\s+i-pay1 \(payments-api-1\)\s+instance\s+us-east-1\s+NON_COMPLIANT\s+1\s+yes\s+1,234\s+Does not require IMDSv2: HttpTokens=optional\.$/);
    expect(text.split('\n').find((l) => l.includes('i-pay2'))).toMatch(/no data/);
    expect(text).not.toContain('Fix:');
  });

  test('Summary has every region, a total row, and the account default per region', () => {
    expect(text).toMatch(/REGION\s+INSTANCES\s+LAUNCH TEMPLATES\s+LAUNCH CONFIGURATIONS\s+AUTO SCALING GROUPS\s+ACCOUNT DEFAULT/);
    expect(text).toMatch(/us-east-1\s+4\/5\s+0\/0\s+1\/1\s+0\/0\s+-/);
    expect(text).toMatch(/eu-west-1\s+0\/0\s+0\/0\s+0\/0\s+0\/0\s+COMPLIANT/);
    expect(text).toMatch(/total\s+4\/5/);
    expect(text).toMatch(/Result: 5 non-compliant, 2 compliant \(7 scanned in 2 regions\)\./);
  });

  test('On a terminal only the reason is cut to the width', () => {
    const narrow = formatTable(report(estate), { all: false, width: 134 });
    const row = narrow.split('\n').find((l) => l.includes('i-pay1'))!;
    expect(row.length).toBeLessThanOrEqual(134);
    expect(row.endsWith('…')).toBe(true);
  });

  test('--all lists compliant resources; an empty scan says so', () => {
    expect(formatTable(report(estate), { all: true })).toContain('i-good');
    expect(formatTable(report([]), { all: false })).toContain('Nothing to scan: no resources found.');
    expect(formatTable(report([finding({ id: 'i-1', verdict: 'COMPLIANT' })]), { all: false })).toContain('Nothing needs work');
  });
});

describe('json', () => {
  test('Header, totals, summary, and ranked records with the fix split out', () => {
    const doc = JSON.parse(formatJson(report(estate, { usageDays: 14 }), { all: false }));
    expect(doc).toMatchObject({ tool: 'imdsv2-guard scan', accountId: '123456789012', regions: ['us-east-1', 'eu-west-1'], usageDays: 14, listed: 'needs-work' });
    expect(doc.totals).toEqual({ compliant: 2, nonCompliant: 5, notApplicable: 0, unknown: 0, total: 7 });
    expect(doc.summary).toHaveLength(10);
    expect(doc.resources.map((r: { id: string }) => r.id).slice(0, 2)).toEqual(['i-pay1', 'i-risk']);
    expect(doc.resources[0]).toMatchObject({
      type: 'instance',
      verdict: 'NON_COMPLIANT',
      reason: 'Does not require IMDSv2: HttpTokens=optional.',
      fix: expect.stringMatching(/^Fix: aws ec2 modify-instance-metadata-options/),
      hopLimit: 1,
      instanceProfile: true,
      owner: 'payments',
      metadataNoToken: 1234,
      accountId: '123456789012',
    });
    expect(doc.complete).toBe(true);
    expect(doc.accounts).toEqual([
      { accountId: '123456789012', name: null, status: 'scanned', regionsScanned: ['us-east-1', 'eu-west-1'], regionsNotScanned: [], failures: [], totals: doc.totals },
    ]);
    expect(JSON.parse(formatJson(report(estate), { all: true })).resources).toHaveLength(7);
  });
});

describe('csv', () => {
  test('Header, then one quoted-where-needed row per resource', () => {
    const lines = formatCsv(report(estate), { all: false }).trimEnd().split('\r\n');
    expect(lines[0]).toBe('account_id,id,name,type,region,verdict,hop_limit,instance_profile,owner,imdsv1_calls,reason,fix,resource_type,rule');
    expect(lines).toHaveLength(6);
    expect(lines[1]).toMatch(/^123456789012,i-pay1,payments-api-1,instance,us-east-1,NON_COMPLIANT,1,yes,payments,1234,Does not require IMDSv2: HttpTokens=optional\.,Fix: /);
  });

  test('Fields: quotes doubled, separators quoted, formulas defused, nulls empty', () => {
    expect(csvField('a "b", c')).toBe('"a ""b"", c"');
    expect(csvField('line\nbreak')).toBe('"line\nbreak"');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('-1')).toBe("'-1");
    expect(csvField(-1)).toBe('-1');
    expect(csvField(null)).toBe('');
  });
});

describe('html', () => {
  const hostile = finding({ id: 'i-x', name: '<script>alert(1)</script>', owner: '"><img src=x onerror=alert(1)>', instanceProfile: true, metadataNoToken: 3 });
  const page = formatHtml(report([...estate, hostile], { usageDays: 14 }), { all: false });

  test('One self-contained page: a CSP that forbids every fetch, no script, no external reference', () => {
    expect(page).toMatch(/^<!DOCTYPE html>/);
    expect(page).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
    expect(page).not.toMatch(/<script|<link|@import|url\(|src="http|href="http/i);
  });

  test('Every value from AWS is escaped (tag values and names can hold markup)', () => {
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(page).not.toContain('<img');
  });

  test('Headline numbers, two SVG charts, per-region table, riskiest first with fix commands, coverage', () => {
    expect(page).toMatch(/<div class="card bad"><b>6<\/b>resources still allow IMDSv1/);
    expect(page).toMatch(/<svg id="chart-accounts" class="chart" role="img"/);
    expect(page).toMatch(/<svg id="chart-kinds" class="chart" role="img"/);
    expect(page).toMatch(/<table id="regions">.*<td>us-east-1<\/td>.*<td>eu-west-1<\/td>/s);
    // Instance profile first, then the most IMDSv1 calls: i-pay1 (1,234) before i-x (3) before i-risk (0).
    const order = ['i-pay1', 'i-x', 'i-risk', 'i-pay2'].map((id) => page.indexOf(`<td>${id}`));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(page).toContain('<code>aws ec2 modify-instance-metadata-options --instance-id x --http-tokens required</code>');
    expect(page).toMatch(/<table id="coverage">.*123456789012.*scanned/s);
  });

  test('Hundreds of accounts: the 40 with the most left are drawn, the rest counted', () => {
    const ids = Array.from({ length: 50 }, (_, i) => String(100000000000 + i));
    const findings = ids.slice(0, 45).flatMap((accountId, i) => Array.from({ length: (i % 3) + 1 }, (_, k) => finding({ id: `i-${i}-${k}`, accountId })));
    const big = formatHtml(
      report(findings, {
        accounts: ids.map((accountId) => ({ accountId, status: 'scanned' as const, regionsScanned: ['us-east-1'], regionsFailed: [], failures: [] })),
        regions: ['us-east-1'],
      }),
      { all: false },
    );
    const chart = /<svg id="chart-accounts"[\s\S]*?<\/svg>/.exec(big)![0];
    expect(chart.match(/<rect /g)).toHaveLength(40);
    expect(big).toContain('5 accounts with nothing left in what was scanned; 5 more accounts with work left not drawn');
  });
});
