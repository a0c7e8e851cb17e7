import { describe, expect, it } from 'vitest';
import {
  attentionBanner,
  attentionDm,
  connectedView,
  connectModal,
  modeDisagreement,
  notConnectedBlocks,
  statusMessage,
  switchConfirmView,
  type CheckedKey,
  type ConnectionState,
} from '../../src/features/connect/views.js';
import { visibleText } from '../harness/view-submission.js';

const state = (over: Partial<ConnectionState> = {}): ConnectionState => ({
  source: 'stored',
  keyPrefix: 'pivotal_K8s9',
  keyName: 'slack',
  mode: 'live',
  orgName: 'Acme',
  orgSlug: 'acme',
  connectedBy: 'U1',
  connectedAt: '2026-05-26T17:21:09.412Z',
  lastSuccessAt: null,
  needsAttention: null,
  attentionSince: null,
  ...over,
});

const checked = (over: Partial<CheckedKey> = {}): CheckedKey => ({
  keyPrefix: 'pivotal_test_Zz99',
  keyName: 'ci',
  mode: 'test',
  reportedMode: 'test',
  orgName: 'Globex',
  orgSlug: 'globex',
  ...over,
});

/** Every text object of the blocks within Slack's Block Kit limits. */
function expectWithinLimits(blocks: unknown): void {
  const walk = (node: unknown, parent?: string): void => {
    if (Array.isArray(node)) {
      for (const n of node) walk(n, parent);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const r = node as Record<string, unknown>;
    if (r.type === 'section' && Array.isArray(r.fields)) {
      expect(r.fields.length).toBeLessThanOrEqual(10);
      for (const f of r.fields as Array<{ text: string }>) expect([...f.text].length).toBeLessThanOrEqual(2000);
    }
    if (r.type === 'section' && r.text) expect([...(r.text as { text: string }).text].length).toBeLessThanOrEqual(3000);
    for (const [k, v] of Object.entries(r)) walk(v, k);
  };
  walk(blocks);
}

describe('the not-connected reply other features show', () => {
  it('gives admins the Connect button', () => {
    const blocks = notConnectedBlocks({ isAdmin: true, admins: [] });
    expect(JSON.stringify(blocks)).toContain('"action_id":"connect_open"');
  });

  it('tells everyone else whom to ask, without a button', () => {
    const blocks = notConnectedBlocks({ isAdmin: false, admins: ['UA', 'UB'] });
    expect(visibleText(blocks)).toContain('Ask <@UA> or <@UB> to connect it');
    expect(JSON.stringify(blocks)).not.toContain('connect_open');
    expect(visibleText(notConnectedBlocks({ isAdmin: false, admins: [] }))).toContain('Ask a Slack workspace admin');
  });
});

describe('the attention banner Home shows', () => {
  it('is empty while the connection is healthy', () => {
    expect(
      attentionBanner({ needs_attention: null, attention_since: null, pivotal_key_prefix: 'pivotal_K8s9' }),
    ).toEqual([]);
  });

  it('says what happened since when, with the Connect button', () => {
    const blocks = attentionBanner({
      needs_attention: 'api_key_revoked',
      attention_since: '2026-05-26T17:21:09.412Z',
      pivotal_key_prefix: 'pivotal_K8s9',
    });
    const text = visibleText(blocks);
    expect(text).toContain('needs attention* since <!date^1779816069^');
    expect(text).toContain('the key was revoked in Pivotal (key `pivotal_K8s9…`)');
    expect(JSON.stringify(blocks)).toContain('"action_id":"connect_open"');
  });

  it('names other refusals by their code, escaped', () => {
    const text = visibleText(
      attentionBanner({ needs_attention: '<!channel>', attention_since: null, pivotal_key_prefix: null }),
    );
    expect(text).toContain('Pivotal refused the key (`&lt;!channel&gt;`)');
  });
});

describe('mode', () => {
  it('shows a disagreement between the prefix and /me, and nothing when they agree or /me is silent', () => {
    expect(modeDisagreement('live', 'test')).toContain("The key's prefix says *live* but Pivotal's `/me` says *test*");
    expect(modeDisagreement('test', 'test')).toBeNull();
    expect(modeDisagreement('test', null)).toBeNull();
  });

  it('labels test mode on the modal, the result, the switch confirmation, status and the DM', () => {
    const label = '"block_id":"test_key_label"';
    expect(JSON.stringify(connectModal(state({ mode: 'test' })))).toContain(label);
    expect(JSON.stringify(connectModal(state()))).not.toContain(label);
    expect(JSON.stringify(connectedView(checked(), { kind: 'connected' }))).toContain(label);
    expect(JSON.stringify(switchConfirmView({ switchId: 'x', current: state(), next: checked() }))).toContain(label);
    expect(
      JSON.stringify(
        statusMessage(
          state({ mode: 'test' }),
          { ok: true, reportedMode: null, orgName: null, orgSlug: null },
          { isAdmin: true },
        ),
      ),
    ).toContain(label);
    expect(
      JSON.stringify(
        attentionDm({
          reason: 'api_key_revoked',
          keyPrefix: 'pivotal_test_Zz99',
          mode: 'test',
          orgName: null,
          orgSlug: null,
        }),
      ),
    ).toContain(label);
  });
});

describe('text that comes from Pivotal', () => {
  const hostile = `<!channel> ${'x'.repeat(5000)}`;

  it('is escaped and kept within Slack limits everywhere', () => {
    const views = [
      connectModal(state({ orgName: hostile, keyName: hostile })).blocks,
      connectedView(checked({ orgName: hostile, keyName: hostile, orgSlug: hostile }), {
        kind: 'switched',
        previousPrefix: 'pivotal_K8s9',
        previousOrgName: hostile,
        previousOrgSlug: null,
      }).blocks,
      switchConfirmView({ switchId: 'x', current: state({ orgName: hostile }), next: checked({ orgName: hostile }) })
        .blocks,
      // The problem is the app's own sentence (explainPivotalError), mentions included; only its length is foreign.
      statusMessage(state({ orgName: hostile }), { ok: false, problem: 'x'.repeat(5000) }, { isAdmin: false }).blocks,
      attentionDm({
        reason: 'api_key_revoked',
        keyPrefix: 'pivotal_K8s9',
        mode: 'live',
        orgName: hostile,
        orgSlug: null,
      }).blocks,
    ];
    for (const blocks of views) {
      expectWithinLimits(blocks);
      expect(JSON.stringify(blocks)).not.toContain('<!channel>');
    }
  });

  it('says so when /me reports no organization', () => {
    expect(
      visibleText(connectedView(checked({ orgName: null, orgSlug: null }), { kind: 'connected' }).blocks),
    ).toContain('_not reported by Pivotal_');
  });
});
