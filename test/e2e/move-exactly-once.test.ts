import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { startFakeSlack, type FakeSlack, type StoredView } from '../../sandbox/fake-slack/server.js';
import { startPivotalSimulator, type PivotalSimulator } from '../../sandbox/pivotal-simulator/index.js';
import type { Store } from '../../src/store/database.js';
import { ADMIN, CSM, startHarness, TEAM, type Harness } from '../harness/app-harness.js';
import type { ModalAnswer } from '../harness/connect-workspace.js';
import {
  fastOutbox,
  openMove,
  outboxDrained,
  postsAbout,
  seedOnboarding,
  select,
  typed,
  WORKSPACE,
} from '../harness/phase-moves.js';
import { visibleText, type StateValues, echoViewWithState } from '../harness/view-submission.js';
import { dialects, withStableSchemas } from '../helpers/databases.js';

/**
 * A move reaches Pivotal once per submission, and moves of one onboarding take turns: through signed
 * requests into one app instance on SQLite, and into two instances sharing one Postgres (replicas).
 */

/** Pivotal answers slowly enough that concurrent saves overlap: every read is done before any PATCH. */
const PIVOTAL_LATENCY_MS = 120;

interface Deployment {
  /** Requests are spread over these instances, as a load balancer would. */
  replicas: Harness[];
}

function defineCases(title: string, deployment: () => Deployment) {
  describe(title, () => {
    const first = () => deployment().replicas[0]!;
    beforeEach(() => {
      first().pivotal.faults.clear();
    });

    const patchesOf = (h: Harness, onboardingId: string) =>
      h.pivotal.requests.filter((r) => r.method === 'PATCH' && r.path.endsWith(`/onboardings/${onboardingId}`));
    const auditOf = (h: Harness, onboardingId: string) =>
      h.app.ctx.store.db
        .selectFrom('phase_transitions')
        .selectAll()
        .where('workspace_id', '=', WORKSPACE)
        .where('onboarding_id', '=', onboardingId)
        .execute();

    /**
     * One signed view_submission to replica `i`, as Slack sends it (each with its own trigger id, so
     * no two are byte-identical); an `update` answer replaces the modal the moment it comes back.
     */
    async function submitTo(i: number, view: StoredView, values: StateValues, user = CSM) {
      const { replicas } = deployment();
      const h = replicas[i % replicas.length]!;
      const res = await h.submit(echoViewWithState(view, values), { user });
      expect(res.status).toBe(200);
      const answer = res.json as ModalAnswer | undefined;
      if (answer?.response_action === 'update' && answer.view) h.slack.putView(answer.view, view.id);
      return answer;
    }

    async function settle() {
      for (const h of deployment().replicas) await h.idle();
      await outboxDrained(first());
    }

    it('saves eight concurrent copies of one submission once: one PATCH, one audit row, one channel reply', async () => {
      const h = first();
      const { customer, onboarding } = await seedOnboarding(h);
      const form = await openMove(h, customer.name);
      h.pivotal.faults.latencyMs = PIVOTAL_LATENCY_MS;

      const answers = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          submitTo(i, form, { phase: select('program_buildout'), note: typed('Design signed off') }),
        ),
      );
      await settle();

      expect(answers.every((a) => a?.response_action === 'update')).toBe(true);
      expect(patchesOf(h, onboarding.id)).toHaveLength(1);
      expect(h.pivotal.state.get(h.orgId, 'onboardings', onboarding.id)!.phase).toBe('program_buildout');
      expect(await auditOf(h, onboarding.id)).toEqual([
        expect.objectContaining({
          kind: 'advance',
          from_value: 'review',
          to_value: 'program_buildout',
          actor_slack_user_id: CSM.id,
        }),
      ]);
      const { replies } = postsAbout(h, onboarding.id);
      expect(replies.map((m) => visibleText(m.blocks))).toEqual([
        expect.stringContaining('*Review* → *Program buildout*'),
      ]);
      // Whichever copy answered last, the person sees the save.
      expect(visibleText(h.slack.views.get(form.id)!.view.blocks)).toContain('Saved in Pivotal');

      // A copy arriving after the save gets the same answer, and still nothing more happens.
      const late = await submitTo(3, form, { phase: select('program_buildout'), note: typed('Design signed off') });
      await settle();
      expect(visibleText(late?.view?.blocks)).toContain('Saved in Pivotal');
      expect(patchesOf(h, onboarding.id)).toHaveLength(1);
      expect(await auditOf(h, onboarding.id)).toHaveLength(1);
    });

    it('lets the person save again from the form a failed save gave back', async () => {
      const h = first();
      const { customer, onboarding } = await seedOnboarding(h);
      const form = await openMove(h, customer.name);
      h.pivotal.faults.failNext(3, 503);
      await submitTo(0, form, { phase: select('program_buildout') });
      await settle();
      const again = h.slack.views.get(form.id)!;
      expect(visibleText(again.view.blocks)).toContain('Nothing was saved');
      expect(h.pivotal.state.get(h.orgId, 'onboardings', onboarding.id)!.phase).toBe('review');

      await submitTo(1, again, { phase: select('program_buildout') });
      await settle();
      expect(visibleText(h.slack.views.get(form.id)!.view.blocks)).toContain('Saved in Pivotal');
      expect(h.pivotal.state.get(h.orgId, 'onboardings', onboarding.id)!.phase).toBe('program_buildout');
      expect(await auditOf(h, onboarding.id)).toHaveLength(1);
    });

    it('applies one of two conflicting moves made at the same moment and shows the other person the fresh state', async () => {
      const h = first();
      const { customer, onboarding } = await seedOnboarding(h);
      const advance = await openMove(h, customer.name, CSM);
      const sendBack = await openMove(h, customer.name, ADMIN);
      h.pivotal.faults.latencyMs = PIVOTAL_LATENCY_MS;

      await Promise.all([
        submitTo(0, advance, { phase: select('program_buildout') }, CSM),
        submitTo(1, sendBack, { phase: select('program_design'), note: typed('Scope changed') }, ADMIN),
      ]);
      await settle();

      expect(patchesOf(h, onboarding.id)).toHaveLength(1);
      const audit = await auditOf(h, onboarding.id);
      expect(audit).toHaveLength(1);
      const won =
        audit[0]!.actor_slack_user_id === CSM.id
          ? { view: advance, phase: 'Program buildout' }
          : { view: sendBack, phase: 'Program design' };
      const lost = won.view === advance ? sendBack : advance;
      expect(h.pivotal.state.get(h.orgId, 'onboardings', onboarding.id)!.phase).toBe(audit[0]!.to_value);
      expect(visibleText(h.slack.views.get(won.view.id)!.view.blocks)).toContain('Saved in Pivotal');

      // The other person's modal is the form again, as the onboarding is now, with what they typed.
      const told = h.slack.views.get(lost.id)!;
      expect(told.view.callback_id).toBe('move_submit');
      expect(visibleText(told.view.blocks)).toContain(
        `changed in Pivotal after you opened this (phase *Review* → *${won.phase}*), so nothing was saved`,
      );
      expect(JSON.parse(told.view.private_metadata as string).shown.phase).toBe(audit[0]!.to_value);

      // One announcement: the winner's change, attributed to the winner.
      const { replies } = postsAbout(h, onboarding.id);
      expect(replies).toHaveLength(1);
      expect(visibleText(replies[0]!.blocks)).toContain(`*Review* → *${won.phase}*`);
      const events = await h.app.ctx.store.db
        .selectFrom('outbox')
        .select('payload')
        .where('onboarding_id', '=', onboarding.id)
        .execute();
      expect(events).toHaveLength(1);
    });
  });
}

