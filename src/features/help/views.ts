import type { EphemeralMessage } from '../../views/ephemeral.js';
import type { Subcommand } from '../../slack/command-router.js';
import { escapeMrkdwn } from '../../views/text.js';

export function helpMessage(commands: readonly Subcommand[], unknownWord?: string): EphemeralMessage {
  const intro = unknownWord
    ? `I don't know \`${escapeMrkdwn(unknownWord).slice(0, 60)}\`. Here is what I can do:`
    : 'Here is what I can do:';
  const lines = commands.map((c) => `• \`/pivotal ${c.name}\` — ${c.summary}\n   e.g. \`${c.example}\``);
  return {
    response_type: 'ephemeral',
    text: `${intro} ${commands.map((c) => `/pivotal ${c.name}`).join(', ')}`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*Pivotal for Slack* — ${intro}` } },
      { type: 'section', text: { type: 'mrkdwn', text: lines.join('\n') } },
      {
        type: 'context',
        elements: [{ type: 'mrkdwn', text: "Managers: open the app's *Home* tab to see the whole pipeline." }],
      },
    ],
  };
}
