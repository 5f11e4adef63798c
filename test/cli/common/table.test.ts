import { clip, columnWidths, formatRow, renderColumns } from '../../../cli/common/table';
import { formatDoctorTable } from '../../../cli/doctor/format';
import type { DoctorReport } from '../../../cli/doctor/report';
import { remediationTable, type RemediationRow } from '../../../cli/demo/remediate';

describe('renderColumns', () => {
  test('Compliance: columns padded to the widest cell, two spaces apart, the last column never padded', () => {
    expect(
      renderColumns([
        ['ACCOUNT', 'REGION', 'DETAIL'],
        ['111122223333', 'eu-west-1', 'ok'],
        ['1', 'us-east-1', 'a longer detail'],
      ]),
    ).toEqual(['ACCOUNT       REGION     DETAIL', '111122223333  eu-west-1  ok', '1             us-east-1  a longer detail']);
  });

  test('Compliance: indent, per-boundary gaps, right alignment and minimum widths', () => {
    const rows = [
      ['imdsv2-instance', '12.5 KiB', '-> a.zip'],
      ['remediation/refresh-group', '3.0 KiB', '-> b.zip'],
    ];
    expect(renderColumns(rows, { indent: '  ', gap: [' ', '  '], alignRight: [1], minWidths: [0, 9] })).toEqual([
      '  imdsv2-instance            12.5 KiB  -> a.zip',
      '  remediation/refresh-group   3.0 KiB  -> b.zip',
    ]);
  });

  test('Compliance: trailing white space is removed (an empty last cell leaves no blanks)', () => {
    expect(renderColumns([['a', 'bb', ''], ['ccc', 'd', '']])).toEqual(['a    bb', 'ccc  d']);
  });

  test('Compliance: formatRow keeps fixed widths and trailing blanks, for lines printed one at a time', () => {
    expect(formatRow(['label', 'COMPLIANT', ''], [8, 12], { indent: '    ', gap: ' ' })).toBe('    label    COMPLIANT    ');
    expect(columnWidths([['ab', 'c'], ['d', 'efg']], [3])).toEqual([3, 3]);
  });

  test('Compliance: clip cuts to the width with an ellipsis, never below one character', () => {
    expect(clip('abcdef', 10)).toBe('abcdef');
    expect(clip('abcdef', 4)).toBe('abc…');
    expect(clip('abcdef', 0)).toBe('a…');
  });
});

// The callers' output, pinned byte for byte as it was before they shared the renderer.
describe('callers', () => {
  test('doctor: the check table', () => {
    const report = {
      generatedAt: new Date('2026-01-01T00:00:00Z'),
      targets: [
        {
          accountId: '111122223333',
          region: 'eu-west-1',
          checks: [
            { check: 'config-recorder', status: 'ok', detail: 'recording' },
            { check: 'rules', status: 'fail', detail: '2 of 5 missing' },
          ],
        },
      ],
    } as unknown as DoctorReport;
    const lines = formatDoctorTable(report).split('\n');
    expect(lines.slice(0, 3)).toEqual([
      'ACCOUNT       REGION     CHECK            STATUS  DETAIL',
      '111122223333  eu-west-1  config-recorder  ok      recording',
      '111122223333  eu-west-1  rules            FAIL    2 of 5 missing',
    ]);
  });

  test('demo: the remediation table, with each detail under its row', () => {
    const row = (resource: string, before: string, after: string, outcome: RemediationRow['outcome'], detail: string): RemediationRow =>
      ({ resource, document: 'imdsv2-instance', before, after, outcome, detail, standIns: [], expected: { outcome, after } }) as unknown as RemediationRow;
    const lines = remediationTable([row('i-0abc', 'NON_COMPLIANT', 'COMPLIANT', 'changed', 'tokens required'), row('i-0def', 'NON_COMPLIANT', 'NON_COMPLIANT', 'stopped', 'IMDSv1 calls seen')]);
    expect(lines).toEqual([
      '  RESOURCE  DOCUMENT         VERDICT BEFORE → AFTER         OUTCOME',
      '  i-0abc    imdsv2-instance  NON_COMPLIANT → COMPLIANT      changed',
      '      ↳ tokens required',
      '  i-0def    imdsv2-instance  NON_COMPLIANT → NON_COMPLIANT  stopped by safety gate, nothing changed',
      '      ↳ "IMDSv1 calls seen"',
    ]);
  });
});
