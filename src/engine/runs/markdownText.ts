// Text from outside (class names, paths, error messages) inside Markdown: it must read as the
// same text in any renderer and never become markup, a link, a table cell break or HTML.
// Pure (no Node, no DOM): the webviews bundle it too.

/** Inline text and table cells: HTML characters as entities, Markdown punctuation escaped, one line. */
export function mdText(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]|#~]/g, (c) => `\\${c}`)
    .replace(/\s*[\r\n]+\s*/g, ' ');
}

/**
 * A code span (paths, file names): a fence longer than any run of backticks inside, so the text
 * cannot close it; one line. In a table cell, `|` still ends the cell: pass `inTable`.
 */
export function mdCode(text: string, inTable = false): string {
  let body = text.replace(/\s*[\r\n]+\s*/g, ' ');
  if (inTable) body = body.replace(/\|/g, '\\|');
  const longest = Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = body.startsWith('`') || body.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${body}${pad}${fence}`;
}

/** A fenced block of preformatted text (the scikit-learn style tables), which nothing inside can close. */
export function mdBlock(text: string): string[] {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return [fence, text.trimEnd(), fence];
}
