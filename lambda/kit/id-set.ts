/**
 * A set of resource ids for the periodic sweep, which must remember every id it evaluated (to skip
 * a resource listed twice and to clear results of resources that are gone) while it streams the
 * estate page by page.
 *
 * A `Set<string>` costs about 110 bytes of heap per id once the ids outlive the young generation
 * (measured: 11 MB at 100,000 instance ids, a tenth of a 128 MB function). Here each id is copied
 * into 64 KB byte chunks (one byte per character, plus two for its length) and found through an
 * open-addressed table of 32-bit hashes: about 21 + 16 bytes per instance id, outside the JS heap,
 * so the garbage collector neither scans nor moves it. Ids with a character above U+00FF, or longer
 * than 4,096 characters, go to an ordinary `Map` instead: exact either way.
 *
 * Each id can carry a 32-bit value (4 more bytes per id): the sweep keeps there a fingerprint of the
 * result AWS Config holds for the resource (`result-fingerprint.ts`).
 */
const CHUNK_BYTES = 64 * 1024;
/** Longest id kept in the byte chunks; longer ones (none AWS issues) go to the fallback set. */
const MAX_PACKED_LENGTH = 4096;
const INITIAL_SLOTS = 1024;

function hashOf(id: string): number {
  // FNV-1a, 32 bits.
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}

function packable(id: string): boolean {
  if (id.length > MAX_PACKED_LENGTH) return false;
  for (let i = 0; i < id.length; i++) if (id.charCodeAt(i) > 0xff) return false;
  return true;
}

export class IdSet {
  private readonly chunks: Uint8Array[] = [];
  /** Bytes used in the last chunk. */
  private used = CHUNK_BYTES;
  /** Per entry: where its bytes start (chunk index * CHUNK_BYTES + offset), and its hash. */
  private starts = new Int32Array(INITIAL_SLOTS / 2);
  private hashes = new Int32Array(INITIAL_SLOTS / 2);
  /** Per entry: a 32-bit value (`set`), 0 for ids only added. */
  private values = new Int32Array(INITIAL_SLOTS / 2);
  /** Open addressing, linear probing: 0 is empty, otherwise entry index + 1. */
  private slots = new Int32Array(INITIAL_SLOTS);
  private count = 0;
  private readonly others = new Map<string, number>();

  constructor(ids: Iterable<string> = []) {
    for (const id of ids) this.add(id);
  }

  get size(): number {
    return this.count + this.others.size;
  }

  has(id: string): boolean {
    if (!packable(id)) return this.others.has(id);
    return this.find(id, hashOf(id)) >= 0;
  }

  /** Adds the id; true when it was not there before. */
  add(id: string): boolean {
    return this.put(id, undefined);
  }

  /** Adds the id with a 32-bit value, or replaces the value of an id already there. */
  set(id: string, value: number): void {
    this.put(id, value | 0);
  }

  /** The id's value (0 for an id only added), or undefined when the id is not there. */
  get(id: string): number | undefined {
    if (!packable(id)) return this.others.get(id);
    const slot = this.find(id, hashOf(id));
    return slot < 0 ? undefined : this.values[this.slots[slot] - 1];
  }

  /** Every id with its value, in the order they were first added (the fallback ids last). */
  *entries(): IterableIterator<[string, number]> {
    for (let e = 0; e < this.count; e++) yield [this.read(this.starts[e]), this.values[e]];
    yield* this.others.entries();
  }

  /** true when the id was not there before. */
  private put(id: string, value: number | undefined): boolean {
    if (!packable(id)) {
      const known = this.others.has(id);
      if (!known || value !== undefined) this.others.set(id, value ?? 0);
      return !known;
    }
    const hash = hashOf(id);
    const slot = this.find(id, hash);
    if (slot >= 0) {
      if (value !== undefined) this.values[this.slots[slot] - 1] = value;
      return false;
    }
    if ((this.count + 1) * 2 > this.slots.length) this.grow();
    const entry = this.count++;
    if (entry >= this.starts.length) {
      this.starts = grown(this.starts);
      this.hashes = grown(this.hashes);
      this.values = grown(this.values);
    }
    this.starts[entry] = this.write(id);
    this.hashes[entry] = hash;
    this.values[entry] = value ?? 0;
    this.slots[this.freeSlot(hash)] = entry + 1;
    return true;
  }

  /** The slot holding `id`, or -1. */
  private find(id: string, hash: number): number {
    const mask = this.slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const e = this.slots[slot];
      if (e === 0) return -1;
      if (this.hashes[e - 1] === hash && this.equals(this.starts[e - 1], id)) return slot;
    }
  }

  private freeSlot(hash: number): number {
    const mask = this.slots.length - 1;
    let slot = hash & mask;
    while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
    return slot;
  }

  private grow(): void {
    this.slots = new Int32Array(this.slots.length * 2);
    for (let e = 0; e < this.count; e++) this.slots[this.freeSlot(this.hashes[e])] = e + 1;
  }

  private write(id: string): number {
    const need = id.length + 2;
    if (this.used + need > CHUNK_BYTES) {
      this.chunks.push(new Uint8Array(CHUNK_BYTES));
      this.used = 0;
    }
    const chunk = this.chunks[this.chunks.length - 1];
    const at = this.used;
    chunk[at] = id.length >>> 8;
    chunk[at + 1] = id.length & 0xff;
    for (let i = 0; i < id.length; i++) chunk[at + 2 + i] = id.charCodeAt(i);
    this.used += need;
    return (this.chunks.length - 1) * CHUNK_BYTES + at;
  }

  private read(start: number): string {
    const chunk = this.chunks[Math.floor(start / CHUNK_BYTES)];
    const at = start % CHUNK_BYTES;
    const length = (chunk[at] << 8) | chunk[at + 1];
    let id = '';
    for (let i = 0; i < length; i++) id += String.fromCharCode(chunk[at + 2 + i]);
    return id;
  }

  private equals(start: number, id: string): boolean {
    const chunk = this.chunks[Math.floor(start / CHUNK_BYTES)];
    const at = start % CHUNK_BYTES;
    if (((chunk[at] << 8) | chunk[at + 1]) !== id.length) return false;
    for (let i = 0; i < id.length; i++) if (chunk[at + 2 + i] !== id.charCodeAt(i)) return false;
    return true;
  }
}

function grown(a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}
