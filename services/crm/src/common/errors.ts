import { Conflict, Forbidden, NotFound } from '@polis/platform';

export const clientNotFound = () => new NotFound('The client does not exist.', 'client_not_found');
export const dealNotFound = () => new NotFound('The deal does not exist.', 'deal_not_found');
export const calculationNotFound = () => new NotFound('The calculation does not exist.', 'calculation_not_found');
export const policyNotFound = () => new NotFound('The policy does not exist.', 'policy_not_found');
export const documentNotFound = () => new NotFound('The document does not exist.', 'document_not_found');

export const versionConflict = (current: number, expected: number) =>
  new Conflict('The record was changed by someone else; reload it and try again.', 'version_conflict', {
    details: { currentVersion: current, expectedVersion: expected },
  });

/** Throws 409 `version_conflict` when the client based its change on an older version. */
export function assertVersion(current: number, expected: number | undefined): void {
  if (expected !== undefined && expected !== current) throw versionConflict(current, expected);
}

export const forbidden = (message: string) => new Forbidden(message, 'forbidden');
