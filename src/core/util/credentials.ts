/**
 * An address as it may be shown, put in the page's URL or stored: without a user name
 * and password typed into it (`ws://user:secret@host:9001` → `ws://host:9001`). Text that
 * is not a URL loses whatever sits between `//` and an `@`.
 */
export function withoutCredentials(text: string): string {
  try {
    const url = new URL(text.trim());
    if (!url.username && !url.password) return text.trim();
    url.username = '';
    url.password = '';
    return url.href.replace(/\/$/, '');
  } catch {
    return text.replace(/\/\/[^/@\s]*@/, '//');
  }
}
