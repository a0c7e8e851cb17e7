import { readdirSync, readFileSync } from 'node:fs';

/**
 * What Linux tells about a running process (/proc), to prove how `npm start` runs the app: which
 * node process is the app under npm, and whether anything of a TypeScript loader is in it.
 */

const read = (pid: number, file: string): string | undefined => {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return undefined;
  }
};

/** The arguments a process was started with (node's own flags first, then the script). */
export function commandLine(pid: number): string[] {
  return (read(pid, 'cmdline') ?? '').split('\0').filter(Boolean);
}

function parentOf(pid: number): number | undefined {
  const stat = read(pid, 'stat');
  // "pid (comm) state ppid …": comm may hold spaces or parentheses, so read after the last ')'.
  const ppid = stat?.slice(stat.lastIndexOf(')') + 2).split(' ')[1];
  return ppid === undefined ? undefined : Number(ppid);
}

export function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((p) => parentOf(p) === pid);
}

/** The first process under `rootPid` (itself included) whose command line matches, or undefined. */
export function findDescendant(rootPid: number, matches: (args: string[]) => boolean): number | undefined {
  const queue = [rootPid];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    if (matches(commandLine(pid))) return pid;
    queue.push(...childrenOf(pid));
  }
  return undefined;
}

const LOADER_FLAGS = ['--import', '--loader', '--experimental-loader', '--require', '-r'];
const looksLikeLoader = (arg: string) =>
  LOADER_FLAGS.some((flag) => arg === flag || arg.startsWith(`${flag}=`)) || /\btsx\b|ts-node|\.[cm]?ts$/.test(arg);

/**
 * Every sign of a TypeScript loader in a node process: a loader flag or a .ts script on its command
 * line, one in its NODE_OPTIONS, or an esbuild service it started (tsx compiles through one when its
 * cache misses). Empty for a process that runs compiled JavaScript with plain node.
 */
export function typeScriptLoaderSigns(pid: number): string[] {
  const signs = commandLine(pid)
    .filter(looksLikeLoader)
    .map((arg) => `command line: ${arg}`);
  const nodeOptions = (read(pid, 'environ') ?? '')
    .split('\0')
    .find((entry) => entry.startsWith('NODE_OPTIONS='))
    ?.slice('NODE_OPTIONS='.length);
  for (const arg of nodeOptions?.split(/\s+/) ?? []) if (looksLikeLoader(arg)) signs.push(`NODE_OPTIONS: ${arg}`);
  for (const child of childrenOf(pid)) {
    const args = commandLine(child);
    if (args.some((a) => a.includes('esbuild'))) signs.push(`child process: ${args.join(' ')}`);
  }
  return signs;
}
