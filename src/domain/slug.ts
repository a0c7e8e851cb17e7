/** Lower-case letters and digits, with single dashes between them (what Pivotal accepts). */
export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const MAX_SLUG_LENGTH = 60;

/**
 * A name reduced to plain lower-case letters and digits, each run of anything else one `separator`,
 * none at either end: accents are dropped rather than lost with their letter ("Zürich" → "zurich").
 */
export function asciiWords(name: string, separator: '-' | '_'): string {
  const runs = separator === '-' ? /^-+|-+$/g : /^_+|_+$/g;
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, separator)
    .replace(runs, '');
}

/** "Café Zürich & Co." → "cafe-zurich-co"; empty when the name has no letters or digits to keep. */
export function slugify(name: string): string {
  return asciiWords(name, '-').slice(0, MAX_SLUG_LENGTH).replace(/-+$/, '');
}

/** `acme` → acme-2, acme-3…; `acme-2` → acme-3, acme-4… */
export function slugCandidates(taken: string, count = 20): string[] {
  const numbered = /^(.*)-(\d{1,6})$/.exec(taken);
  const root = numbered ? numbered[1]! : taken;
  const first = numbered ? Number(numbered[2]) + 1 : 2;
  return Array.from({ length: count }, (_, i) => {
    const suffix = `-${first + i}`;
    return `${root.slice(0, MAX_SLUG_LENGTH - suffix.length).replace(/-+$/, '')}${suffix}`;
  });
}
