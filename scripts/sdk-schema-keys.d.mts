import type { Plugin } from 'esbuild';

/** The source with every computed key that names a string constant written as that string. */
export function inlineSchemaKeys(source: string): { contents: string; replaced: number };
/** The esbuild plugin; `stats` (optional) collects how many keys were rewritten per file. */
export function sdkSchemaKeys(stats?: Map<string, number>): Plugin;
