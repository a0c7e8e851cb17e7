import { z } from 'zod';
import { DOCUMENTED_PHASES, DOCUMENTED_STATES, type PivotalSimulator } from '../pivotal-simulator/index.js';
import { h, type VElement } from './vnode.js';

/**
 * The page's "Pivotal" panel: what someone would see and do in Pivotal's own web app while the app
 * runs against the simulator — the org's onboardings, changed "as someone in Pivotal" (and announced
 * to webhook endpoints), its API keys (a second one to rotate to, revoking the old), webhook endpoints,
 * and the faults the simulator can inject. Rendered here as a node tree; the browser only reports which
 * control was used.
 */

export interface PivotalPanelOptions {
  simulator: PivotalSimulator;
  orgId: string;
  /** The app's webhook receiver for the sandbox workspace, once the app listens. */
  webhookUrl: () => string | undefined;
}

const RATE_PERCENT = z.coerce.number().min(0).max(100);

const ref = z.string().regex(/^\d+$/, 'an onboarding display id');
const ops = {
  phase: z.object({ ref, value: z.string().min(1) }),
  state: z.object({ ref, value: z.enum(DOCUMENTED_STATES) }),
  target: z.object({ ref, value: z.string() }),
  delete: z.object({ ref }),
  resend: z.object({ ref }),
  add: z.object({ fields: z.object({ customer: z.string().max(200), phase: z.string().optional() }) }),
  'key-create': z.object({ fields: z.object({ mode: z.enum(['live', 'test']) }) }),
  'key-revoke': z.object({ ref: z.string().min(1) }),
  'key-dismiss': z.object({}),
  'webhook-add': z.object({ fields: z.object({ mode: z.enum(['live', 'test']) }) }),
  'webhook-remove': z.object({ ref: z.string().min(1) }),
  latency: z.object({ value: z.coerce.number().int().min(0).max(60_000) }),
  'error-rate': z.object({ value: RATE_PERCENT }),
  'fail-next': z.object({
    fields: z.object({ count: z.coerce.number().int().min(1).max(100), status: z.coerce.number().int() }),
  }),
  'faults-clear': z.object({}),
};
export type PanelOp = keyof typeof ops;
export const PANEL_OPS = Object.keys(ops) as PanelOp[];

export class PivotalPanel {
  /** A key's secret is shown once, right after it is made, as Pivotal's API Keys page does. */
  private newKey: string | undefined;

  constructor(private readonly opts: PivotalPanelOptions) {}

  /** Carries out one control's action; a bad value throws with the reason to show. */
  async run(op: PanelOp, body: unknown): Promise<string> {
    const { simulator, orgId } = this.opts;
    const ui = simulator.webUi;
    const parsed = ops[op].safeParse(body);
    if (!parsed.success) throw new Error(z.prettifyError(parsed.error));
    const input = parsed.data as { ref?: string; value?: string | number; fields?: Record<string, string | number> };
    const target = input.ref ?? '';
    const value = String(input.value ?? '');
    const fields = Object.fromEntries(Object.entries(input.fields ?? {}).map(([k, v]) => [k, String(v)]));
    switch (op) {
      case 'phase':
        return `Onboarding ${target} moved to ${(await ui.movePhase(orgId, target, value)).phase}.`;
      case 'state':
        return `Onboarding ${target} is now ${(await ui.setState(orgId, target, value)).state}.`;
      case 'target':
        await ui.setTargetDate(orgId, target, value);
        return value ? `Onboarding ${target} now targets ${value}.` : `Onboarding ${target} has no target date now.`;
      case 'delete':
        ui.deleteOnboarding(orgId, target);
        return `Onboarding ${target} deleted.`;
      case 'resend':
        await ui.resend(orgId, target);
        return `Sent onboarding ${target} to the webhook endpoints.`;
      case 'add': {
        const made = await ui.addOnboarding(orgId, { customerName: fields.customer ?? '', phase: fields.phase });
        return `Added onboarding ${made.display_id} for ${fields.customer?.trim()}.`;
      }
      case 'key-create': {
        const mode = fields.mode as 'live' | 'test';
        this.newKey = simulator.createKey(orgId, { mode, name: `${mode} key (panel)` });
        return `A new ${mode} key: copy it now, it is shown once.`;
      }
      case 'key-revoke':
        return `Revoked ${simulator.revokeKeyById(target).prefix}….`;
      case 'key-dismiss':
        this.newKey = undefined;
        return 'The new key is hidden.';
      case 'webhook-add': {
        const url = this.opts.webhookUrl();
        if (!url) throw new Error('The app is not listening yet.');
        simulator.webhooks.addEndpoint(orgId, { url, testMode: fields.mode === 'test' });
        return 'Webhook endpoint added: paste its signing secret into the app (Home → Webhooks → Turn on).';
      }
      case 'webhook-remove':
        simulator.webhooks.removeEndpoint(target);
        return 'Webhook endpoint removed.';
      case 'latency':
        simulator.faults.latencyMs = Number(value);
        return `Every answer now waits ${value} ms.`;
      case 'error-rate':
        simulator.faults.errorRate5xx = Number(value) / 100;
        return `${value}% of requests now fail with a 500.`;
      case 'fail-next': {
        const status = Number(fields.status);
        simulator.faults.failNext(Number(fields.count), status, status === 429 ? { retryAfterSec: 2 } : {});
        return `The next ${fields.count} requests answer ${status}.`;
      }
      case 'faults-clear':
        simulator.faults.clear();
        return 'No faults.';
    }
  }

