// Our CSS arrives as text in the bundle and is adopted as a constructed stylesheet, so the
// Content-Security-Policy needs neither 'unsafe-inline' nor a style file of its own.
export function adoptStyles(cssText: string): void {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(cssText);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
}
