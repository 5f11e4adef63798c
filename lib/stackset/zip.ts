import { crc32, deflateRawSync } from 'node:zlib';

/** One file of a zip archive. */
export interface ZipEntry {
  /** Path inside the archive, `/`-separated, e.g. `index.js`. */
  readonly name: string;
  readonly data: Buffer;
}

// MS-DOS date of 1980-01-01 00:00:00, the earliest a zip can hold: fixed so equal inputs give equal bytes.
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
// Made by Unix (3) with zip spec 2.0, so the external attributes carry a Unix mode: a regular
// file readable by everyone (0644), which Lambda needs to read the handler.
const VERSION_MADE_BY = (3 << 8) | 20;
const VERSION_NEEDED = 20;
const DEFLATE = 8;
const REGULAR_FILE_0644 = (0o100644 << 16) >>> 0;

/**
 * A deterministic zip archive (PKZIP 2.0, deflate, no data descriptors, no extra fields): fixed
 * timestamps and modes, entries in the order given. The same inputs give the same bytes on the same
 * zlib, so a package only changes when its contents do. Lambda's "zip with index.js at the root"
 * is `zip([{ name: 'index.js', data }])`.
 */
export function zip(entries: readonly ZipEntry[]): Buffer {
  const names = new Set<string>();
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    if (!entry.name || entry.name.startsWith('/') || entry.name.split('/').includes('..') || names.has(entry.name)) {
      throw new Error(`zip: invalid or duplicate entry name "${entry.name}"`);
    }
    names.add(entry.name);
    const name = Buffer.from(entry.name, 'utf8');
    const flags = /[^\x20-\x7e]/.test(entry.name) ? 0x0800 : 0; // bit 11: the name is UTF-8
    const compressed = deflateRawSync(entry.data, { level: 9 });
    const crc = crc32(entry.data);
    if (entry.data.length > 0xfffffffe || compressed.length > 0xfffffffe || offset > 0xfffffffe) {
      throw new Error('zip: archives over 4 GiB (ZIP64) are not supported');
    }

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(VERSION_NEEDED, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(DEFLATE, 8);
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(entry.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, name, compressed);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(VERSION_MADE_BY, 4);
    central.writeUInt16LE(VERSION_NEEDED, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(DEFLATE, 10);
    central.writeUInt16LE(DOS_TIME, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(entry.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    // extra length, comment length, disk number start, internal attributes: all 0
    central.writeUInt32LE(REGULAR_FILE_0644, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);

    offset += local.length + name.length + compressed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  // this disk and the directory's disk: 0
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  // comment length: 0
  return Buffer.concat([...locals, directory, end]);
}
