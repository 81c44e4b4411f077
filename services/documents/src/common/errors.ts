import { Conflict, DomainError, NotFound } from '@polis/platform';

export const documentNotFound = () => new NotFound('The document does not exist.', 'document_not_found');
export const folderNotFound = () => new NotFound('The folder does not exist.', 'folder_not_found');
export const ownerNotFound = (ownerType: string) =>
  new NotFound(`The ${ownerType} does not exist, or you may not see it.`, `${ownerType}_not_found`);
export const alreadyDeleted = () => new Conflict('The document has been deleted.', 'already_deleted');
export const uploadConflict = (status: string, message = 'The document is not waiting for an upload.') =>
  new Conflict(message, 'upload_conflict', { details: { status } });
export const fileTooLarge = (maxBytes: number) =>
  new DomainError(413, 'file_too_large', `The file is larger than the ${Math.floor(maxBytes / 1048576)} MB allowed.`, {
    details: { maxBytes },
  });
export const unsupportedMediaType = (detected: string | null) =>
  new DomainError(415, 'unsupported_media_type', 'This type of file is not accepted.', {
    details: { detected },
  });
export const quotaExceeded = () =>
  new DomainError(507, 'quota_exceeded', 'The document storage is full; ask an administrator.');
export const checksumMismatch = () =>
  new DomainError(422, 'checksum_mismatch', 'The checksum or size does not match the bytes received.');