describe('moves are exactly-once', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    fastOutbox(h);
  });
  afterAll(() => h.close());
  defineCases('one instance on SQLite', () => ({ replicas: [h] }));
});

const postgres = dialects.find((d) => d.name === 'postgres');
if (postgres) {
  describe('moves are exactly-once across replicas', () => {
    let store: Store;
    let pivotal: PivotalSimulator;
    let slack: FakeSlack;
    const replicas: Harness[] = [];

    beforeAll(async () => {
      // A schema of its own (dropped afterwards), shared by both instances through search_path.
      store = await postgres.open();
      const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(store.db);
      const url = new URL(process.env.TEST_DATABASE_URL!);
      url.searchParams.set('options', `-c search_path=${rows[0]!.schema}`);
      pivotal = await startPivotalSimulator({ rateLimit: { live: 100_000 } });
      slack = await startFakeSlack({ teamId: TEAM.id });
      const env = { DATABASE_URL: url.toString(), PIVOTAL_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64') };
      const a = await withStableSchemas(() => startHarness({ shared: { pivotal, slack }, env }));
      const b = await withStableSchemas(() =>
        startHarness({ shared: { pivotal, slack }, env: { ...env, PIVOTAL_API_KEY: a.apiKey! }, bootstrapKey: false }),
      );
      // Both instances serve the first one's Pivotal org, as replicas of one deployment do.
      b.orgId = a.orgId;
      for (const r of [a, b]) fastOutbox(r);
      replicas.push(a, b);
    });
    afterAll(async () => {
      for (const r of replicas) await r.close().catch(() => {});
      await slack?.close();
      await pivotal?.close();
      await store?.destroy();
    });
    defineCases('two instances on one Postgres', () => ({ replicas }));
  });
}
