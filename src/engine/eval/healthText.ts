// The words for a model's warnings in each medium (Markdown report, terminal), kept apart from the
// reports that include them. Imports only types and the pure health module, so the webview bundle
// can render the same words.
import type { ModelWarning } from '../types';
import { modelUnusable } from './health';

/** The headline over a run's warnings: unusable, or only too little test data to tell. */
export function warningHeadline(warnings: readonly ModelWarning[]): string {
  return modelUnusable(warnings) ? 'Warning: this model is not usable as it stands' : 'Warning: too few test images to judge this model';
}

/** Text that stays text in a Markdown preview (class names come from folder names). */
const inert = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A Markdown section (level-2 heading, one bullet per warning), or '' when there are none. */
export function warningsMarkdown(warnings: readonly ModelWarning[] | undefined): string {
  if (!warnings?.length) return '';
  const items = warnings.map((w) => `- **${inert(w.message)}**\n  Try: ${inert(w.suggestion)}`);
  return [`## ${warningHeadline(warnings)}`, '', ...items].join('\n');
}

/** A framed block for the terminal, or '' when there are none. */
export function warningsText(warnings: readonly ModelWarning[] | undefined): string {
  if (!warnings?.length) return '';
  const headline = `!! ${warningHeadline(warnings).toUpperCase()} !!`;
  const rule = '!'.repeat(Math.min(100, headline.length));
  const lines = [rule, headline, rule];
  for (const w of warnings) lines.push(`- ${w.message}`, `  Try: ${w.suggestion}`);
  lines.push(rule);
  return lines.join('\n') + '\n';
}
