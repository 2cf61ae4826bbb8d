// The classify webview's page: a script with a nonce, no inline styles or handlers, images only
// from the folders the panel allows (the CSP's img-src is the webview's own resource origin).
// The toolkit reads the nonce from the csp-nonce meta tag for the style element it probes with.
import { randomBytes } from 'node:crypto';

export function classifyHtml(cspSource: string, scriptUri: string): string {
  const nonce = randomBytes(16).toString('base64');
  const csp = [
    `default-src 'none'`,
    `img-src ${cspSource} data:`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta property="csp-nonce" content="${nonce}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Classify X-ray</title>
</head>
<body>
<main id="app" aria-live="polite"></main>
<script nonce="${nonce}" src="${scriptUri}"></script>
</body>
</html>`;
}
