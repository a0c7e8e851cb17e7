import type { ContactFieldValues } from '../customer/contact-fields.js';

/**
 * Slack's message markup as plain text for Pivotal's notes: links keep their address, mentions and
 * channels their names, and the three escaped characters come back.
 */
export function plainText(slackText: string): string {
  return slackText
    .replace(/<mailto:([^|>]+)(?:\|[^>]*)?>/g, '$1')
    .replace(/<@([A-Z0-9]+)\|([^>]+)>/g, '@$2')
    .replace(/<@([A-Z0-9]+)>/g, '@$1')
    .replace(/<#([A-Z0-9]+)\|([^>]*)>/g, '#$2')
    .replace(/<!(here|channel|everyone)(?:\|[^>]*)?>/g, '@$1')
    .replace(/<(https?:[^|>]+)\|([^>]+)>/g, '$2 ($1)')
    .replace(/<(https?:[^|>]+)>/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** What "Start onboarding" reads out of a message for the onboard form; what the text lacks stays empty. */
export interface MessagePrefill {
  customerName: string;
  domain?: string;
  contact?: ContactFieldValues;
  notes: string;
}

const EMAIL = /[A-Za-z0-9._%+-]+@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})/;
/** A person's name as people write it: one to three capitalised words. */
const NAME = String.raw`\p{Lu}[\p{L}'’-]+(?:\s+\p{Lu}[\p{L}'’-]+){0,2}`;
const NAME_BEFORE_EMAIL = new RegExp(`(${NAME})\\s*[<(\\[,:–—-]?\\s*$`, 'u');
const LABELLED_CONTACT = new RegExp(`\\b(?:contact|champion|poc|point of contact)\\s*(?:is|:|-|–)\\s*(${NAME})`, 'iu');
const LABELLED_COMPANY =
  /\b(?:closed[\s-]won|customer|company|account|client|signed|new logo)\s*[:–—-]\s*([^,.;!?()\n<]+)/i;
/** Addresses at these say nothing about the customer's company. */
const PERSONAL_MAIL = new Set([
  'gmail.com',
  'googlemail.com',
  'yahoo.com',
  'hotmail.com',
  'outlook.com',
  'live.com',
  'icloud.com',
  'me.com',
  'aol.com',
  'proton.me',
  'protonmail.com',
  'gmx.com',
]);
const MAX_NAME = 200;

function companyFromDomain(domain: string): string {
  const label = domain.split('.').at(-2) ?? domain;
  return label.charAt(0).toUpperCase() + label.slice(1);
}

export function prefillFromMessage(slackText: string): MessagePrefill {
  const text = plainText(slackText);
  const email = EMAIL.exec(text);
  const companyDomain = email && !PERSONAL_MAIL.has(email[1]!.toLowerCase()) ? email[1]!.toLowerCase() : undefined;
  const labelled = LABELLED_COMPANY.exec(text)?.[1]?.trim();
  const customerName = [...(labelled || (companyDomain ? companyFromDomain(companyDomain) : ''))]
    .slice(0, MAX_NAME)
    .join('');
  const contactName =
    (email ? NAME_BEFORE_EMAIL.exec(text.slice(0, email.index))?.[1] : undefined) ??
    LABELLED_CONTACT.exec(text)?.[1] ??
    '';
  const contact =
    email || contactName ? { name: contactName, email: email ? email[0].toLowerCase() : '', title: '' } : undefined;
  return {
    customerName,
    ...(companyDomain ? { domain: companyDomain } : {}),
    ...(contact ? { contact } : {}),
    notes: text.trim(),
  };
}
