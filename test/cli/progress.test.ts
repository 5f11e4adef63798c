import { BufferStream } from '../../cli/io';
import { BarProgress, LineProgress, NO_PROGRESS, progressFor } from '../../cli/scan/progress';

describe('progress', () => {
  test('A terminal gets a bar, anything else quiet lines, --no-progress nothing', () => {
    expect(progressFor(new BufferStream(true, 80), true)).toBeInstanceOf(BarProgress);
    expect(progressFor(new BufferStream(false), true)).toBeInstanceOf(LineProgress);
    expect(progressFor(new BufferStream(true, 80), false)).toBe(NO_PROGRESS);
  });

  test('Lines: one per region, with counts', () => {
    const out = new BufferStream();
    const p = new LineProgress(out);
    p.start();
    p.regionDone('eu-west-1', [['instance', 3], ['launch template', 1]], 1234);
    p.finish();
    expect(out.text).toBe('imdsv2-guard: scanned eu-west-1: 3 instances, 1 launch template (1.2 s)\n');
  });

  test('Bar: counts steps, regions and resources, fits the width, and erases itself', () => {
    const out = new BufferStream(true, 120);
    let clock = 0;
    const bar = new BarProgress(out, 80, () => (clock += 100));
    bar.start(10, 2);
    bar.activity('us-east-1', 'instances');
    bar.resources(42);
    for (let i = 0; i < 5; i++) bar.stepDone();
    bar.regionDone();
    expect(bar.line(120)).toMatch(/^scanning [█░]+ 5\/10 steps · 1\/2 regions · 42 resources · us-east-1 instances$/);
    expect(bar.line(50).length).toBeLessThanOrEqual(49);
    bar.finish();
    expect(out.text.endsWith('\r\x1b[2K')).toBe(true);
  });
});
