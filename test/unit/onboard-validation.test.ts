import { describe, expect, it } from 'vitest';
import { DEFAULT_PHASES, PhaseSequence } from '../../src/domain/phases.js';
import { slugCandidates, slugify } from '../../src/domain/slug.js';
import {
  blockForPivotalField,
  earliestTargetDate,
  effectiveSlug,
  formValuesFromInput,
  normalizeDomain,
  validateOnboardForm,
  type OnboardFormValues,
} from '../../src/features/onboard/validation.js';

const phases = new PhaseSequence(DEFAULT_PHASES);
const form = (over: Partial<OnboardFormValues> = {}): OnboardFormValues => ({
  customerMode: 'new',
  customerName: 'Acme Corp',
  slug: 'acme-corp',
  derivedSlug: 'acme-corp',
  domain: '',
  status: 'active',
  picked: null,
  contact: { name: 'Jane', email: 'Jane@Acme.example', title: '' },
  contactLater: false,
  replacePrimary: false,
  openAnother: false,
  phase: 'review',
  state: 'active',
  targetDate: null,
  csmUserId: 'U1',
  ...over,
});
const context = { phases, earliestTarget: '2026-03-10', customerLocked: false, contactLocked: false, facts: null };

describe('slugs', () => {
  it.each([
    ['Acme Corp', 'acme-corp'],
    ['Café Zürich & Co.', 'cafe-zurich-co'],
    ['  --Hello__World--  ', 'hello-world'],
    ['東京', ''],
    ['a'.repeat(80), 'a'.repeat(60)],
  ])('slugify(%j) = %j', (name, slug) => {
    expect(slugify(name)).toBe(slug);
  });

  it('offers numbered alternatives, continuing an existing number', () => {
    expect(slugCandidates('acme', 3)).toEqual(['acme-2', 'acme-3', 'acme-4']);
    expect(slugCandidates('acme-7', 2)).toEqual(['acme-8', 'acme-9']);
    expect(slugCandidates('x'.repeat(60), 1)[0]).toHaveLength(60);
  });

  it('follows the name while the slug field still holds the derived slug, or is empty', () => {
    expect(effectiveSlug({ customerName: 'Globex Two', slug: 'globex', derivedSlug: 'globex' })).toEqual({
      slug: 'globex-two',
      fromName: true,
    });
    expect(effectiveSlug({ customerName: 'Globex Two', slug: '', derivedSlug: '' })).toEqual({
      slug: 'globex-two',
      fromName: true,
    });
    expect(effectiveSlug({ customerName: 'Globex Two', slug: 'gx', derivedSlug: 'globex' })).toEqual({
      slug: 'gx',
      fromName: false,
    });
  });
});

describe('validateOnboardForm', () => {
  it('accepts a complete form and normalises email and domain', () => {
    const result = validateOnboardForm(form({ domain: 'HTTPS://Acme.Example/', targetDate: '2026-03-10' }), context);
    expect(result).toEqual({
      input: {
        customer: {
          kind: 'new',
          name: 'Acme Corp',
          slug: 'acme-corp',
          slugFromName: true,
          domain: 'acme.example',
          status: 'active',
        },
        contact: { kind: 'new', name: 'Jane', email: 'jane@acme.example', title: null },
        onboarding: { phase: 'review', state: 'active', targetLaunchDate: '2026-03-10', csmUserId: 'U1' },
      },
    });
  });

  it('reports every bad field at once, one message per block', () => {
    const result = validateOnboardForm(
      form({
        customerName: '',
        slug: 'Bad Slug',
        domain: 'nope',
        status: null,
        contact: { name: '', email: 'x', title: '' },
        phase: 'nowhere',
        state: 'done',
        targetDate: '2026-03-09',
        csmUserId: null,
      }),
      context,
    );
    expect(Object.keys('errors' in result ? result.errors : {}).sort()).toEqual(
      [
        'contact_email',
        'contact_name',
        'customer_domain',
        'customer_name',
        'customer_slug',
        'customer_status',
        'onboarding_csm',
        'onboarding_phase',
        'onboarding_state',
        'onboarding_target',
      ].sort(),
    );
  });

  it('skips what earlier steps made: a locked customer and contact are not checked again', () => {
    const result = validateOnboardForm(form({ customerName: '', contact: { name: '', email: '', title: '' } }), {
      ...context,
      customerLocked: true,
      contactLocked: true,
    });
    expect('input' in result && result.input.customer).toBeNull();
    expect('input' in result && result.input.contact).toBeNull();
  });

  it('round-trips a checked form back into the form it came from', () => {
    const values = form({
      derivedSlug: 'acme-corp',
      domain: 'acme.example',
      targetDate: '2026-04-01',
      contact: { name: 'Jane', email: 'jane@acme.example', title: 'CTO' },
    });
    const result = validateOnboardForm(values, context);
    if (!('input' in result)) throw new Error('expected a valid form');
    expect(
      formValuesFromInput({ ...result.input, customer: result.input.customer!, contact: result.input.contact! }),
    ).toEqual(values);
  });
});

describe('dates and fields', () => {
  it('takes "today" where it is earliest on Earth, so nobody is refused their own today', () => {
    expect(earliestTargetDate(new Date('2026-03-10T11:59:00Z'))).toBe('2026-03-09');
    expect(earliestTargetDate(new Date('2026-03-10T12:00:00Z'))).toBe('2026-03-10');
  });

  it('normalises pasted URLs to a hostname', () => {
    expect(normalizeDomain(' https://Acme.com/ ')).toBe('acme.com');
    expect(normalizeDomain('http://sub.acme.co.uk')).toBe('sub.acme.co.uk');
  });

  it('maps the field a Pivotal 400 names to the input of that step', () => {
    expect(blockForPivotalField('customer', 'slug')).toBe('customer_slug');
    expect(blockForPivotalField('contact', 'email')).toBe('contact_email');
    expect(blockForPivotalField('onboarding', 'target_launch_date')).toBe('onboarding_target');
    expect(blockForPivotalField('onboarding', 'metadata.x')).toBeUndefined();
    expect(blockForPivotalField('customer', undefined)).toBeUndefined();
  });
});
