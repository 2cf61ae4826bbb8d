// The HTML shell of every panel. Pure (no 'vscode' import) so the browser tests load the pages under
// the very same Content-Security-Policy.

export interface WebviewHtmlParams {
  /** webview.cspSource */
  cspSource: string;
  nonce: string;
  /** webview.asWebviewUri of dist/webview/<name>.js, as a string. */
  scriptUri: string;
  title: string;
  /** Announce changes of the page's content to screen readers. */
  ariaLive?: 'polite';
}

/**
 * No 'unsafe-inline' anywhere: our CSS and the toolkit's are constructed stylesheets (not subject
 * to style-src); the toolkit's one feature-test <style> element carries the nonce it reads from
 * the csp-nonce meta tag.
 */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
  ].join('; ');
}

export function createNonce(random: (n: number) => Uint8Array): string {
  return Buffer.from(random(24)).toString('base64').replace(/[^A-Za-z0-9]/g, '');
}

const escapeAttr = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

export function webviewHtml(p: WebviewHtmlParams): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttr(contentSecurityPolicy(p.cspSource, p.nonce))}">
<meta property="csp-nonce" content="${escapeAttr(p.nonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeAttr(p.title)}</title>
</head>
<body>
<main id="root"${p.ariaLive ? ` aria-live="${p.ariaLive}"` : ''}></main>
<script nonce="${escapeAttr(p.nonce)}" src="${escapeAttr(p.scriptUri)}"></script>
</body>
</html>`;
}
