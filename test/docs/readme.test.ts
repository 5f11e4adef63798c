import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { REPO_ROOT } from '../lib/support';
import { anchorsOf, headingsOf, sectionOf } from './markdown';

/**
 * The README is what a newcomer reads first: short, the two quick-start commands on the first
 * screen, a table of contents, and the depth in docs/, every page of it reachable from the README and
 * every link between them intact.
 */

const read = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');
const README = read('README.md');
const DOCS = readdirSync(join(REPO_ROOT, 'docs'))
  .filter((f) => f.endsWith('.md'))
  .map((f) => `docs/${f}`);
/** The other Markdown a reader follows links through (their content is owned elsewhere). */
const OTHER_MARKDOWN = ['RULES.md', 'cli/README.md', 'bench/README.md', 'test/integration/harness/README.md'];

/** Links outside fenced code: `[text](target)`, the target as written. */
function linksOf(text: string): string[] {
  const prose = text.replace(/^\s*```[\s\S]*?^\s*```/gm, '');
  return [...prose.matchAll(/\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]);
}

const isRelative = (target: string) => !/^[a-z][a-z0-9+.-]*:/i.test(target);

test('the README has at most 300 lines', () => {
  expect(README.trimEnd().split('\n').length).toBeLessThanOrEqual(300);
});

test('both quick-start commands, and what they need, are on the first screen (60 lines)', () => {
  const firstScreen = README.split('\n').slice(0, 60).join('\n');
  const commands = [...firstScreen.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => m[1].split('\n').map((l) => l.replace(/#.*/, '').trim()));
  expect(commands).toContain('npm ci && npm run demo');
  expect(commands).toContain('npm ci && npm test');
  const scripts = JSON.parse(read('package.json')).scripts as Record<string, string>;
  expect(Object.keys(scripts)).toEqual(expect.arrayContaining(['demo', 'test']));
  for (const prerequisite of ['moto_server', 'cfn-lint', 'AWS CLI', 'Chromium']) expect(firstScreen).toContain(prerequisite);
});

test('the table of contents lists every section of the README, and each link lands on its heading', () => {
  const contents = sectionOf(README, '## Contents');
  const tocAnchors = [...contents.matchAll(/^- \[[^\]]+\]\(#([^)]+)\)/gm)].map((m) => m[1]);
  const headings = headingsOf(README);
  const contentsLine = headings.find((h) => h.text === 'Contents')!.line;
  const sections = headings.filter((h) => h.level === 2 && h.line > contentsLine);
  expect(sections.length).toBeGreaterThanOrEqual(8);
  expect(tocAnchors).toHaveLength(sections.length);
  const anchors = anchorsOf(README);
  expect(tocAnchors.filter((a) => !anchors.has(a))).toEqual([]);
  for (const wanted of ['install', 'scan', 'deploy', 'organization-wide', 'remediation', 'prevent-guardrails', 'troubleshooting']) {
    expect(tocAnchors).toContain(wanted);
  }
});

test('every docs page is linked from the README', () => {
  expect(DOCS.length).toBeGreaterThanOrEqual(7);
  const linked = new Set(linksOf(README).filter(isRelative).map((t) => t.split('#')[0]));
  expect(DOCS.filter((d) => !linked.has(d))).toEqual([]);
});

test.each(['README.md', ...DOCS, ...OTHER_MARKDOWN])('every relative link of %s points to an existing file and heading', (page) => {
  const broken: string[] = [];
  const targets = linksOf(read(page)).filter(isRelative);
  for (const target of targets) {
    const [path, anchor] = target.split('#');
    const file = path === '' ? join(REPO_ROOT, page) : join(REPO_ROOT, dirname(page), path);
    if (!existsSync(file)) {
      broken.push(`${target}: no file ${relative(REPO_ROOT, file)}`);
    } else if (anchor !== undefined && !(statSync(file).isFile() && anchorsOf(readFileSync(file, 'utf8')).has(anchor))) {
      broken.push(`${target}: no heading #${anchor} in ${relative(REPO_ROOT, file)}`);
    }
  }
  expect(broken).toEqual([]);
});

test('the link checker itself finds a broken link and a missing heading', () => {
  expect(linksOf('see [a](docs/none.md) and [b](#x)\n```sh\n[c](d)\n```')).toEqual(['docs/none.md', '#x']);
  expect(anchorsOf('# Check readiness: `doctor`\n```sh\n# not a heading\n```\n## Roll back\n## Roll back')).toEqual(
    new Set(['check-readiness-doctor', 'roll-back', 'roll-back-1']),
  );
});
