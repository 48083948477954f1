/** The page's side of the lab's URL state (parsed and written by src/core/lab/url-state.ts): the address bar and the share link. */
import { parseUrlState, toSearch, type LabUrlState } from '../../core/lab';

/** the state the page was opened with */
export const pageUrlState = (): LabUrlState => parseUrlState(location.search);

/** Replaces the address bar's query (no history entry per slider move). */
export function writeUrlState(state: Omit<LabUrlState, 'tabs'>): void {
  const search = toSearch(state, location.search);
  if (search === location.search) return;
  history.replaceState(history.state, '', `${location.pathname}${search}${location.hash}`);
}

/** The link a teacher hands out: the Live settings with autostart on. */
export function shareLink(state: Omit<LabUrlState, 'tabs'>): string {
  const search = toSearch({ ...state, view: 'live', autostart: true }, '');
  return `${location.origin}${location.pathname}${search}`;
}
