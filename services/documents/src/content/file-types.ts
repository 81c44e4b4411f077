import { fileTypeFromBuffer } from 'file-type';

/** How many leading bytes the type check looks at (file-type's own sample size). */
export const SNIFF_BYTES = 4100;

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const ODT = 'application/vnd.oasis.opendocument.text';
const ODS = 'application/vnd.oasis.opendocument.spreadsheet';
const CFB = 'application/x-cfb';
const ZIP = 'application/zip';

/**
 * The allow-list of platform.md §3.4: each declared type → the types the magic bytes may show.
 * Legacy Word/Excel files are OLE compound files (`x-cfb`); OOXML and OpenDocument files are ZIPs
 * that may only be recognised as such from their first bytes.
 */
const DECLARED: Readonly<Record<string, readonly string[]>> = {
  'application/pdf': ['application/pdf'],
  'image/jpeg': ['image/jpeg'],
  'image/png': ['image/png'],
  'image/tiff': ['image/tiff'],
  'image/heic': ['image/heic', 'image/heif'],
  'image/heif': ['image/heic', 'image/heif'],
  'application/msword': [CFB],
  'application/vnd.ms-excel': [CFB],
  [DOCX]: [DOCX, ZIP],
  [XLSX]: [XLSX, ZIP],
  [ODT]: [ODT, ZIP],
  [ODS]: [ODS, ZIP],
  [ZIP]: [ZIP, DOCX, XLSX, ODT, ODS],
  'application/x-zip-compressed': [ZIP, DOCX, XLSX, ODT, ODS],
};
const DETECTABLE = new Set(Object.values(DECLARED).flat());
const TEXT_TYPES: Readonly<Record<string, string>> = { 'text/plain': 'txt', 'text/csv': 'csv' };
const CFB_EXTENSIONS: Readonly<Record<string, string>> = {
  'application/msword': 'doc',
  'application/vnd.ms-excel': 'xls',
};

export interface AcceptedType {
  mime: string;
  ext: string;
}

/** The media type of a Content-Type header, lower-cased, without parameters. */
export function mediaTypeOf(header: string | undefined): string | undefined {
  const type = header?.split(';')[0]?.trim().toLowerCase();
  return type === '' ? undefined : type;
}

/** Text is what has no control bytes other than tab, line breaks, form feed and escape. */
function looksLikeText(head: Buffer): boolean {
  for (const byte of head) {
    if (byte < 0x09 || (byte > 0x0d && byte < 0x20 && byte !== 0x1b) || byte === 0x7f) return false;
  }
  return true;
}

/**
 * Checks the first bytes against the declared type and the allow-list; answers what to store, or
 * null when the file must be refused (415). `application/octet-stream` or no type accepts any
 * allowed file by its magic bytes.
 */
export async function acceptType(head: Buffer, declaredHeader: string | undefined): Promise<AcceptedType | null> {
  const declared = mediaTypeOf(declaredHeader);
  const detected = await fileTypeFromBuffer(head);
  if (declared !== undefined && declared in TEXT_TYPES) {
    return detected === undefined && looksLikeText(head)
      ? { mime: declared, ext: TEXT_TYPES[declared] as string }
      : null;
  }
  if (detected === undefined) {
    const generic = declared === undefined || declared === 'application/octet-stream';
    return generic && looksLikeText(head) ? { mime: 'text/plain', ext: 'txt' } : null;
  }
  if (!DETECTABLE.has(detected.mime)) return null;
  if (declared !== undefined && declared !== 'application/octet-stream') {
    const allowed = DECLARED[declared];
    if (!allowed?.includes(detected.mime)) return null;
    if (detected.mime === CFB) return { mime: declared, ext: CFB_EXTENSIONS[declared] ?? 'doc' };
  }
  if (detected.mime === CFB) return { mime: 'application/msword', ext: 'doc' };
  return { mime: detected.mime, ext: detected.ext };
}
