/** SVG presentation properties that may come from CSS (variables, classes) rather than attributes. */
const STYLE_PROPS = [
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-opacity',
  'stroke-dasharray',
  'opacity',
  'stop-color',
  'stop-opacity',
  'font-family',
  'font-size',
  'font-weight',
  'visibility',
  'display',
] as const;

/**
 * A standalone SVG has no access to the page's stylesheet, so `var(--chart-current)` would draw
 * black. Copy every element's computed presentation values onto the clone first.
 */
export function inlineComputedStyles(source: Element, clone: Element): void {
  const from = [source, ...source.querySelectorAll('*')];
  const to = [clone, ...clone.querySelectorAll('*')];
  from.forEach((element, i) => {
    const target = to[i];
    if (!(target instanceof SVGElement)) return;
    const computed = getComputedStyle(element);
    for (const prop of STYLE_PROPS) {
      const value = computed.getPropertyValue(prop);
      if (value) target.style.setProperty(prop, value);
    }
  });
}

function loadImage(url: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const image = new Image();
    image.onload = () => resolve(image);
    image.onerror = () => reject(new Error('The chart could not be converted to an image.'));
    image.src = url;
  });
}

export function chartFileName(title: string, from: string, to: string): string {
  const slug = title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return `${slug}_${from}_${to}.png`;
}

/** Draws the chart's SVG with a title on a 2× canvas and downloads it as PNG. */
export async function downloadChartPng(
  container: HTMLElement,
  title: string,
  fileName: string,
): Promise<void> {
  const svg = container.querySelector('svg.recharts-surface') ?? container.querySelector('svg');
  if (!svg) throw new Error('There is no chart to export yet.');
  const { width, height } = svg.getBoundingClientRect();
  const clone = svg.cloneNode(true) as SVGSVGElement;
  inlineComputedStyles(svg, clone);
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', String(width));
  clone.setAttribute('height', String(height));
  const markup = new XMLSerializer().serializeToString(clone);
  const image = await loadImage(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(markup)}`);

  const scale = 2;
  const titleHeight = 40;
  const pad = 16;
  const canvas = document.createElement('canvas');
  canvas.width = (width + pad * 2) * scale;
  canvas.height = (height + titleHeight + pad) * scale;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('This browser cannot draw images.');
  const page = getComputedStyle(document.documentElement);
  ctx.scale(scale, scale);
  ctx.fillStyle = page.getPropertyValue('--surface').trim() || '#ffffff';
  ctx.fillRect(0, 0, width + pad * 2, height + titleHeight + pad);
  ctx.fillStyle = page.getPropertyValue('--text').trim() || '#111827';
  ctx.font = '600 15px system-ui, sans-serif';
  ctx.fillText(title, pad, 26);
  ctx.drawImage(image, pad, titleHeight, width, height);

  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  if (!blob) throw new Error('The chart could not be converted to an image.');
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}
