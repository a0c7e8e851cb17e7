import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../sandbox/start-sandbox.js';
import { waitFor } from '../harness/wait.js';

/**
 * A newcomer's first minutes, in a real browser against `npm start`'s
 * sandbox (the real app, the Pivotal simulator, the page). Every click goes through the page's
 * server as a signed Slack request; what shows is what the app sent to the Slack Web API.
 */

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.CI)
  throw new Error(
    `Chromium is missing at ${CHROMIUM}: CI must run the browser test (install Debian's chromium package).`,
  );
if (!haveChromium)
  console.warn(`[sandbox page] skipped: no Chromium at ${CHROMIUM} (set CHROMIUM_PATH, or apt-get install chromium)`);

describe.skipIf(!haveChromium)('the sandbox page in headless Chromium', () => {
  let sandbox: RunningSandbox;
  let browser: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];
  const dirs: string[] = [];

  beforeAll(async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'pivotal-sandbox-page-'));
    const profile = await mkdtemp(join(tmpdir(), 'pivotal-chromium-'));
    dirs.push(dataDir, profile);
    await mkdir(ARTIFACTS, { recursive: true });
    sandbox = await startSandbox(
      {
        PORT: '0',
        DATA_DIR: dataDir,
        LOG_LEVEL: 'warn',
        PIVOTAL_KEY_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
      },
      // Home follows Pivotal through the sync worker: polled every second here instead of every minute.
      // Needs-attention DMs and morning lists looked at every second instead of every minute.
      { sync: { tickMs: 200, intervalMs: 1_000, homeRefreshMs: 300 }, ownerNotifications: { intervalMs: 1_000 } },
    );
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      // No network on these machines: without these flags Chromium keeps dialling out and waiting.
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1280, height: 900 },
    });
    page = browser.pages()[0] ?? (await browser.newPage());
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (err) => pageErrors.push(err.message));
    // Confirm dialogs (skip ahead, disconnect…) are accepted, as a person who means it would.
    page.on('dialog', (dialog) => void dialog.accept());
    await page.goto(sandbox.pageUrl);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await sandbox?.started.stop();
    await sandbox?.close();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
    expect(pageErrors).toEqual([]);
  });

  const command = async (text: string) => {
    await page.fill('[data-testid=composer]', text);
    await page.press('[data-testid=composer]', 'Enter');
  };
  const switchTo = async (userId: string) => {
    await page.selectOption('[data-testid=user-switcher]', userId);
    await page.waitForFunction(
      (id) => new URL(location.href).searchParams.get('user') === id && document.body.dataset.version !== undefined,
      userId,
    );
  };
  const channel = () => page.locator('#channel-timeline');
  /** A screenshot tall enough for the whole visible pane or modal (they scroll inside the window). */
  const shoot = async (name: string) => {
    const height = await page.evaluate(() =>
      Math.max(
        900,
        ...Array.from(document.querySelectorAll('.scroll, #modal-layer')).map((el) => el.scrollHeight + 160),
      ),
    );
    await page.setViewportSize({ width: 1280, height: Math.min(height, 6000) });
    await page.screenshot({ path: join(ARTIFACTS, name) });
    await page.setViewportSize({ width: 1280, height: 900 });
  };

  it('answers `/pivotal help` with a reply only the typist sees, labelled as such', async () => {
    await command('/pivotal help');
    const reply = channel().locator('.msg-ephemeral', { hasText: 'Here is what I can do' });
    await reply.waitFor();
    expect(await reply.locator('.msg-only-you').textContent()).toBe('Only visible to you');
    expect(await reply.locator('code', { hasText: '/pivotal help' }).count()).toBeGreaterThan(0);

    await switchTo('U0ADMIN');
    await page.waitForFunction(
      () => !document.querySelector('#channel-timeline')?.textContent?.includes('Here is what I can do'),
    );
    await switchTo('U0CSM');
    await reply.waitFor();
  });

  it('onboards Acme Rockets from the modal, shows the result, the channel post and Home, then moves it a phase from Home', async () => {
    await command('/pivotal onboard Acme Rockets');
    const modal = page.locator('.modal[data-callback-id=onboard]');
    await modal.waitFor();
    // The sandbox is connected with a test key: the modal says so.
    await modal.locator('[data-block-id=test_key_label]').waitFor();
    expect(await modal.locator('[data-block-id=customer_name] input').inputValue()).toBe('Acme Rockets');

    await modal.locator('[data-block-id=contact_name] input').fill('Rita Rocket');
    await modal.locator('[data-block-id=contact_email] input').fill('rita@acme-rockets.test');
    await modal.locator('[data-block-id=onboarding_csm] select').selectOption('U0CSM');
    await modal.locator('[data-block-id=onboarding_target] input').fill(inDays(30));
    await shoot('sandbox-modal.png');
    await modal.locator('[data-modal-submit]').click();

    // The same modal turns into the result.
    const result = page.locator('.modal', { hasText: 'is onboarding' });
    await result.waitFor({ timeout: 20_000 });
    await shoot('sandbox-modal-result.png');
    await page.locator('.modal [data-modal-close]').last().click();
    await page.locator('.modal').waitFor({ state: 'detached' });

    // One post in #onboarding for the new onboarding.
    const post = channel().locator('.msg[data-surface=message]', { hasText: 'Acme Rockets' }).first();
    await post.waitFor({ timeout: 20_000 });
    await shoot('sandbox-channel.png');

    // Home: the board shows the new onboarding.
    await page.click('[data-tab=home]');
    const home = page.locator('#home-view');
    await home.locator('.bk-block', { hasText: 'Acme Rockets' }).first().waitFor({ timeout: 20_000 });
    await home.locator('[data-block-id=test_key_label]').waitFor();
    await shoot('sandbox-home.png');

    // Move it one phase on from its Home row.
    const row = home.locator(
      'xpath=.//div[contains(@class,"bk-section")][contains(., "Acme Rockets")]/following-sibling::div[contains(@class,"bk-actions")][1]',
    );
    await row.locator('[data-action-id=move_open]').click();
    const move = page.locator('.modal[data-callback-id=move_submit]');
    await move.waitFor();
    const next = await move.locator('[data-block-id=phase] optgroup[label="Advance"] option').first();
    const nextPhase = (await next.textContent()) ?? '';
    await move.locator('[data-block-id=phase] select').selectOption({ label: nextPhase });
    await move.locator('[data-modal-submit]').click();
    await page.locator('.modal', { hasText: 'Saved in Pivotal' }).waitFor({ timeout: 20_000 });
    await page.locator('.modal [data-modal-close]').last().click();

    // The channel post's thread has the phase change.
    await page.click('[data-tab=channel]');
    const toggle = post.locator('[data-thread-toggle]');
    await toggle.waitFor({ timeout: 20_000 });
    await toggle.click();
    // The thread opens with the onboarding's creation; the move follows it.
    const moved = post.locator('.thread-replies .msg', { hasText: nextPhase });
    await moved.waitFor({ timeout: 20_000 });
    expect(await moved.textContent()).toContain('Casey CSM');
    await shoot('sandbox-channel-thread.png');
  }, 120_000);

  it('shows a manager the new Home: the summary, the workload, one line per onboarding; a count filters, the button onboards', async () => {
    await switchTo('U0ADMIN');
    await page.click('[data-tab=home]');
    const home = page.locator('#home-view');
    await home.locator('[data-block-id=home_workload]').waitFor({ timeout: 20_000 });
    // The demo pipeline, synced: Harbor Light Insurance is listed, its name only once on its line.
    const harbor = home.locator('.bk-section', { hasText: 'Harbor Light Insurance' }).first();
    await harbor.waitFor({ timeout: 20_000 });
    expect(((await harbor.textContent()) ?? '').split('Harbor Light Insurance')).toHaveLength(2);
    // Ada owns demo onboardings too (mapped to user_csm_002), so her Home opens on hers: the whole
    // pipeline is one pick away.
    await home.locator('[data-block-id=home_filters] select').first().selectOption('everyone');
    await page.waitForFunction(() =>
      document.querySelector('[data-block-id=home_counts]')?.textContent?.includes("everyone's"),
    );
    expect(await home.locator('[data-block-id=home_counts]').textContent()).toMatch(
      /\d+ of \d+ onboardings — everyone's · finished hidden/,
    );
    await shoot('sandbox-home-manager.png');

    // One click on the overdue count lists just those, and the header says so.
    const overdue = home.locator('[data-action-id=home_focus_overdue]');
    const count = Number(/(\d+) overdue/.exec((await overdue.textContent()) ?? '')?.[1]);
    expect(count).toBeGreaterThan(0);
    await overdue.click();
    await page.waitForFunction(() =>
      document.querySelector('[data-block-id=home_counts]')?.textContent?.includes('· overdue ·'),
    );
    expect(await home.locator('[data-block-id=home_counts]').textContent()).toContain(`${count} of `);
    await shoot('sandbox-home-overdue.png');
    await home.locator('[data-action-id=home_focus_overdue]').click();
    await page.waitForFunction(
      () => !document.querySelector('[data-block-id=home_counts]')?.textContent?.includes('· overdue ·'),
    );

    // "Onboard a customer" opens the onboard modal.
    await home.locator('[data-action-id=home_onboard]').click();
    const modal = page.locator('.modal[data-callback-id=onboard]');
    await modal.waitFor();
    await modal.locator('.modal-foot [data-modal-close]').click();
    await modal.waitFor({ state: 'detached' });

    // Casey owns Acme Rockets (onboarded above): her Home opens on her own onboardings.
    await switchTo('U0CSM');
    await page.click('[data-tab=home]');
    await page.waitForFunction(() =>
      document.querySelector('[data-block-id=home_counts]')?.textContent?.includes('— mine'),
    );
    await shoot('sandbox-home-mine.png');
    await page.click('[data-tab=channel]');
  }, 60_000);

  it('keeps a modal honest: required fields, the app’s field errors under their inputs, a redraw that keeps what was typed, live suggestions', async () => {
    await command('/pivotal onboard Acme Errors');
    const modal = page.locator('.modal[data-callback-id=onboard]');
    await modal.waitFor();
    await modal.locator('[data-block-id=customer_slug] input').fill('Not A Slug');
    await modal.locator('[data-block-id=contact_name] input').fill('Eve Errors');
    // Name and email are required unless "add later" is ticked.
    await modal.locator('[data-block-id=contact_email] input').fill('eve@errors.example');

    // Like Slack's client, the page does not send a form with a required field left empty.
    const name = modal.locator('[data-block-id=customer_name] input');
    await name.fill('');
    await modal.locator('[data-modal-submit]').click();
    const nameError = modal.locator('[data-error-for=customer_name]');
    await nameError.waitFor();
    expect(await nameError.textContent()).toBe('Please complete this required field.');
    await name.fill('Acme Errors');
    await nameError.waitFor({ state: 'hidden' });

    await modal.locator('[data-modal-submit]').click();
    const slugError = modal.locator('[data-error-for=customer_slug]');
    await slugError.waitFor();
    expect(await slugError.textContent()).toContain('lower-case letters');
    expect(await modal.locator('[data-block-id=customer_name] input').inputValue()).toBe('Acme Errors');
    expect(await modal.locator('[data-block-id=customer_slug] input').inputValue()).toBe('Not A Slug');
    await shoot('sandbox-modal-errors.png');

    // "Existing customer" redraws the form (block_actions → views.update); typed contact fields stay.
    await modal.locator('[data-block-id=onboard_customer_mode] input[value=existing]').check();
    const pick = modal.locator('[data-block-id=customer_existing] input.bk-external-input');
    await pick.waitFor();
    expect(await modal.locator('[data-block-id=contact_name] input').inputValue()).toBe('Eve Errors');
    // The picker searches the app's copy of Pivotal, which the sync worker fills: ask until it answers.
    const aurora = modal.locator('[data-suggestion]', { hasText: 'Aurora Analytics' }).first();
    await waitFor(
      async () => {
        await pick.fill('Auro');
        return aurora.waitFor({ timeout: 1_000 }).then(
          () => true,
          () => false,
        );
      },
      { timeoutMs: 15_000, what: 'Aurora Analytics among the suggestions' },
    );
    await aurora.click();
    expect(await pick.inputValue()).toContain('Aurora Analytics');

    await modal.locator('.modal-foot [data-modal-close]').click();
    await modal.waitFor({ state: 'detached' });
  }, 60_000);

  it('closes the top modal on Escape, as Slack does', async () => {
    await command('/pivotal onboard Escape Artists');
    const modal = page.locator('.modal[data-callback-id=onboard]');
    await modal.waitFor();
    await page.keyboard.press('Escape');
    await modal.waitFor({ state: 'detached' });
    expect(await page.locator('#modal-layer').isHidden()).toBe(true);
  }, 30_000);

  it('offers the manifest’s message shortcuts in a message’s ⋯ menu and its global shortcuts in the composer’s ⚡ menu', async () => {
    await command('closed-won: Zephyr Labs, kickoff next week');
    const said = channel().locator('.msg[data-surface=message]', { hasText: 'closed-won: Zephyr Labs' });
    await said.waitFor();
    expect(await said.locator('.msg-app').count()).toBe(0);
    await said.hover();
    await said.locator('[data-message-menu]').click();
    const menu = page.locator('#menu');
    await menu.waitFor();
    expect(await menu.locator('.menu-item').allTextContents()).toEqual(['Start onboarding', 'Add to onboarding']);
    await shoot('sandbox-message-shortcuts.png');
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'hidden' });
    await page.click('[data-testid=shortcuts-button]');
    await menu.waitFor();
    expect(await menu.locator('.menu-item').allTextContents()).toEqual(['New onboarding', 'Move an onboarding']);
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'hidden' });
  }, 30_000);

  const panel = () => page.locator('[data-testid=pivotal-panel]');
  const openPanel = async () => {
    await page.click('[data-testid=pivotal-tab]');
    await panel().waitFor();
  };
  const keyRow = (prefix: string) => panel().locator(`[data-testid=panel-keys] tr[data-key-prefix="${prefix}"]`);

  it('rotates the Pivotal key with a second key from the panel and the connect modal, then revokes the old one', async () => {
    const oldPrefix = sandbox.services.testKey.slice(0, 'pivotal_test_'.length + 4);
    await switchTo('U0ADMIN');
    await openPanel();
    await keyRow(oldPrefix).locator('.panel-badge', { hasText: 'used by the app' }).waitFor();
    await panel().locator('select[aria-label="key mode"]').selectOption('test');
    await panel().locator('button', { hasText: 'Create a key' }).click();
    const newKey = await panel().locator('[data-testid=new-key]');
    await newKey.waitFor();
    const secret = await newKey.inputValue();
    expect(secret).toMatch(/^pivotal_test_\w{32}$/);
    await shoot('sandbox-panel-new-key.png');

    await page.click('[data-tab=channel]');
    await command('/pivotal connect');
    const connect = page.locator('.modal[data-callback-id=connect_submit]');
    await connect.waitFor();
    await connect.locator('[data-block-id=api_key] input').fill(secret);
    await connect.locator('[data-modal-submit]').click();
    // The app ran on the server's key until now; from here on it uses the one pasted.
    const newPrefix = secret.slice(0, 'pivotal_test_'.length + 4);
    const done = page.locator('.modal[data-callback-id=connect_done]', { hasText: newPrefix });
    await done.waitFor({ timeout: 20_000 });
    await shoot('sandbox-connect-rotated.png');
    await page.keyboard.press('Escape');
    await done.waitFor({ state: 'detached' });

    await openPanel();
    await keyRow(oldPrefix).locator('button', { hasText: 'Revoke' }).click();
    await keyRow(oldPrefix).locator('td', { hasText: 'revoked' }).waitFor();
    // The sync keeps working: it is the new key that Pivotal now sees in use.
    await keyRow(newPrefix).locator('.panel-badge', { hasText: 'used by the app' }).waitFor({ timeout: 20_000 });
    await shoot('sandbox-panel-keys.png');
    await switchTo('U0CSM');
  }, 90_000);

  it('brings a change made in the panel to the channel thread and Home after the sync', async () => {
    await openPanel();
    const row = panel().locator('[data-testid=panel-onboardings] tr', { hasText: 'Acme Rockets' });
    await row.locator('select[data-panel-op=phase]').selectOption('launch');
    await page.locator('#toast', { hasText: 'moved to launch' }).waitFor();
    await shoot('sandbox-panel.png');

    await page.click('[data-tab=channel]');
    const post = channel().locator('.msg[data-surface=message]', { hasText: 'Acme Rockets' }).first();
    const toggle = post.locator('[data-thread-toggle]');
    await toggle.waitFor();
    const launched = post.locator('.thread-replies .msg', { hasText: 'Launch' });
    // The reply arrives with the next sync. A test key allows 30 requests a minute, half of them for the sync,
    // mostly spent by now (the first fill, the suggestions, the connect check): it may take a minute.
    await waitFor(async () => (await launched.count()) > 0, {
      timeoutMs: 90_000,
      what: 'the Launch reply in the thread',
    });
    if (!(await launched.first().isVisible())) await toggle.click();
    await launched.first().waitFor();
    await shoot('sandbox-panel-change-thread.png');

    await page.click('[data-tab=home]');
    const home = page.locator('#home-view');
    // Home groups the board by phase: Acme Rockets now sits under the Launch heading.
    const underLaunch = async () => {
      const text = (await home.textContent()) ?? '';
      const launch = text.indexOf('Launch — ');
      const acme = text.indexOf('Acme Rockets ·', launch);
      return (
        launch >= 0 &&
        acme > launch &&
        (text.indexOf('Completed — ', launch) < 0 || acme < text.indexOf('Completed — ', launch))
      );
    };
    await waitFor(underLaunch, { timeoutMs: 20_000, what: 'Acme Rockets under Launch on Home' });
    await shoot('sandbox-panel-change-home.png');
  }, 150_000);

  it('turns webhooks on with the secret of a panel endpoint; a change in the panel then arrives at once', async () => {
    await switchTo('U0ADMIN');
    await openPanel();
    await panel().locator('button', { hasText: 'Add an endpoint for the app' }).click();
    const secret = await panel().locator('[data-testid=webhook-secret]').inputValue();
    expect(secret).toMatch(/^whsec_/);

    await page.click('[data-tab=home]');
    const home = page.locator('#home-view');
    await home.locator('[data-action-id=home_webhook_open]').click();
    const modal = page.locator('.modal[data-callback-id=home_webhook_secret]');
    await modal.waitFor();
    await modal.locator('[data-block-id=webhook_secret] input').fill(secret);
    await modal.locator('[data-modal-submit]').click();
    await modal.waitFor({ state: 'detached' });

    await openPanel();
    const row = panel().locator('[data-testid=panel-onboardings] tr', { hasText: 'Acme Rockets' });
    await row.locator('select[data-panel-op=state]').selectOption('paused');
    // The receiver answered the signed delivery and applied it.
    await panel().locator('[data-testid=webhook-log] li', { hasText: 'onboarding.state_changed → 200' }).waitFor();
    expect(await panel().locator('[data-testid=webhook-log] li').first().textContent()).toContain('applied');
    await shoot('sandbox-panel-webhook.png');
    await page.click('[data-tab=home]');
    await home
      .locator('.bk-block', { hasText: 'Acme Rockets' })
      .filter({ hasText: 'paused' })
      .first()
      .waitFor({ timeout: 10_000 });
    await switchTo('U0CSM');
  }, 60_000);

  it('sends "Open in Pivotal" to the simulator’s own record pages', async () => {
    // Home keeps "Open in Pivotal" in each open row's menu: the link is the one the app published.
    await page.click('[data-tab=home]');
    await page.locator('#home-view [data-block-id^="row:"]').first().waitFor();
    const published = JSON.stringify([...sandbox.services.slack.homeViews.values()].map((home) => home.view));
    const href = /"url":"([^"]*\/customers\/[^"]+)"/.exec(published)?.[1] ?? '';
    expect(href.startsWith(sandbox.services.simulator.webUrl)).toBe(true);
    const res = await fetch(href);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Pivotal simulator');
  });

  it("shows each demo owner's DMs under Messages: the demo people own the demo onboardings", async () => {
    await switchTo('U0CSM');
    await page.click('[data-tab=messages]');
    const dms = page.locator('#dm-timeline');
    // Casey owns a third of the seed's onboardings; those that need attention are told once each.
    const dm = dms.locator('.msg', { hasText: 'Mute this onboarding' }).first();
    await dm.waitFor({ timeout: 30_000 });
    expect(await dm.textContent()).toMatch(/Overdue:|Due soon:|At risk:|Waiting:/);
    expect(await dm.textContent()).toContain('TEST MODE');
    await shoot('sandbox-owner-dms.png');
    await page.click('[data-tab=channel]');
  }, 60_000);
});

function inDays(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}
