/** An answer in the documented error envelope `{error: {type, code, message, field?}}`, thrown anywhere in a request. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }

  toBody(): { error: { type: string; code: string; message: string; field?: string } } {
    return {
      error: { type: this.type, code: this.code, message: this.message, ...(this.field ? { field: this.field } : {}) },
    };
  }
}

const TYPE_BY_STATUS: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found',
  409: 'conflict',
  429: 'rate_limit_error',
};

/** Status and type always pair in Pivotal's answers. */
export function errorTypeForStatus(status: number): string {
  return TYPE_BY_STATUS[status] ?? 'internal_error';
}

export type RecordKind = 'customers' | 'contacts' | 'onboardings';

const SINGULAR: Record<RecordKind, string> = { customers: 'customer', contacts: 'contact', onboardings: 'onboarding' };

/** Only `onboarding_not_found` is confirmed by the docs; the others follow its pattern. */
export function notFound(kind: RecordKind, ref: string): ApiError {
  const name = SINGULAR[kind];
  return new ApiError(404, 'not_found', `${name}_not_found`, `No ${name} with id ${ref}`);
}

export function badRequest(code: string, message: string, field?: string): ApiError {
  return new ApiError(400, 'invalid_request_error', code, message, field);
}

export function conflict(code: string, message: string, field?: string): ApiError {
  return new ApiError(409, 'conflict', code, message, field);
}
