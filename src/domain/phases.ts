/** The API's phase enum in its documented order. Workspaces may carry other phase strings. */
export const KNOWN_PHASES = [
  'before_getting_started',
  'program_design',
  'review',
  'program_buildout',
  'internal_qa',
  'launch',
  'completed',
] as const;

export type KnownPhase = (typeof KNOWN_PHASES)[number];

export interface Phase {
  /** The string Pivotal's REST API carries in `phase`. */
  key: string;
  name: string;
  archived: boolean;
}

const DEFAULT_NAMES: Record<KnownPhase, string> = {
  before_getting_started: 'Before getting started',
  program_design: 'Program design',
  review: 'Review',
  program_buildout: 'Program buildout',
  internal_qa: 'Internal QA',
  launch: 'Launch',
  completed: 'Completed',
};

/** Until an admin changes it, a workspace follows the phase order of Pivotal's API guide. */
export const DEFAULT_PHASES: readonly Phase[] = KNOWN_PHASES.map((key) => ({
  key,
  name: DEFAULT_NAMES[key],
  archived: false,
}));

/** A phase string nobody configured is shown as it is, made readable, never an error. */
export function readablePhase(key: string): string {
  const words = key.replace(/[_-]+/g, ' ').trim();
  return words ? words[0]!.toUpperCase() + words.slice(1) : '(no phase)';
}

/** The phase sequence of a workspace, with the lookups moves and views need. */
export class PhaseSequence {
  readonly active: readonly Phase[];

  constructor(readonly all: readonly Phase[]) {
    this.active = all.filter((p) => !p.archived);
  }

  name(key: string): string {
    return this.all.find((p) => p.key === key)?.name ?? readablePhase(key);
  }

  /** Position among active phases, or -1 for a phase the workspace does not know (or archived). */
  indexOf(key: string): number {
    return this.active.findIndex((p) => p.key === key);
  }

  next(key: string): Phase | undefined {
    const i = this.indexOf(key);
    return i < 0 ? undefined : this.active[i + 1];
  }

  earlier(key: string): Phase[] {
    const i = this.indexOf(key);
    return i < 0 ? [] : this.active.slice(0, i);
  }

  /** Later phases beyond the next one: what "skip ahead" offers. */
  skippable(key: string): Phase[] {
    const i = this.indexOf(key);
    return i < 0 ? [] : this.active.slice(i + 2);
  }

  /** The phases a move from `from` forward to `to` passes over; none when either is unknown or `to` is not ahead. */
  between(from: string, to: string): Phase[] {
    const i = this.indexOf(from);
    const j = this.indexOf(to);
    return i < 0 || j <= i ? [] : this.active.slice(i + 1, j);
  }

  first(): Phase | undefined {
    return this.active[0];
  }

  /** `3/7`-style progress; unknown phases have none. */
  progress(key: string): { step: number; of: number } | null {
    const i = this.indexOf(key);
    return i < 0 ? null : { step: i + 1, of: this.active.length };
  }
}
