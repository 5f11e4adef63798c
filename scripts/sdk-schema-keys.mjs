// An esbuild plugin for the AWS SDK v3 schema modules (`@aws-sdk/*/dist-es/schemas/schemas_0.js`):
// it lets esbuild drop the shapes of the operations a bundle never sends.
//
// Why: each client keeps every shape of its service in one generated module (EC2: ~33,000 lines,
// ~550 KB minified), one `export var X$ = [...]` per shape. esbuild drops an unused declaration
// only when it can prove evaluating it has no side effect, and these arrays hold object literals
// with computed keys (`{ [_xN]: _TSa }`, where `const _xN = "xmlName"` sits at the top of the
// file). A computed key may run code (toString on an object), so esbuild keeps every shape, and
// V8 then reads all of them at every cold start. Written with the key itself (`{ "xmlName": _TSa }`)
// the object is the same, provably pure, and esbuild keeps only the shapes reachable from the
// commands the bundle imports.
//
// The rewrite replaces `[_name]:` only where `_name` is a top-level `const` of a plain string
// literal in the same file; anything else is left as it is (it is then merely not shaken). A
// `__proto__` key is never rewritten: written literally it would set the prototype instead of
// creating a property.

import { readFile } from 'node:fs/promises';

const SCHEMA_MODULE = /[\\/]@aws-sdk[\\/].+[\\/]dist-es[\\/]schemas[\\/]schemas_\d+\.js$/;
const STRING_CONST = /^const (_\w+) = ("[^"\\\n]*");$/gm;
// Preceded by `{` or `,`: a property key, never an array literal (`a ? [_x] : b`).
const COMPUTED_KEY = /([{,]\s*)\[(_\w+)\]:/g;

/** The source with every computed key that names a string constant written as that string. */
export function inlineSchemaKeys(source) {
  const strings = new Map();
  for (const m of source.matchAll(STRING_CONST)) strings.set(m[1], m[2]);
  let replaced = 0;
  const contents = source.replace(COMPUTED_KEY, (whole, before, name) => {
    const literal = strings.get(name);
    if (literal === undefined || literal === '"__proto__"') return whole;
    replaced++;
    return `${before}${literal}:`;
  });
  return { contents, replaced };
}

/** The esbuild plugin; `stats` (optional) collects how many keys were rewritten per file. */
export function sdkSchemaKeys(stats) {
  return {
    name: 'sdk-schema-keys',
    setup(build) {
      build.onLoad({ filter: SCHEMA_MODULE }, async (args) => {
        const { contents, replaced } = inlineSchemaKeys(await readFile(args.path, 'utf8'));
        if (stats) stats.set(args.path, replaced);
        return { contents, loader: 'js' };
      });
    },
  };
}
