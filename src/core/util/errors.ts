/** A file or message the user gave cannot be read: its message is the one sentence they see. */
export class InputError extends Error {
  override name = 'InputError';
}

/** The one sentence an error carries, whatever was thrown. */
export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** "These files are not …: " + lowerFirst(reason), for a sentence that continues another */
export function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
