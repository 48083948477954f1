/** Untrusted text → display text, HTML for chart tooltips, and short excerpts for error sentences. */
export { displayText, escapeHtml, excerpt, html, Markup, nameList, DISPLAY_MAX, EXCERPT_MAX } from './display-text';
