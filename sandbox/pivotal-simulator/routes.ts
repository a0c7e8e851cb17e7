import { z } from 'zod';
import { DOCUMENTED_STATES } from './documented.js';
import { badRequest, type RecordKind } from './api-error.js';
import type { ApiKeyRecord } from './api-keys.js';
import type { OnboardingRecord, Org } from './records.js';
import type { ListPage, SimulatorState } from './state.js';
import {
  ContactCreateBody,
  ContactPatchBody,
  CustomerCreateBody,
  CustomerPatchBody,
  OnboardingCreateBody,
  OnboardingPatchBody,
  PageQuery,
  validate,
} from './validation.js';

export interface RouteContext {
  state: SimulatorState;
  org: Org;
  key: ApiKeyRecord;
  /** The `:id` segments of the path, in order. */
  params: string[];
  query: Record<string, string>;
  body: unknown;
}

export interface RouteResult {
  status: number;
  body: unknown;
}

type Handler = (ctx: RouteContext) => RouteResult;

interface Route {
  method: string;
  segments: string[];
  handler: Handler;
}

const ok = (body: unknown): RouteResult => ({ status: 200, body });
const created = (body: unknown): RouteResult => ({ status: 201, body });

/** Newest first, rows strictly older than the cursor. */
function page<T extends { created_at: string }>(records: T[], query: Record<string, string>): ListPage<T> {
  const { limit, cursor } = validate(PageQuery, query);
  const eligible =
    cursor === undefined ? records : records.filter((r) => Date.parse(r.created_at) < Date.parse(cursor));
  const data = eligible.slice(0, limit);
  const hasMore = eligible.length > limit;
  return { object: 'list', data, has_more: hasMore, next_cursor: hasMore ? data[data.length - 1]!.created_at : null };
}

function checkPhase(ctx: RouteContext, phase: string | undefined): void {
  if (phase !== undefined && !ctx.state.allowsPhase(ctx.org.id, phase)) {
    throw badRequest('invalid_enum_value', `Unknown phase "${phase}"`, 'phase');
  }
}

const StateFilter = z.object({ state: z.enum(DOCUMENTED_STATES).optional() });

function onboardingFilter(ctx: RouteContext, customerId: string | undefined): (o: OnboardingRecord) => boolean {
  const { state } = validate(StateFilter, { state: ctx.query.state });
  const phase = ctx.query.phase;
  checkPhase(ctx, phase);
  return (o) =>
    (customerId === undefined || o.customer_id === customerId) &&
    (phase === undefined || o.phase === phase) &&
    (state === undefined || (state === 'waiting' ? o.waiting_on_customer || o.state === 'waiting' : o.state === state));
}

/** Reads and soft deletes look the same for every kind. */
function readAndDelete(kind: RecordKind): Route[] {
  return [
    {
      method: 'GET',
      segments: [kind, ':id'],
      handler: (ctx) => ok(ctx.state.require(ctx.org.id, kind, ctx.params[0]!)),
    },
    {
      method: 'DELETE',
      segments: [kind, ':id'],
      handler: (ctx) => ok(ctx.state.delete(ctx.org.id, kind, ctx.params[0]!)),
    },
  ];
}

const ROUTES: Route[] = [
  {
    method: 'GET',
    segments: ['me'],
    // Exactly the shape the quickstart and the test-mode guide show, and nothing more.
    handler: ({ key, org }) =>
      ok({
        object: 'api_key_identity',
        key_name: key.name,
        key_prefix: key.prefix,
        org_id: org.id,
        org_slug: org.slug,
        mode: key.mode,
      }),
  },

  {
    method: 'GET',
    segments: ['customers'],
    handler: (ctx) => {
      const { status, slug } = ctx.query;
      const matches = ctx.state.list(
        ctx.org.id,
        'customers',
        (c) => (status === undefined || c.status === status) && (slug === undefined || c.slug === slug),
      );
      return ok(page(matches, ctx.query));
    },
  },
  {
    method: 'POST',
    segments: ['customers'],
    handler: (ctx) => created(ctx.state.createCustomer(ctx.org.id, validate(CustomerCreateBody, ctx.body))),
  },
  ...readAndDelete('customers'),
  {
    method: 'PATCH',
    segments: ['customers', ':id'],
    handler: (ctx) => ok(ctx.state.updateCustomer(ctx.org.id, ctx.params[0]!, validate(CustomerPatchBody, ctx.body))),
  },

  {
    method: 'GET',
    segments: ['customers', ':id', 'contacts'],
    handler: (ctx) => {
      const customer = ctx.state.require(ctx.org.id, 'customers', ctx.params[0]!);
      return ok(
        page(
          ctx.state.list(ctx.org.id, 'contacts', (c) => c.customer_id === customer.id),
          ctx.query,
        ),
      );
    },
  },
  {
    method: 'POST',
    segments: ['customers', ':id', 'contacts'],
    handler: (ctx) =>
      created(ctx.state.createContact(ctx.org.id, ctx.params[0]!, validate(ContactCreateBody, ctx.body))),
  },
  ...readAndDelete('contacts'),
  {
    method: 'PATCH',
    segments: ['contacts', ':id'],
    handler: (ctx) => ok(ctx.state.updateContact(ctx.org.id, ctx.params[0]!, validate(ContactPatchBody, ctx.body))),
  },

  {
    method: 'GET',
    segments: ['customers', ':id', 'onboardings'],
    handler: (ctx) => {
      const customer = ctx.state.require(ctx.org.id, 'customers', ctx.params[0]!);
      return ok(page(ctx.state.list(ctx.org.id, 'onboardings', onboardingFilter(ctx, customer.id)), ctx.query));
    },
  },
  {
    method: 'GET',
    segments: ['onboardings'],
    handler: (ctx) => {
      const ref = ctx.query.customer_id;
      // An unknown customer filters everything out rather than failing the list.
      const customerId = ref === undefined ? undefined : (ctx.state.get(ctx.org.id, 'customers', ref)?.id ?? '');
      return ok(page(ctx.state.list(ctx.org.id, 'onboardings', onboardingFilter(ctx, customerId)), ctx.query));
    },
  },
  {
    method: 'POST',
    segments: ['onboardings'],
    handler: (ctx) => {
      const body = validate(OnboardingCreateBody, ctx.body);
      checkPhase(ctx, body.phase);
      return created(ctx.state.createOnboarding(ctx.org.id, body));
    },
  },
  ...readAndDelete('onboardings'),
  {
    method: 'PATCH',
    segments: ['onboardings', ':id'],
    handler: (ctx) => {
      const changes = validate(OnboardingPatchBody, ctx.body);
      checkPhase(ctx, changes.phase);
      return ok(ctx.state.updateOnboarding(ctx.org.id, ctx.params[0]!, changes));
    },
  },
];

/** The route for a path below `/api/v1`, with its `:id` values; unknown method or path → undefined (404). */
export function findRoute(method: string, segments: string[]): { handler: Handler; params: string[] } | undefined {
  for (const route of ROUTES) {
    if (route.method !== method || route.segments.length !== segments.length) continue;
    const params: string[] = [];
    const matches = route.segments.every((expected, i) => {
      if (expected !== ':id') return expected === segments[i];
      params.push(segments[i]!);
      return true;
    });
    if (matches) return { handler: route.handler, params };
  }
  return undefined;
}
