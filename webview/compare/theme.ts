// Colours for canvas drawing, read from the --vscode-* variables VS Code sets on <html>, and recomputed when the
// theme changes (VS Code rewrites those variables and the body's vscode-light/-dark/-high-contrast class).
import { RUN_PALETTE_VARS, withAlpha } from './colors';

export interface Theme {
  kind: 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';
  palette: string[];
  foreground: string;
  muted: string;
  grid: string;
  axis: string;
  background: string;
  hoverBackground: string;
  hoverForeground: string;
  hoverBorder: string;
  focusBorder: string;
  fontFamily: string;
  fontSize: number;
}

export function readTheme(): Theme {
  const cs = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string) => cs.getPropertyValue(name).trim() || fallback;
  const body = document.body.classList;
  const kind: Theme['kind'] = body.contains('vscode-high-contrast-light') ? 'high-contrast-light'
    : body.contains('vscode-high-contrast') ? 'high-contrast'
      : body.contains('vscode-light') ? 'light' : 'dark';
  const foreground = v('--vscode-editor-foreground', v('--vscode-foreground', '#cccccc'));
  const highContrast = kind.startsWith('high-contrast');
  return {
    kind,
    palette: RUN_PALETTE_VARS.map(([name, fallback]) => v(name, fallback)),
    foreground,
    muted: v('--vscode-descriptionForeground', foreground),
    grid: highContrast ? withAlpha(v('--vscode-contrastBorder', foreground), 0.5) : withAlpha(foreground, kind === 'light' ? 0.09 : 0.1),
    axis: highContrast ? v('--vscode-contrastBorder', foreground) : withAlpha(foreground, 0.3),
    background: v('--vscode-editor-background', kind === 'light' ? '#ffffff' : '#1e1e1e'),
    hoverBackground: v('--vscode-editorHoverWidget-background', '#252526'),
    hoverForeground: v('--vscode-editorHoverWidget-foreground', foreground),
    hoverBorder: v('--vscode-editorHoverWidget-border', '#454545'),
    focusBorder: v('--vscode-focusBorder', '#0078d4'),
    fontFamily: v('--vscode-font-family', 'sans-serif'),
    fontSize: parseFloat(v('--vscode-font-size', '13px')) || 13,
  };
}

/** Calls `onChange` after VS Code switched theme (coalesced into one call per frame). */
export function onThemeChange(onChange: () => void): void {
  let queued = false;
  const observer = new MutationObserver(() => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      onChange();
    });
  });
  observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
}

export function runColor(theme: Theme, colorIndex: number): string {
  return theme.palette[((colorIndex % theme.palette.length) + theme.palette.length) % theme.palette.length];
}
