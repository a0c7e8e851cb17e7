import { describe, expect, it } from 'vitest';
import { asciiWords } from '../../src/domain/slug.js';

describe('asciiWords', () => {
  it('keeps letters and digits, drops accents, joins the rest with the separator', () => {
    expect(asciiWords('Café Zürich & Co.', '-')).toBe('cafe-zurich-co');
    expect(asciiWords('  Internal QA (v2) ', '_')).toBe('internal_qa_v2');
    expect(asciiWords('__--__', '_')).toBe('');
  });
});
