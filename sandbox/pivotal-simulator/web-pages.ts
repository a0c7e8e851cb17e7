import type { SimulatorState } from './state.js';

/**
 * The simulator's stand-in for Pivotal's web app: the record pages the app links to
 * (`/customers/<display id or slug>`, `/onboardings/<display id>`), so "Open in Pivotal" stays on
 * this machine in the sandbox. Read-only, plain HTML.
 */

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

function page(title: string, sections: Array<{ heading: string; fields: Record<string, unknown> }>): string {
  const body = sections
    .map(
      (s) =>
        `<h2>${escapeHtml(s.heading)}</h2><table>${Object.entries(s.fields)
          .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v === null ? '—' : String(v))}</td></tr>`)
          .join('')}</table>`,
    )
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} — Pivotal (simulator)</title>
<style>body{font:15px system-ui,sans-serif;margin:2rem;max-width:48rem}th{text-align:left;padding-right:1rem;color:#555;font-weight:500}td,th{padding:.2rem .5rem .2rem 0;vertical-align:top}.note{color:#777}</style>
</head><body><p class="note">Pivotal simulator — a local stand-in for the Pivotal web app</p><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

/** The HTML for a web path, or undefined when it names no live record of any org. */
export function recordPage(state: SimulatorState, pathname: string): string | undefined {
  const match = /^\/(customers|onboardings)\/([^/]+)\/?$/.exec(pathname);
  if (!match) return undefined;
  const kind = match[1] as 'customers' | 'onboardings';
  const segment = decodeURIComponent(match[2]!);
  // `/customers/245-aurora`: what follows the display id is cosmetic.
  const ref = /^(\d+)(-.*)?$/.exec(segment)?.[1] ?? segment;
  for (const org of state.orgList()) {
    if (kind === 'onboardings') {
      const onboarding = state.get(org.id, 'onboardings', ref);
      if (!onboarding) continue;
      const customer = state.get(org.id, 'customers', onboarding.customer_id);
      return page(onboarding.name ?? `Onboarding ${onboarding.display_id}`, [
        { heading: 'Onboarding', fields: onboardingFields(onboarding) },
        ...(customer
          ? [{ heading: 'Customer', fields: { name: customer.name, display_id: customer.display_id } }]
          : []),
      ]);
    }
    const customer =
      state.get(org.id, 'customers', ref) ?? state.list(org.id, 'customers', (c) => c.slug === ref.toLowerCase())[0];
    if (!customer) continue;
    const onboardings = state.list(org.id, 'onboardings', (o) => o.customer_id === customer.id);
    const contacts = state.list(org.id, 'contacts', (c) => c.customer_id === customer.id);
    return page(customer.name, [
      {
        heading: 'Customer',
        fields: {
          display_id: customer.display_id,
          slug: customer.slug,
          domain: customer.domain,
          status: customer.status,
        },
      },
      ...contacts.map((c) => ({
        heading: `Contact${c.is_primary ? ' (primary)' : ''}`,
        fields: { name: c.name, email: c.email, title: c.title },
      })),
      ...onboardings.map((o) => ({ heading: `Onboarding ${o.display_id}`, fields: onboardingFields(o) })),
    ]);
  }
  return undefined;
}

function onboardingFields(o: {
  display_id: number;
  phase: string;
  state: string;
  target_launch_date: string | null;
  csm_id: string | null;
  notes: string | null;
}) {
  return {
    display_id: o.display_id,
    phase: o.phase,
    state: o.state,
    target_launch_date: o.target_launch_date?.slice(0, 10) ?? null,
    csm_id: o.csm_id,
    notes: o.notes,
  };
}
