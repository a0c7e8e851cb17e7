import type { RequestLine } from './errors.js';

const SINGULAR: Record<string, string> = {
  customers: 'a customer',
  contacts: 'a contact',
  onboardings: 'an onboarding',
};

/**
 * What a request asked of Pivotal, in the words a person reads after "Pivotal did not allow this
 * workspace's key to …": `create a customer`, `read onboardings`, `update an onboarding`.
 */
export function describeRequest(request: RequestLine): string {
  const segments = request.path.split('/').filter(Boolean);
  const last = segments.at(-1);
  if (last === undefined) return `${request.method} /`;
  if (last === 'me') return 'check its own identity (`/me`)';
  const collection = SINGULAR[last];
  if (collection) {
    if (request.method === 'GET') return `read ${last}`;
    if (request.method === 'POST') return `create ${collection}`;
  }
  const item = SINGULAR[segments.at(-2) ?? ''];
  if (item) {
    if (request.method === 'GET') return `read ${item}`;
    if (request.method === 'PATCH') return `update ${item}`;
    if (request.method === 'DELETE') return `delete ${item}`;
  }
  return `${request.method} ${request.path}`;
}
