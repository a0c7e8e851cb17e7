import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { PostedMessage } from './fake-slack/server.js';
import type { SimulatorSnapshot } from './pivotal-simulator/index.js';

/**
 * The sandbox's outside world (Pivotal's data and keys, the channel's messages) kept beside the app's
 * store in DATA_DIR, so that a restart finds the records, the key and the posts the app's read model
 * refers to. It holds the key the app is started with: the file is readable by its owner only, like
 * the store's encryption key next to it.
 */

export const SANDBOX_DATA_FILE = 'sandbox-pivotal.json';

export interface SandboxData {
  version: 1;
  orgId: string;
  /** The key the app is started with (PIVOTAL_API_KEY's stand-in). */
  appKey: string;
  simulator: SimulatorSnapshot;
  slackMessages: PostedMessage[];
}

export function sandboxDataPath(dataDir: string): string {
  return path.join(dataDir, SANDBOX_DATA_FILE);
}

/** The saved sandbox, or undefined when there is none. */
export async function readSandboxData(dataDir: string): Promise<SandboxData | undefined> {
  const file = sandboxDataPath(dataDir);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  let data: Partial<SandboxData> | undefined;
  try {
    data = JSON.parse(text) as Partial<SandboxData>;
  } catch {
    data = undefined;
  }
  if (data?.version !== 1 || typeof data.appKey !== 'string' || typeof data.orgId !== 'string' || !data.simulator)
    throw new Error(
      `${file} is not a sandbox state this version can read. Start afresh with \`npm start -- --reset\` (or SANDBOX_RESET=1), which clears the sandbox and the app's store in DATA_DIR.`,
    );
  return data as SandboxData;
}

/**
 * Writes the sandbox's state a moment after a change (a burst of changes makes one write) and at
 * shutdown; each write replaces the file whole, so a crash mid-write leaves the previous one.
 */
export class SandboxDataWriter {
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly dataDir: string,
    private readonly produce: () => SandboxData,
    private readonly onError: (err: unknown) => void,
    private readonly debounceMs = 250,
  ) {}

  schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.write();
    }, this.debounceMs);
  }

  /** Writes now what is pending (or the current state) and waits for it. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.write();
  }

  private write(): Promise<void> {
    this.writing = this.writing.then(async () => {
      try {
        const file = sandboxDataPath(this.dataDir);
        await mkdir(this.dataDir, { recursive: true });
        await writeFile(`${file}.tmp`, JSON.stringify(this.produce()), { mode: 0o600 });
        await rename(`${file}.tmp`, file);
      } catch (err) {
        this.onError(err);
      }
    });
    return this.writing;
  }
}
