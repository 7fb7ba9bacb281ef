// A chart's PNG: the canvas is transparent (it shows the editor background through), so the export is drawn on
// the theme's background first; otherwise dark-theme text would vanish on a white image viewer.
export function chartPngDataUrl(canvas: HTMLCanvasElement, background: string): string {
  const out = document.createElement('canvas');
  out.width = canvas.width;
  out.height = canvas.height;
  const g = out.getContext('2d');
  if (!g) return canvas.toDataURL('image/png');
  g.fillStyle = background;
  g.fillRect(0, 0, out.width, out.height);
  g.drawImage(canvas, 0, 0);
  return out.toDataURL('image/png');
}
