#!/usr/bin/env node
/**
 * `npm run build` compiles the app and the sandbox to dist/ with tsc (tsconfig.build.json) and copies
 * the sandbox page's static files and manifest.yml (whose shortcuts the page offers) beside the
 * compiled code. `npm start` runs this with `--if-stale` first, so `npm install && npm start` stays the whole set-up: it builds only when dist/
 * is missing or older than a source file, and rebuilds from scratch when a source file was added,
 * moved or removed (a compiled file whose source is gone must not linger in dist/).
 *
 * Plain JavaScript on purpose: it runs before anything is compiled and without a TypeScript loader.
 * Several processes may start at once (tests, a supervisor): a lock directory lets one build while
 * the others wait for it and then find dist/ current.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const stampFile = join(dist, '.build-stamp');
const lockDir = join(root, '.dist-build.lock');
const SOURCE_DIRS = ['src', 'sandbox'];
const CONFIG_FILES = ['tsconfig.json', 'tsconfig.build.json', 'package.json', 'manifest.yml'];
/** A lock older than this was left by a build that died; a real build takes well under a minute. */
const STALE_LOCK_MS = 5 * 60_000;

function sourceFiles() {
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) files.push(path);
    }
  };
  for (const dir of SOURCE_DIRS) walk(dir);
  return [...files.sort(), ...CONFIG_FILES];
}

/** What the stamp records: the list of inputs, so a file added or removed is noticed. */
const inventory = (files) => files.join('\n');

/** 'current', 'changed' (rebuild over dist/) or 'moved' (files added or removed: rebuild from scratch). */
function state(files) {
  let stamp;
  try {
    stamp = statSync(stampFile);
  } catch {
    return 'moved';
  }
  if (readFileSync(stampFile, 'utf8') !== inventory(files)) return 'moved';
  return files.some((f) => statSync(join(root, f)).mtimeMs > stamp.mtimeMs) ? 'changed' : 'current';
}

function tscPath() {
  try {
    return createRequire(import.meta.url).resolve('typescript/bin/tsc');
  } catch {
    return undefined;
  }
}

function compile(files, fromScratch) {
  const tsc = tscPath();
  if (!tsc) {
    process.stderr.write(
      'dist/ is missing or older than the sources, and TypeScript is not installed to build it.\n' +
        'Run `npm install` (development dependencies included), or `npm run build` where it is and ship dist/.\n',
    );
    return false;
  }
  if (fromScratch) rmSync(dist, { recursive: true, force: true });
  // The stamp takes the time the build began: a source saved while tsc ran is newer, so it counts as a change.
  const began = new Date();
  const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) {
    process.stderr.write('The build failed (see the TypeScript errors above); dist/ was not marked current.\n');
    return false;
  }
  cpSync(join(root, 'sandbox/page/static'), join(dist, 'sandbox/page/static'), { recursive: true });
  // The sandbox page offers the shortcuts manifest.yml declares, read from beside the compiled sandbox.
  cpSync(join(root, 'manifest.yml'), join(dist, 'manifest.yml'));
  writeFileSync(stampFile, inventory(files));
  utimesSync(stampFile, began, began);
  return true;
}

function tryLock() {
  try {
    mkdirSync(lockDir);
    return true;
  } catch {
    try {
      if (Date.now() - statSync(lockDir).mtimeMs > STALE_LOCK_MS) rmSync(lockDir, { recursive: true, force: true });
    } catch {
      // Released meanwhile.
    }
    return false;
  }
}

const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function main() {
  const ifStale = process.argv.includes('--if-stale');
  if (ifStale && state(sourceFiles()) === 'current') return 0;
  while (!tryLock()) sleep(200);
  try {
    // Another process may have built while this one waited for the lock.
    const files = sourceFiles();
    const now = state(files);
    if (ifStale && now === 'current') return 0;
    const started = Date.now();
    process.stderr.write(
      `Building dist/ with tsc (${ifStale ? 'it was missing or older than the sources' : 'npm run build'})…\n`,
    );
    if (!compile(files, now === 'moved' || !ifStale)) return 1;
    process.stderr.write(
      `Built dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s (${relative(root, dist)}/src/main.js).\n`,
    );
    return 0;
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

process.exitCode = main();
