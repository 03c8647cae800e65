import { create } from 'content-disposition';
import { BIDI_CONTROLS, CONTROL_CHARACTERS, LONE_SURROGATES } from './unicode';

/** The longest file name, in bytes of UTF-8: what common file systems (ext4, APFS, NTFS's 255 UTF-16 units) hold. */
export const MAX_FILE_NAME_BYTES = 255;

/** The name of an upload that came without one. */
export const DEFAULT_FILE_NAME = 'upload';

export type FileNameCheck = { ok: true; name: string } | { ok: false; message: string };

/**
 * An uploaded file's name as it is stored: in Unicode NFC (macOS sends names decomposed, so
 * `résumé.pdf` is one name however it was typed), at most {@link MAX_FILE_NAME_BYTES} bytes
 * of UTF-8, without control characters or bidirectional overrides (which make a name show as
 * another). A name is only a label: it is never a path on disk, so `/` is kept as sent.
 */
export function checkFileName(sent: string): FileNameCheck {
  const name = sent.normalize('NFC');
  if (name === '') return { ok: true, name: DEFAULT_FILE_NAME };
  if (name.search(CONTROL_CHARACTERS) >= 0)
    return { ok: false, message: 'the file name must not contain control characters' };
  if (name.search(BIDI_CONTROLS) >= 0)
    return {
      ok: false,
      message: 'the file name must not contain bidirectional overrides or isolates (U+202A–U+202E, U+2066–U+2069)',
    };
  if (name.search(LONE_SURROGATES) >= 0) return { ok: false, message: 'the file name must be valid Unicode' };
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes > MAX_FILE_NAME_BYTES)
    return { ok: false, message: `the file name must be at most ${MAX_FILE_NAME_BYTES} bytes of UTF-8 (got ${bytes})` };
  return { ok: true, name };
}

/**
 * `Content-Disposition: attachment` for a stored name, by `content-disposition` (RFC 6266: an
 * ASCII fallback and the exact name as `filename*`). Any stored name downloads safely, even
 * one kept from before the rules above: what they refuse becomes `_`, and a name over the
 * limit is cut to it, its extension kept.
 */
export function contentDisposition(stored: string): string {
  let name = stored
    .normalize('NFC')
    .replace(CONTROL_CHARACTERS, '_')
    .replace(BIDI_CONTROLS, '_')
    .replace(LONE_SURROGATES, '\ufffd');
  if (Buffer.byteLength(name, 'utf8') > MAX_FILE_NAME_BYTES) name = shorten(name);
  return create(name || DEFAULT_FILE_NAME);
}

/** `name` cut to at most MAX_FILE_NAME_BYTES bytes, whole characters only, keeping a short extension. */
function shorten(name: string): string {
  const extension = /\.[^.]{1,16}$/.exec(name)?.[0] ?? '';
  const room = MAX_FILE_NAME_BYTES - Buffer.byteLength(extension, 'utf8');
  let stem = '';
  let used = 0;
  for (const char of name.slice(0, name.length - extension.length)) {
    used += Buffer.byteLength(char, 'utf8');
    if (used > room) break;
    stem += char;
  }
  return stem + extension;
}
