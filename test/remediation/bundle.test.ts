import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { spawnSync } from 'node:child_process';
import { Imdsv2Remediation, REMEDIATIONS } from '../../lib/remediation';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const HELPERS = Object.values(REMEDIATIONS).flatMap((r) => (r.helper ? [r.helper.entry] : []));

/**
 * The remediation functions bundled by `scripts/build-lambdas.mjs --entry … --outfile …`, as
 * `npm run build` and the CDK build them (here into a scratch directory).
 */
describe('remediation function bundles', () => {
  const outdir = mkdtempSync(path.join(tmpdir(), 'imdsv2-guard-remediation-bundle-'));
  const bundle = (name: string) => path.join(outdir, name, 'index.js');
  beforeAll(() => {
    for (const name of HELPERS) {
      const entry = path.join(REPO_ROOT, 'lambda', 'remediation', name, 'handler.ts');
      const run = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'build-lambdas.mjs'), '--entry', entry, '--outfile', bundle(name)], { encoding: 'utf8' });
      if (run.status !== 0) throw new Error(`bundling ${name} failed:\n${run.stderr}`);
    }
  });
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  test('there are four, one per document that needs a TypeScript step', () => {
    expect(HELPERS.sort()).toEqual(['imdsv1-usage-gate', 'launch-template-version', 'migrate-launch-configuration', 'refresh-group']);
  });

  test.each(HELPERS)('%s: one self-contained file exporting handler; error class names survive minification', (name) => {
    const code = readFileSync(bundle(name), 'utf8');
    const external = [...code.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]).filter((m) => !m.startsWith('node:'));
    expect([...new Set(external)].filter((m) => m !== '@aws-sdk/signature-v4-crt')).toEqual([]);
    expect(code.includes('"InvalidInputError"')).toBe(true);
    const loaded = require(bundle(name)) as { handler?: unknown };
    expect(typeof loaded.handler).toBe('function');
  });

  test('the bundled gate refuses a bad payload before calling AWS, with its typed error', async () => {
    const { handler } = require(bundle('imdsv1-usage-gate')) as { handler: (e: unknown) => Promise<unknown> };
    await expect(handler({ InstanceId: 'not-an-instance' })).rejects.toMatchObject({ name: 'InvalidInputError', code: 'InvalidInput' });
  });

  // The one test here that lets CDK run esbuild: what AWS runs is what these tests run.
  test('the function CDK deploys is byte for byte this bundle', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': ['**'] } });
    const stack = new Stack(app, 'Bundled');
    const r = new Imdsv2Remediation(stack, 'Instance', { ruleId: 'imdsv2-instance', mode: 'documents-only' });
    const assembly = app.synth();
    const key: string = Template.fromStack(stack).toJSON().Resources[stack.getLogicalId(r.function!.node.defaultChild as never)].Properties.Code.S3Key;
    const deployed = readFileSync(path.join(assembly.directory, `asset.${key.replace(/\.zip$/, '')}`, 'index.js'));
    expect(deployed.equals(readFileSync(bundle('imdsv1-usage-gate')))).toBe(true);
  });
});
