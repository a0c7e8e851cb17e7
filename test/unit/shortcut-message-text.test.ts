import { describe, expect, it } from 'vitest';
import { plainText, prefillFromMessage } from '../../src/features/shortcuts/message-text.js';
import { appendedNotes, noteEntry } from '../../src/features/shortcuts/notes.js';
import { onboardingNotes } from '../../src/features/onboard/source-message.js';

describe('reading a Slack message for the onboard form', () => {
  it('turns Slack markup into plain text', () => {
    expect(
      plainText(
        'Hi <@U123|ana> and <@U456> in <#C1|sales>: <https://acme.example/deal|the deal> &lt;3 &amp; <!here> <https://x.example>',
      ),
    ).toBe('Hi @ana and @U456 in #sales: the deal (https://acme.example/deal) <3 & @here https://x.example');
  });

  it('takes the company after a label, and the contact named before an email address', () => {
    expect(
      prefillFromMessage('closed-won: Acme, kickoff next week. Jane Doe <mailto:Jane@Acme.example|Jane@Acme.example>'),
    ).toEqual({
      customerName: 'Acme',
      domain: 'acme.example',
      contact: { name: 'Jane Doe', email: 'jane@acme.example', title: '' },
      notes: 'closed-won: Acme, kickoff next week. Jane Doe Jane@Acme.example',
    });
  });

  it('names the company after its email domain when no label does, but not after a personal mailbox', () => {
    expect(prefillFromMessage('Ping bob@globex.example about the rollout').customerName).toBe('Globex');
    const personal = prefillFromMessage('Contact: Bob Stone, bob.stone@gmail.com');
    expect(personal.customerName).toBe('');
    expect(personal.domain).toBeUndefined();
    expect(personal.contact).toEqual({ name: 'Bob Stone', email: 'bob.stone@gmail.com', title: '' });
  });

  it('takes a company only after a label and a colon or dash, not from "the customer is happy"', () => {
    expect(prefillFromMessage('the customer is happy').customerName).toBe('');
    expect(prefillFromMessage('New logo — Fabrikam Inc!').customerName).toBe('Fabrikam Inc');
  });

  it('leaves what the text lacks empty', () => {
    expect(prefillFromMessage('we should talk tomorrow')).toEqual({
      customerName: '',
      notes: 'we should talk tomorrow',
    });
  });
});

describe('notes', () => {
  it('an onboarding started from a message keeps its link below what the person kept', () => {
    const source = { channelId: 'C1', ts: '1.2', threadTs: null, permalink: 'https://x.slack.com/p12' };
    expect(onboardingNotes(' deal won ', source)).toBe('deal won\n\nFrom Slack: https://x.slack.com/p12');
    expect(onboardingNotes('', { ...source, permalink: null })).toBeUndefined();
  });

  it('"Add to onboarding" quotes the message below the existing notes', () => {
    const message = { quote: 'line one\nline two', permalink: 'https://x.slack.com/p9' };
    expect(noteEntry(message)).toBe('> line one\n> line two\nFrom Slack: https://x.slack.com/p9');
    expect(appendedNotes('Kickoff booked.\n', message)).toBe(`Kickoff booked.\n\n${noteEntry(message)}`);
    expect(appendedNotes('  ', message)).toBe(noteEntry(message));
  });
});
