import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredView } from '../../sandbox/fake-slack/server.js';
import { loadPhaseSequence } from '../../src/store/phases.js';
import { ADMIN, CSM, startHarness, type Harness } from '../harness/app-harness.js';
import { latestView, visibleText } from '../harness/view-submission.js';
import { openMove, seedOnboarding, submitView, typed, WORKSPACE } from '../harness/phase-moves.js';

/** `/pivotal phases`: admins rename, reorder, add and archive the workspace's phases; moves follow. */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

const DEFAULT_TEXT = [
  'before_getting_started = Before getting started',
  'program_design = Program design',
  'review = Review',
  'program_buildout = Program buildout',
  'internal_qa = Internal QA',
  'launch = Launch',
  'completed = Completed',
].join('\n');

async function openEditor() {
  const opens = h.slack.callsTo('views.open').length;
  const res = await h.command('phases', { user: ADMIN });
  await h.idle();
  expect(res.status).toBe(200);
  expect(h.slack.callsTo('views.open')).toHaveLength(opens + 1);
  return latestView(h.slack, 'phases_edit');
}

const initialValue = (view: StoredView, blockId: string) =>
  (view.view.blocks as Array<{ block_id?: string; element?: { initial_value?: string } }>).find(
    (b) => b.block_id === blockId,
  )?.element?.initial_value;

describe('/pivotal phases', () => {
  it('is for admins only', async () => {
    const res = await h.command('phases', { user: CSM });
    expect((res.json as { text: string }).text).toContain(
      `Only a workspace admin can edit the phase list. Ask <@${ADMIN.id}>.`,
    );
  });

  it('refuses an edit submitted by someone who is not an admin, under the list, and saves nothing', async () => {
    const editor = await openEditor();
    const before = await loadPhaseSequence(h.app.ctx.store.db, WORKSPACE);
    const { answer } = await submitView(h, editor, { active: typed('kickoff = Kickoff') }, CSM);
    expect(answer).toEqual({
      response_action: 'errors',
      errors: { active: 'Only a workspace admin can edit the phase list.' },
    });
    expect(await loadPhaseSequence(h.app.ctx.store.db, WORKSPACE)).toEqual(before);
  });

  it('shows the sequence, and the phase strings in use that it does not list', async () => {
    h.pivotal.state.org(h.orgId).extraPhases.push('integration');
    await seedOnboarding(h, { onboarding: { phase: 'integration' } });
    const editor = await openEditor();
    expect(initialValue(editor, 'active')).toBe(DEFAULT_TEXT);
    expect(initialValue(editor, 'archived')).toBeUndefined();
    expect(visibleText(editor.view.blocks)).toContain(
      'Onboardings in Pivotal use phases that are not in this list: `integration`',
    );
  });

  it('refuses an edit that deletes a phase or has a bad key, next to the box', async () => {
    const editor = await openEditor();
    const withoutReview = DEFAULT_TEXT.split('\n')
      .filter((l) => !l.startsWith('review'))
      .join('\n');
    const deleted = await submitView(h, editor, { active: typed(withoutReview) }, ADMIN);
    expect(deleted.answer).toEqual({
      response_action: 'errors',
      errors: { active: `"review" (Review) is missing: phases can't be deleted, move the line to Archived instead.` },
    });
    const badKey = await submitView(
      h,
      editor,
      { active: typed(`${DEFAULT_TEXT}\nSign Off! = Sign-off`), archived: typed('launch = Launch') },
      ADMIN,
    );
    expect(badKey.answer?.errors).toEqual({
      active:
        'Line 8: "Sign Off!" is not a usable key (lower-case letters, digits, _ and -, up to 64); "launch" appears more than once.',
    });
    expect((await loadPhaseSequence(h.app.ctx.store.db, WORKSPACE)).all.map((p) => p.key)).toHaveLength(7);
  });

  it('renames, reorders, adds and archives; the move modal follows the new list', async () => {
    const editor = await openEditor();
    const edited = [
      'Kickoff',
      'before_getting_started = Before getting started',
      'program_design = Solution design',
      'integration = Integration',
      'review = Review',
      'internal_qa = Internal QA',
      'program_buildout = Program buildout',
      'launch = Launch',
    ].join('\n');
    const { answer, view } = await submitView(
      h,
      editor,
      { active: typed(edited), archived: typed('completed = Completed') },
      ADMIN,
    );
    expect(answer?.response_action).toBe('update');
    expect(visibleText(view.view.blocks)).toContain(
      'Saved. The phases of this workspace:\n1. Kickoff\n2. Before getting started\n3. Solution design',
    );
    expect(visibleText(view.view.blocks)).toContain('Archived: Completed');

    const saved = await loadPhaseSequence(h.app.ctx.store.db, WORKSPACE);
    expect(saved.active.map((p) => p.key)).toEqual([
      'kickoff',
      'before_getting_started',
      'program_design',
      'integration',
      'review',
      'internal_qa',
      'program_buildout',
      'launch',
    ]);
    expect(saved.all.filter((p) => p.archived).map((p) => p.key)).toEqual(['completed']);

    const { customer } = await seedOnboarding(h);
    const form = await openMove(h, customer.name, ADMIN);
    const text = visibleText(form.view.blocks);
    expect(text).toContain('5/8 Review');
    const options = JSON.stringify(form.view.blocks);
    expect(options).toContain(
      '"label":{"type":"plain_text","text":"Advance","emoji":true},"options":[{"text":{"type":"plain_text","text":"Internal QA","emoji":true},"value":"internal_qa"}]',
    );
    expect(options).toContain('Solution design');
    expect(options).not.toContain('"value":"completed"');

    const reopened = await openEditor();
    expect(initialValue(reopened, 'archived')).toBe('completed = Completed');
    expect(initialValue(reopened, 'active')).toContain('kickoff = Kickoff');
  });
});
