// Colours for canvases come from the VS Code theme's CSS variables, read at draw time, because
// a canvas cannot use var(). VS Code sets the variables on <html> and a theme-kind class on <body>.

export interface ThemeColors {
  kind: 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';
  foreground: string;
  muted: string;
  background: string;
  grid: string;
  blue: string;
  orange: string;
  green: string;
  red: string;
  purple: string;
  yellow: string;
  fontFamily: string;
  fontSize: number;
}

function themeKind(): ThemeColors['kind'] {
  const c = document.body.classList;
  if (c.contains('vscode-high-contrast-light')) return 'high-contrast-light';
  if (c.contains('vscode-high-contrast')) return 'high-contrast';
  if (c.contains('vscode-dark')) return 'dark';
  return 'light';
}

/** Reads the current theme's colours (with VS Code's own defaults when a variable is missing). */
export function readTheme(): ThemeColors {
  const kind = themeKind();
  const dark = kind === 'dark' || kind === 'high-contrast';
  const style = getComputedStyle(document.body);
  const v = (name: string, fallback: string): string => style.getPropertyValue(name).trim() || fallback;
  const foreground = v('--vscode-editor-foreground', v('--vscode-foreground', dark ? '#cccccc' : '#3b3b3b'));
  return {
    kind,
    foreground,
    muted: v('--vscode-descriptionForeground', dark ? '#9d9d9d' : '#717171'),
    background: v('--vscode-editor-background', dark ? '#1e1e1e' : '#ffffff'),
    grid: v('--vscode-charts-lines', dark ? 'rgba(204,204,204,0.25)' : 'rgba(59,59,59,0.2)'),
    blue: v('--vscode-charts-blue', dark ? '#3794ff' : '#1a85ff'),
    orange: v('--vscode-charts-orange', dark ? '#d18616' : '#d18616'),
    green: v('--vscode-charts-green', dark ? '#89d185' : '#388a34'),
    red: v('--vscode-charts-red', dark ? '#f14c4c' : '#e51400'),
    purple: v('--vscode-charts-purple', dark ? '#b180d7' : '#652d90'),
    yellow: v('--vscode-charts-yellow', dark ? '#cca700' : '#bf8803'),
    fontFamily: v('--vscode-font-family', 'system-ui, sans-serif'),
    fontSize: parseFloat(v('--vscode-font-size', '13px')) || 13,
  };
}

/** Calls `onChange` when VS Code switches theme (body class) or updates its variables (html style). */
export function onThemeChange(onChange: () => void): () => void {
  let scheduled = false;
  const fire = (): void => {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(() => {
      scheduled = false;
      onChange();
    });
  };
  const observer = new MutationObserver(fire);
  observer.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style'] });
  return () => observer.disconnect();
}
