import { IdSet } from '../../lambda/kit/id-set';

/** A small deterministic generator, so a failure names a reproducible sequence. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const hex = (next: () => number, n: number) =>
  Array.from({ length: n }, () => '0123456789abcdef'[Math.floor(next() * 16)]).join('');

describe('IdSet', () => {
  test('add says whether the id was new; has and size agree with a Set', () => {
    const ids = new IdSet();
    expect(ids.add('i-0123456789abcdef0')).toBe(true);
    expect(ids.add('i-0123456789abcdef0')).toBe(false);
    expect(ids.has('i-0123456789abcdef0')).toBe(true);
    expect(ids.has('i-0123456789abcdef1')).toBe(false);
    expect(ids.has('')).toBe(false);
    expect(ids.add('')).toBe(true);
    expect(ids.has('')).toBe(true);
    expect(ids.size).toBe(2);
  });

  test('matches a Set over 150,000 random adds and lookups of instance ids, launch template ids and ARNs', () => {
    const next = random(7);
    const reference = new Set<string>();
    const ids = new IdSet();
    const pool: string[] = [];
    const mismatches: string[] = [];
    for (let i = 0; i < 150_000; i++) {
      const r = next();
      // Reuse an earlier id a quarter of the time, so duplicates are exercised at every size.
      const id =
        pool.length > 0 && r < 0.25
          ? pool[Math.floor(next() * pool.length)]
          : r < 0.6
            ? `i-${hex(next, 17)}`
            : r < 0.8
              ? `lt-${hex(next, 17)}`
              : `arn:aws:autoscaling:eu-west-1:123456789012:autoScalingGroup:${hex(next, 8)}:autoScalingGroupName/group-${i}`;
      pool.push(id);
      if (ids.add(id) === reference.has(id)) mismatches.push(`add ${id}`);
      reference.add(id);
    }
    for (const id of pool) if (!ids.has(id)) mismatches.push(`has ${id}`);
    for (let i = 0; i < 10_000; i++) {
      const other = `i-${hex(next, 17)}`;
      if (ids.has(other) !== reference.has(other)) mismatches.push(`has ${other}`);
    }
    expect(mismatches).toEqual([]);
    expect(ids.size).toBe(reference.size);
  });

  test('ids that differ only in length or in one character are distinct (prefixes, same hash bucket)', () => {
    const ids = new IdSet();
    const family = ['a', 'ab', 'abc', 'abd', 'abc ', ' abc', 'ABC', 'i-1', 'i-10', 'i-01'];
    for (const id of family) expect(ids.add(id)).toBe(true);
    for (const id of family) expect(ids.has(id)).toBe(true);
    expect(ids.has('abcd')).toBe(false);
    expect(ids.size).toBe(family.length);
  });

  test('Latin-1 characters are packed; characters above U+00FF and over-long ids still work exactly', () => {
    const ids = new IdSet();
    const odd = ['grupo-producción', 'グループ', 'emoji-🚀', 'x'.repeat(5_000), 'x'.repeat(4_096), 'x'.repeat(4_097)];
    for (const id of odd) expect(ids.add(id)).toBe(true);
    for (const id of odd) {
      expect(ids.has(id)).toBe(true);
      expect(ids.add(id)).toBe(false);
    }
    // A packed Latin-1 id and a fallback id with the same first bytes are different ids.
    expect(ids.has('グループ'.slice(0, 3))).toBe(false);
    expect(ids.has('x'.repeat(4_095))).toBe(false);
    expect(ids.size).toBe(odd.length);
  });

  test('ids across many 64 KB chunks, with chunk ends not lining up with ids, read back exactly', () => {
    const ids = new IdSet();
    // 255-character names (the Auto Scaling limit): 257 bytes each, so every chunk ends mid-id.
    const names = Array.from({ length: 2_000 }, (_, i) => `${String(i).padStart(6, '0')}-${'n'.repeat(248)}`);
    for (const n of names) ids.add(n);
    for (const n of names) expect(ids.has(n)).toBe(true);
    expect(ids.has(`${String(2_000).padStart(6, '0')}-${'n'.repeat(248)}`)).toBe(false);
    expect(ids.size).toBe(2_000);
  });

  test('the constructor takes initial ids', () => {
    const ids = new IdSet(['a', 'b', 'a']);
    expect(ids.size).toBe(2);
    expect(ids.has('b')).toBe(true);
  });
});

describe('IdSet values: a 32-bit value per id (the sweep keeps result fingerprints there)', () => {
  test('set, get and replace; an id only added has 0; an absent one undefined', () => {
    const s = new IdSet();
    s.set('i-1', 7);
    s.add('i-2');
    s.set('i-1', -5);
    expect(s.get('i-1')).toBe(-5);
    expect(s.get('i-2')).toBe(0);
    expect(s.get('i-3')).toBeUndefined();
    expect(s.add('i-1')).toBe(false);
    expect(s.get('i-1')).toBe(-5); // add keeps the value
  });

  test('entries gives back every id with its value, packed and fallback ids alike, across growth', () => {
    const s = new IdSet();
    const ids = Array.from({ length: 5_000 }, (_, i) => `arn:aws:autoscaling:us-east-1:123456789012:launchConfiguration:${i}`);
    ids.forEach((id, i) => s.set(id, i * 3));
    s.set('ünïcode-ĳ', 42); // above U+00FF: the fallback map
    s.set('x'.repeat(5_000), 43); // too long to pack
    const entries = new Map(s.entries());
    expect(entries.size).toBe(5_002);
    ids.forEach((id, i) => expect(entries.get(id)).toBe(i * 3));
    expect(entries.get('ünïcode-ĳ')).toBe(42);
    expect(entries.get('x'.repeat(5_000))).toBe(43);
    expect(s.get('ünïcode-ĳ')).toBe(42);
  });
});
