/** Expected failures are values with dotted codes (STYLE.md); each edge maps them to its own form once. */
export type FailureCode =
  | 'item.not_found'
  | 'item.already_claimed'
  | 'item.not_authorized'
  | 'item.invalid_transition'
  | 'item.invalid_target'
  | 'item.reason_required'
  | 'item.stale'
  | 'staff.unknown';

export interface Failure {
  ok: false;
  code: FailureCode;
  /** Plain-language explanation for the person who acted. Never contains patient data. */
  message: string;
  /** Staff key of the current owner, for `item.already_claimed`. */
  ownerId?: string;
}

export type Result<T> = ({ ok: true } & T) | Failure;

export function fail(code: FailureCode, message: string, extra: Partial<Failure> = {}): Failure {
  return { ok: false, code, message, ...extra };
}
