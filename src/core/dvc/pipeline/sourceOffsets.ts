// Positions for the hand-written params loaders (JSON, TOML, Python): they note the offset where each container, key
// and list item starts, and give back line and column (1-based) the way a loaded YAML file does.
import type { SourcePos } from './types';
import type { PyValue } from './pyValue';

interface Place {
  at?: number;
  keys?: Map<string, number>;
  items?: number[];
}

export class SourceOffsets {
  private readonly lineStarts = [0];
  private readonly places = new WeakMap<object, Place>();

  constructor(
    text: string,
    private readonly file: string,
  ) {
    for (let k = 0; k < text.length; k++) if (text[k] === '\n') this.lineStarts.push(k + 1);
  }

  /** Line and column of an offset in the text (binary search over the line starts). */
  readonly posAt = (offset: number): SourcePos => {
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { file: this.file, line: lo + 1, column: offset - starts[lo] + 1 };
  };

  /** Where a key (string) or an item (number) of `container` is written; with neither, the container itself. */
  readonly locate = (container: PyValue, keyOrIndex?: string | number): SourcePos | undefined => {
    if (typeof container !== 'object' || container === null) return undefined;
    const place = this.places.get(container);
    const at = typeof keyOrIndex === 'string' ? place?.keys?.get(keyOrIndex) : typeof keyOrIndex === 'number' ? place?.items?.[keyOrIndex] : place?.at;
    return at === undefined ? undefined : this.posAt(at);
  };

  /** Notes where `container` starts. */
  containerAt(container: object, offset: number): void {
    this.placeOf(container).at = offset;
  }

  /** The offsets of `container`'s keys, to fill in as they are read. */
  keysOf(container: object): Map<string, number> {
    const place = this.placeOf(container);
    return (place.keys ??= new Map());
  }

  /** The offsets of `container`'s items, by index, to fill in as they are read. */
  itemsOf(container: object): number[] {
    const place = this.placeOf(container);
    return (place.items ??= []);
  }

  private placeOf(container: object): Place {
    let place = this.places.get(container);
    if (!place) this.places.set(container, (place = {}));
    return place;
  }
}
