import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { FolderOwnerType } from '@polis/contracts';
import { Invalid } from '@polis/platform';

/** Characters no file or folder name may hold (platform.md §3.1), plus control characters. */
const FORBIDDEN_CHARACTERS = /[\\/:*?"<>|]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is removed
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/g;
/** File systems count bytes, not characters: Cyrillic names take two bytes a letter. */
const MAX_NAME_BYTES = 200;

export const invalidPath = (field: string, reason: string) =>
  new Invalid(`The path is not allowed: ${reason}.`, 'invalid_path', { errors: [{ field, message: reason }] });

function truncateBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  let result = '';
  for (const char of text) {
    if (Buffer.byteLength(result + char, 'utf8') > maxBytes) break;
    result += char;
  }
  return result;
}

/**
 * One safe path segment from free text: forbidden characters become `-`, control characters go,
 * whitespace collapses, and a name of dots only (or nothing) becomes `untitled`.
 */
export function sanitizeName(text: string, maxBytes = MAX_NAME_BYTES): string {
  const cleaned = text
    .normalize('NFC')
    .replace(CONTROL_CHARACTERS, ' ')
    .replace(FORBIDDEN_CHARACTERS, '-')
    .replace(/\s+/g, ' ')
    .trim();
  const cut = truncateBytes(cleaned, maxBytes).trim();
  if (cut === '' || /^\.+$/.test(cut)) return 'untitled';
  return cut;
}

/** A folder name from a template: `{title}`, `{ownerId}`, `{ownerType}` substituted, then sanitised. */
export function renderFolderName(
  template: string,
  values: { title: string; ownerId: string; ownerType: FolderOwnerType },
): string {
  const text = template.replace(/\{(title|ownerId|ownerType)\}/g, (_match, key: keyof typeof values) => values[key]);
  return sanitizeName(text);
}

/** The file name of a stored document: `{DocumentType}_YYYYMMDD_{slug}{ext}`. */
export function documentFileName(documentType: string | null, localDate: string, title: string, ext: string): string {
  const type = documentType ? documentType[0]?.toUpperCase() + documentType.slice(1) : 'Document';
  const slug = sanitizeName(title, 120).replace(/\s/g, '_');
  const extension = ext === '' ? '' : `.${ext.replace(/[^A-Za-z0-9]/g, '').slice(0, 10)}`;
  return `${type}_${localDate.replaceAll('-', '')}_${slug}${extension}`;
}

/** `name`, `name-2`, `name-3`... keeping the extension last. */
export function withCollisionSuffix(fileName: string, attempt: number): string {
  if (attempt <= 1) return fileName;
  const dot = fileName.lastIndexOf('.');
  return dot > 0 ? `${fileName.slice(0, dot)}-${attempt}${fileName.slice(dot)}` : `${fileName}-${attempt}`;
}

function decodesToTraversal(value: string): boolean {
  let current = value;
  for (let round = 0; round < 3 && current.includes('%'); round += 1) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(current);
    } catch {
      return true;
    }
    if (decoded === current) break;
    if (
      decoded.includes('\0') ||
      decoded.includes('\\') ||
      decoded.split('/').some((part) => part === '..' || part === '.')
    ) {
      return true;
    }
    current = decoded;
  }
  return false;
}

/**
 * Checks a relative path a client sent (`parentPath`): no NUL, no backslash, not absolute, no `.`
 * or `..` segment, no empty segment, nothing that percent-decodes into one of those. Answers the
 * path without a trailing slash; 400 `invalid_path` otherwise.
 */
export function assertClientPath(value: string, field: string): string {
  if (value.includes('\0')) throw invalidPath(field, 'NUL bytes are not allowed');
  if (value.includes('\\')) throw invalidPath(field, 'backslashes are not allowed');
  if (value.startsWith('/') || isAbsolute(value) || /^[A-Za-z]:/.test(value)) {
    throw invalidPath(field, 'must be relative to the storage root');
  }
  const trimmed = value.replace(/\/+$/, '');
  const segments = trimmed.split('/');
  if (segments.some((segment) => segment === '' || segment === '.' || segment === '..')) {
    throw invalidPath(field, 'must not contain empty, "." or ".." segments');
  }
  if (decodesToTraversal(trimmed)) throw invalidPath(field, 'encoded traversal sequences are not allowed');
  return trimmed;
}

/** The absolute path of a relative one, refusing anything that lands outside the root. */
export function resolveInside(root: string, relativePath: string): string {
  if (relativePath.includes('\0')) throw invalidPath('path', 'NUL bytes are not allowed');
  const absolute = resolve(root, relativePath);
  const rel = relative(root, absolute);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel) || rel.split(sep).includes('..')) {
    throw invalidPath('path', 'it leaves the storage root');
  }
  return absolute;
}

/** Joins relative segments with `/` (the database form). */
export function joinRelative(...parts: Array<string | null | undefined>): string {
  return parts.filter((part): part is string => part !== undefined && part !== null && part !== '').join('/');
}