  render(): VElement {
    const { simulator, orgId } = this.opts;
    const org = simulator.state.org(orgId);
    return h(
      'div',
      { class: 'panel', 'data-testid': 'pivotal-panel' },
      h(
        'p',
        { class: 'panel-note' },
        `Org “${org.name}” in the Pivotal simulator. Changes made here are made “as someone in Pivotal”: the app learns of them at its next sync (with a test key's 30 requests a minute, that can take a minute), or at once through a webhook.`,
      ),
      this.onboardings(),
      this.keys(),
      this.webhooks(),
      this.faults(),
    );
  }

  private onboardings(): VElement {
    const { simulator, orgId } = this.opts;
    const state = simulator.state;
    const phases = [...DOCUMENTED_PHASES, ...state.org(orgId).extraPhases];
    const rows = state.list(orgId, 'onboardings').sort((a, b) => a.display_id - b.display_id);
    const webhooksOn = simulator.webhooks.list(orgId).length > 0;
    const select = (op: PanelOp, options: readonly string[], current: string) =>
      h(
        'select',
        { 'data-panel-op': op, 'aria-label': op },
        options.map((o) => h('option', { value: o, ...(o === current ? { selected: '' } : {}) }, o)),
      );
    return h(
      'section',
      { class: 'panel-section' },
      h('h3', {}, 'Onboardings'),
      h(
        'table',
        { class: 'panel-table', 'data-testid': 'panel-onboardings' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['#', 'Customer', 'Phase', 'State', 'Target', ''].map((t) => h('th', {}, t)),
          ),
        ),
        h(
          'tbody',
          {},
          rows.map((o) => {
            const customer = state.get(orgId, 'customers', o.customer_id);
            return h(
              'tr',
              { 'data-panel-ref': String(o.display_id) },
              h('td', {}, String(o.display_id)),
              h(
                'td',
                {},
                customer
                  ? h(
                      'a',
                      { href: `${simulator.webUrl}/customers/${customer.display_id}`, target: '_blank' },
                      customer.name,
                    )
                  : '—',
              ),
              h('td', {}, select('phase', phases, o.phase)),
              h('td', {}, select('state', DOCUMENTED_STATES, o.state)),
              h(
                'td',
                {},
                h('input', {
                  type: 'date',
                  'data-panel-op': 'target',
                  'aria-label': 'target',
                  value: o.target_launch_date?.slice(0, 10) ?? '',
                }),
              ),
              h(
                'td',
                { class: 'panel-row-actions' },
                webhooksOn
                  ? h(
                      'button',
                      { type: 'button', 'data-panel-op': 'resend', title: 'Send a signed webhook' },
                      'Webhook',
                    )
                  : null,
                h(
                  'button',
                  { type: 'button', 'data-panel-op': 'delete', 'data-panel-confirm': 'Delete it?' },
                  'Delete',
                ),
              ),
            );
          }),
        ),
      ),
      h(
        'div',
        { class: 'panel-form', 'data-panel-form': '' },
        h('input', { name: 'customer', placeholder: 'New customer name', 'aria-label': 'customer' }),
        h(
          'select',
          { name: 'phase', 'aria-label': 'phase of the new onboarding' },
          phases.map((p) => h('option', { value: p }, p)),
        ),
        h('button', { type: 'button', 'data-panel-op': 'add' }, 'Add onboarding'),
      ),
    );
  }

  private keys(): VElement {
    const { simulator, orgId } = this.opts;
    const keys = simulator.listKeys(orgId);
    const inUse = keys
      .filter((k) => !k.revoked && k.lastUsedAt)
      .sort((a, b) => (a.lastUsedAt! < b.lastUsedAt! ? 1 : -1))[0];
    return h(
      'section',
      { class: 'panel-section' },
      h('h3', {}, 'API keys'),
      h(
        'table',
        { class: 'panel-table', 'data-testid': 'panel-keys' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['Key', 'Name', 'Mode', 'Last used', ''].map((t) => h('th', {}, t)),
          ),
        ),
        h(
          'tbody',
          {},
          keys.map((k) =>
            h(
              'tr',
              { 'data-panel-ref': k.id, 'data-key-prefix': k.prefix },
              h('td', {}, h('code', {}, `${k.prefix}…`)),
              h('td', {}, k.name),
              h('td', {}, k.mode),
              h(
                'td',
                {},
                k.revoked ? 'revoked' : k.lastUsedAt ? `${k.lastUsedAt.slice(11, 19)} UTC` : 'never',
                k === inUse ? h('span', { class: 'panel-badge' }, 'used by the app') : null,
              ),
              h(
                'td',
                {},
                k.revoked
                  ? null
                  : h(
                      'button',
                      { type: 'button', 'data-panel-op': 'key-revoke', 'data-panel-confirm': 'Revoke this key?' },
                      'Revoke',
                    ),
              ),
            ),
          ),
        ),
      ),
      this.newKey
        ? h(
            'div',
            { class: 'panel-secret' },
            'New key (shown once; paste it into ',
            h('code', {}, '/pivotal connect'),
            '): ',
            h('input', { readonly: '', value: this.newKey, 'data-testid': 'new-key', 'aria-label': 'new key' }),
            h('button', { type: 'button', 'data-panel-op': 'key-dismiss' }, 'Hide'),
          )
        : null,
      h(
        'div',
        { class: 'panel-form', 'data-panel-form': '' },
        h(
          'select',
          { name: 'mode', 'aria-label': 'key mode' },
          h('option', { value: 'test' }, 'test'),
          h('option', { value: 'live' }, 'live'),
        ),
        h('button', { type: 'button', 'data-panel-op': 'key-create' }, 'Create a key'),
      ),
    );
  }

  private webhooks(): VElement {
    const { simulator, orgId } = this.opts;
    const endpoints = simulator.webhooks.list(orgId);
    return h(
      'section',
      { class: 'panel-section' },
      h('h3', {}, 'Webhooks'),
      endpoints.length
        ? endpoints.map((e) =>
            h(
              'div',
              { class: 'panel-endpoint', 'data-panel-ref': e.id },
              h('div', {}, h('code', {}, e.url), e.testMode ? ' (test events)' : ' (live events)'),
              h(
                'div',
                {},
                'Signing secret: ',
                h('input', { readonly: '', value: e.secret, 'data-testid': 'webhook-secret', 'aria-label': 'secret' }),
                h('button', { type: 'button', 'data-panel-op': 'webhook-remove' }, 'Remove'),
              ),
            ),
          )
        : h(
            'div',
            { class: 'panel-form', 'data-panel-form': '' },
            h(
              'select',
              { name: 'mode', 'aria-label': 'endpoint mode' },
              h('option', { value: 'test' }, 'test events'),
              h('option', { value: 'live' }, 'live events'),
            ),
            h('button', { type: 'button', 'data-panel-op': 'webhook-add' }, 'Add an endpoint for the app'),
          ),
      simulator.webhooks.deliveries.length
        ? h(
            'ul',
            { class: 'panel-log', 'data-testid': 'webhook-log' },
            simulator.webhooks.deliveries
              .slice(0, 5)
              .map((d) => h('li', {}, `${d.at.slice(11, 19)} ${d.type} → ${d.status ?? 'unreachable'} ${d.answer}`)),
          )
        : null,
    );
  }

  private faults(): VElement {
    const { faults } = this.opts.simulator;
    const pending = faults.pendingFailures();
    return h(
      'section',
      { class: 'panel-section' },
      h('h3', {}, 'Faults'),
      h(
        'div',
        { class: 'panel-form' },
        h(
          'label',
          {},
          'Latency (ms) ',
          h('input', { type: 'number', min: '0', 'data-panel-op': 'latency', value: String(faults.latencyMs) }),
        ),
        h(
          'label',
          {},
          '500s (% of requests) ',
          h('input', {
            type: 'number',
            min: '0',
            max: '100',
            'data-panel-op': 'error-rate',
            value: String(Math.round(faults.errorRate5xx * 100)),
          }),
        ),
      ),
      h(
        'div',
        { class: 'panel-form', 'data-panel-form': '' },
        'Next ',
        h('input', { type: 'number', name: 'count', min: '1', max: '100', value: '3', 'aria-label': 'count' }),
        ' requests answer ',
        h(
          'select',
          { name: 'status', 'aria-label': 'status' },
          ['429', '500', '502', '503'].map((s) => h('option', { value: s }, s)),
        ),
        h('button', { type: 'button', 'data-panel-op': 'fail-next' }, 'Inject'),
        pending ? h('span', { class: 'panel-badge' }, `${pending} queued`) : null,
      ),
      h('button', { type: 'button', 'data-panel-op': 'faults-clear' }, 'Clear faults'),
    );
  }
}
