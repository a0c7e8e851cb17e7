import type { WebClient } from '@slack/web-api';
import type { AppContext } from '../../context.js';
import { testKeyPrefix } from '../../views/test-key-label.js';
import { customerLink } from '../customer/views.js';
import type { OnboardJob } from './jobs.js';

/**
 * Once the onboarding is open: one answer in the message's thread. A channel shared with another
 * organisation (or pending such sharing, or one Slack would not describe) gets it privately, to the
 * person only, so nothing of Pivotal is shown to the customer.
 */
export async function replyInSourceThread(ctx: AppContext, client: WebClient, job: OnboardJob): Promise<void> {
  const source = job.input.source;
  const onboarding = job.records.onboarding;
  const customer = job.records.customer;
  if (!source || !onboarding || !customer) return;
  const text = `${testKeyPrefix(job.mode)}:tada: <@${job.userId}> opened onboarding #${onboarding.display_id} for ${customerLink(customer)} in Pivotal from this message.`;
  const thread = { channel: source.channelId, thread_ts: source.threadTs ?? source.ts, text };
  try {
    if (await isSharedOutside(ctx, client, source.channelId))
      await client.chat.postEphemeral({ ...thread, user: job.userId });
    else await client.chat.postMessage({ ...thread, unfurl_links: false });
  } catch (err) {
    ctx.logger.warn({ err, channel: source.channelId }, 'onboard: could not answer in the thread of its message');
  }
}

async function isSharedOutside(ctx: AppContext, client: WebClient, channel: string): Promise<boolean> {
  try {
    const info = await client.conversations.info({ channel });
    const c = info.channel as { is_ext_shared?: boolean; is_pending_ext_shared?: boolean } | undefined;
    return !c || Boolean(c.is_ext_shared || c.is_pending_ext_shared);
  } catch (err) {
    ctx.logger.info({ err, channel }, 'onboard: could not tell whether the channel is shared; answering privately');
    return true;
  }
}
