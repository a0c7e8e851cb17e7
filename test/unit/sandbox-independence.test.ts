import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The Pivotal simulator stands for an independent server written from Pivotal's documents, and the
 * Slack stand-in for Slack: neither may reach into the app's code, directly or through another
 * sandbox file. Only the sandbox's boot, which starts the real app beside them, imports from src/.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const SANDBOX = path.join(ROOT, 'sandbox');
const SRC = path.join(ROOT, 'src') + path.sep;
const BOOT = path.join(SANDBOX, 'start-sandbox.ts');
// Static imports and re-exports (`from '…'`), side-effect imports and dynamic import().
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"]([^'"]+)['"]/g;

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** Relative imports of a file, resolved to .ts paths (the code imports `./x.js` for `./x.ts`). */
function localImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(SPECIFIER)]
    .map((m) => m[1]!)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => path.resolve(path.dirname(file), spec).replace(/\.js$/, '.ts'));
}

/** Every file reached from `file` through relative imports, in the order met, with the path that led there. */
function reach(file: string): Map<string, string[]> {
  const seen = new Map<string, string[]>([[file, [file]]]);
  const queue = [file];
  while (queue.length > 0) {
    const current = queue.shift()!;
    for (const next of localImports(current)) {
      if (seen.has(next)) continue;
      seen.set(next, [...seen.get(current)!, next]);
      if (!next.startsWith(SRC)) queue.push(next);
    }
  }
  return seen;
}

const rel = (p: string) => path.relative(ROOT, p);

describe('sandbox independence', () => {
  const files = tsFiles(SANDBOX).filter((f) => f !== BOOT);

  it('finds the simulator and the Slack stand-in to check', () => {
    expect(files.map(rel)).toEqual(
      expect.arrayContaining([
        'sandbox/pivotal-simulator/index.ts',
        'sandbox/pivotal-simulator/routes.ts',
        'sandbox/fake-slack/server.ts',
      ]),
    );
  });

  it.each(files.map((f) => [rel(f), f]))('%s reaches nothing under src/', (_name, file) => {
    const intoSrc = [...reach(file).entries()]
      .filter(([target]) => target.startsWith(SRC))
      .map(([, via]) => via.map(rel).join(' → '));
    expect(intoSrc).toEqual([]);
  });

  it('would notice an import of src/, static or dynamic', () => {
    const sample =
      "import { keyMode } from '../../src/pivotal/keys.js';\nconst m = await import('../../src/config.js');";
    expect([...sample.matchAll(SPECIFIER)].map((m) => m[1])).toEqual([
      '../../src/pivotal/keys.js',
      '../../src/config.js',
    ]);
  });
});
