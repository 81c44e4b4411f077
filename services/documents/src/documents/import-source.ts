import { fileURLToPath } from 'node:url';
import { Invalid } from '@polis/platform';
import { assertClientPath, resolveInside } from '../storage/storage-paths.js';

const invalid = (message: string) =>
  new Invalid(`sourceUri: ${message}`, 'invalid_source_uri', { errors: [{ field: 'sourceUri', message }] });

/**
 * The absolute file an import copies from: a path relative to `DOCUMENTS_IMPORT_ROOT`, or a
 * `file:` URL inside it. Anything else (other schemes, traversal, outside the root) is refused.
 */
export function resolveImportSource(importRoot: string | null, sourceUri: string): string {
  if (importRoot === null) throw invalid('imports are disabled (DOCUMENTS_IMPORT_ROOT is not set)');
  let relativePath = sourceUri;
  if (/^[a-z][a-z0-9+.-]*:/i.test(sourceUri)) {
    if (!sourceUri.startsWith('file:')) throw invalid('only file: URLs or paths below the import root are accepted');
    let absolute: string;
    try {
      absolute = fileURLToPath(sourceUri);
    } catch {
      throw invalid('not a valid file: URL');
    }
    const prefix = importRoot.endsWith('/') ? importRoot : `${importRoot}/`;
    if (!absolute.startsWith(prefix)) throw invalid('must lie inside the import root');
    relativePath = absolute.slice(prefix.length);
  }
  try {
    return resolveInside(importRoot, assertClientPath(relativePath, 'sourceUri'));
  } catch {
    throw invalid('must be a path inside the import root without "..", NUL or encoded traversal');
  }
}
