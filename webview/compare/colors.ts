// Colour helpers for drawing on canvas: chart.js and the parallel-coordinates canvas need concrete colours, so the
// --vscode-* variables are read and, where a faint variant is needed, given an alpha.

/** The run palette: VS Code's chart colours first, then terminal colours every theme defines (light, dark, high contrast). */
export const RUN_PALETTE_VARS: readonly [variable: string, fallback: string][] = [
  ['--vscode-charts-blue', '#3794ff'],
  ['--vscode-charts-orange', '#d18616'],
  ['--vscode-charts-green', '#89d185'],
  ['--vscode-charts-red', '#f14c4c'],
  ['--vscode-charts-purple', '#b180d7'],
  ['--vscode-charts-yellow', '#cca700'],
  ['--vscode-terminal-ansiCyan', '#11a8cd'],
  ['--vscode-terminal-ansiMagenta', '#bc3fbc'],
  ['--vscode-terminal-ansiBrightBlue', '#3b8eea'],
  ['--vscode-terminal-ansiBrightGreen', '#23d18b'],
  ['--vscode-terminal-ansiBrightRed', '#f14c4c'],
  ['--vscode-terminal-ansiBrightYellow', '#f5f543'],
];

export interface Rgba {
  r: number;
  g: number;
  b: number;
  a: number;
}

/** Parses #rgb, #rgba, #rrggbb, #rrggbbaa and rgb()/rgba() (what VS Code puts in its variables); undefined otherwise. */
export function parseColor(text: string): Rgba | undefined {
  const s = text.trim().toLowerCase();
  const hex = /^#([0-9a-f]{3,8})$/.exec(s);
  if (hex) {
    const h = hex[1];
    if (h.length === 3 || h.length === 4) {
      const [r, g, b, a = 'f'] = h.split('').map((c) => c + c);
      return { r: parseInt(r, 16), g: parseInt(g, 16), b: parseInt(b, 16), a: parseInt(a.length === 1 ? a + a : a, 16) / 255 };
    }
    if (h.length === 6 || h.length === 8) {
      const byte = (i: number) => parseInt(h.slice(i, i + 2), 16);
      return { r: byte(0), g: byte(2), b: byte(4), a: h.length === 8 ? byte(6) / 255 : 1 };
    }
    return undefined;
  }
  const fn = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)(?:\s*[,/]\s*([\d.]+%?))?\s*\)$/.exec(s);
  if (fn) {
    const alpha = fn[4] === undefined ? 1 : fn[4].endsWith('%') ? Number(fn[4].slice(0, -1)) / 100 : Number(fn[4]);
    return { r: Number(fn[1]), g: Number(fn[2]), b: Number(fn[3]), a: Math.max(0, Math.min(1, alpha)) };
  }
  return undefined;
}

/** The colour with its alpha multiplied by `alpha` (a faint raw line, a band fill); unparsable colours pass through. */
export function withAlpha(color: string, alpha: number): string {
  const c = parseColor(color);
  if (!c) return color;
  return `rgba(${c.r}, ${c.g}, ${c.b}, ${+(c.a * alpha).toFixed(3)})`;
}

const RUN_DASHES: readonly number[][] = [[], [6, 3], [2, 2], [8, 3, 2, 3]];

/**
 * The line pattern of a run: solid for the first round of the palette, then dashed, dotted, dash-dot, so that runs
 * beyond the palette's size (there is no cap on runs) still differ from the run that shares their colour.
 */
export function runDash(colorIndex: number, paletteSize: number): number[] {
  const round = Math.floor(Math.max(0, colorIndex) / Math.max(1, paletteSize)) % RUN_DASHES.length;
  return [...RUN_DASHES[round]];
}
