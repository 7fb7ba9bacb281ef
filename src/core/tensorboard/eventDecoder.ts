import { HPARAMS_PLUGIN, readSessionStartHParams, SESSION_START_INFO_TAG } from './hparamsDecoder';
import { ProtoReader, WIRE_FIXED32, WIRE_FIXED64, WIRE_LEN } from './protoDecoder';
import { readScalarTensor } from './tensorValue';

// Decodes the Event records of an event file (tensorboard/compat/proto/event.proto, summary.proto) into scalar
// points, the way TensorBoard's scalars dashboard sees them:
// - a Summary.Value with `simple_value` (TF1, torch's SummaryWriter, tensorboardX) is a scalar;
// - a Summary.Value with a one-element `tensor` (TF2's tf.summary.scalar, new_style writers) is a scalar when the tag's
//   plugin is "scalars". Writers put SummaryMetadata only on a tag's first value, so, like TensorBoard's
//   plugin_event_accumulator, we remember per run the plugin of the first value of each tag that carried metadata.
// Everything else (images, histograms, text, graphs, session logs) is skipped without being decoded.

// Event fields
const EVENT_WALL_TIME = 1;
const EVENT_STEP = 2;
const EVENT_SUMMARY = 5;
// Summary: repeated Value value = 1
const SUMMARY_VALUE = 1;
// Summary.Value fields
const VALUE_TAG = 1;
const VALUE_SIMPLE = 2;
const VALUE_TENSOR = 8;
const VALUE_METADATA = 9;
// SummaryMetadata.plugin_data = 1 { plugin_name = 1, content = 2 }
const METADATA_PLUGIN_DATA = 1;
const PLUGIN_NAME = 1;
const PLUGIN_CONTENT = 2;

export const SCALARS_PLUGIN = 'scalars';

export interface EventSink {
  /** One scalar point; `wallTime` in seconds, as written. */
  scalar(tag: string, step: number, wallTime: number, value: number): void;
  /** Hyperparameters from an hparams session_start_info summary. */
  params(params: Map<string, string>): void;
}

export class EventDecoder {
  /** Wall time (seconds) and step of the last event decoded. */
  wallTime = 0;
  step = 0;
  private readonly r = new ProtoReader();
  private readonly tagNames = new TagNames();
  private viewOf: Uint8Array | undefined;
  private view: DataView = new DataView(new ArrayBuffer(0));
  /** Plugin name of the last value's metadata, and where its content is (set by readMetadata). */
  private pluginName = '';
  private contentStart = -1;
  private contentEnd = -1;

  /** `plugins`: tag -> plugin name, shared by all the files of one run. */
  constructor(
    readonly plugins: Map<string, string>,
    private readonly sink: EventSink,
  ) {}

  /** Decodes the Event in bytes[start, end). Throws ProtoError if it is not a valid Event. */
  decode(bytes: Buffer, start: number, end: number): void {
    if (bytes !== this.viewOf) {
      this.viewOf = bytes;
      this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    }
    const r = this.r;
    r.reset(bytes, this.view, start, end);
    let wallTime = 0;
    let step = 0;
    let summaryStart = -1;
    let summaryEnd = -1;
    for (let key = r.key(); key !== -1; key = r.key()) {
      const field = key >>> 3;
      const wire = key & 7;
      if (field === EVENT_WALL_TIME && wire === WIRE_FIXED64) wallTime = r.double();
      else if (field === EVENT_STEP && wire === 0) step = r.int();
      else if (field === EVENT_SUMMARY && wire === WIRE_LEN) {
        summaryEnd = r.lenEnd();
        summaryStart = r.pos;
        r.pos = summaryEnd;
      } else r.skip(wire);
    }
    this.wallTime = wallTime;
    this.step = step;
    if (summaryStart < 0) return;
    // Step and wall time are known only once the whole event is read: fields may come in any order.
    r.pos = summaryStart;
    r.end = summaryEnd;
    for (let key = r.key(); key !== -1; key = r.key()) {
      if (key >>> 3 === SUMMARY_VALUE && (key & 7) === WIRE_LEN) {
        const valueEnd = r.lenEnd();
        this.readValue(bytes, valueEnd);
        r.pos = valueEnd;
        r.end = summaryEnd;
      } else r.skip(key & 7);
    }
  }

  private readValue(bytes: Buffer, end: number): void {
    const r = this.r;
    r.end = end;
    let tagStart = -1;
    let tagEnd = -1;
    let hasSimple = false;
    let simple = 0;
    let tensorStart = -1;
    let tensorEnd = -1;
    let metadataStart = -1;
    let metadataEnd = -1;
    for (let key = r.key(); key !== -1; key = r.key()) {
      const field = key >>> 3;
      const wire = key & 7;
      if (field === VALUE_TAG && wire === WIRE_LEN) {
        tagEnd = r.lenEnd();
        tagStart = r.pos;
        r.pos = tagEnd;
      } else if (field === VALUE_SIMPLE && wire === WIRE_FIXED32) {
        simple = r.float();
        hasSimple = true;
      } else if (field === VALUE_TENSOR && wire === WIRE_LEN) {
        tensorEnd = r.lenEnd();
        tensorStart = r.pos;
        r.pos = tensorEnd;
      } else if (field === VALUE_METADATA && wire === WIRE_LEN) {
        metadataEnd = r.lenEnd();
        metadataStart = r.pos;
        r.pos = metadataEnd;
      } else r.skip(wire);
    }
    if (tagStart < 0 || (!hasSimple && tensorStart < 0 && metadataStart < 0)) return;
    const tag = this.tagNames.get(bytes, tagStart, tagEnd);
    let plugin = this.plugins.get(tag);
    if (metadataStart >= 0) {
      this.readMetadata(metadataStart, metadataEnd);
      if (plugin === undefined) {
        // TensorBoard's data_compat turns a simple_value into a "scalars" value, whatever metadata it carried.
        plugin = hasSimple ? SCALARS_PLUGIN : this.pluginName;
        this.plugins.set(tag, plugin);
      }
      if (this.pluginName === HPARAMS_PLUGIN && tag === SESSION_START_INFO_TAG && this.contentStart >= 0) {
        const params = readSessionStartHParams(r, bytes, this.contentStart, this.contentEnd);
        if (params.size > 0) this.sink.params(params);
      }
    }
    if (hasSimple) {
      if (plugin === undefined) this.plugins.set(tag, SCALARS_PLUGIN);
      this.sink.scalar(tag, this.step, this.wallTime, simple);
    } else if (tensorStart >= 0 && plugin === SCALARS_PLUGIN) {
      r.pos = tensorStart;
      r.end = tensorEnd;
      const value = readScalarTensor(r, tensorEnd);
      if (value !== undefined) this.sink.scalar(tag, this.step, this.wallTime, value);
    }
  }

  /** Sets pluginName and the content range from the SummaryMetadata at [start, end). */
  private readMetadata(start: number, end: number): void {
    const r = this.r;
    this.pluginName = '';
    this.contentStart = -1;
    this.contentEnd = -1;
    r.pos = start;
    r.end = end;
    for (let key = r.key(); key !== -1; key = r.key()) {
      if (key >>> 3 !== METADATA_PLUGIN_DATA || (key & 7) !== WIRE_LEN) {
        r.skip(key & 7);
        continue;
      }
      const dataEnd = r.lenEnd();
      r.end = dataEnd;
      for (let k = r.key(); k !== -1; k = r.key()) {
        if (k >>> 3 === PLUGIN_NAME && (k & 7) === WIRE_LEN) {
          const stop = r.lenEnd();
          this.pluginName = (r.buf as Buffer).toString('utf8', r.pos, stop);
          r.pos = stop;
        } else if (k >>> 3 === PLUGIN_CONTENT && (k & 7) === WIRE_LEN) {
          this.contentEnd = r.lenEnd();
          this.contentStart = r.pos;
          r.pos = this.contentEnd;
        } else r.skip(k & 7);
      }
      r.end = end;
    }
  }
}

/**
 * Tag strings by their bytes: a run has few tags and millions of values, so decoding each tag's UTF-8 once (and
 * not making a new string per value) saves most of the garbage a read makes.
 */
class TagNames {
  private readonly byHash = new Map<number, { bytes: Uint8Array; name: string }>();

  get(bytes: Buffer, start: number, end: number): string {
    // FNV-1a over the bytes, then a byte compare against the one entry with that hash.
    let h = 0x811c9dc5;
    for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
    const hit = this.byHash.get(h);
    if (hit && sameBytes(hit.bytes, bytes, start, end)) return hit.name;
    const name = bytes.toString('utf8', start, end);
    if (!hit && this.byHash.size < MAX_CACHED_TAGS) this.byHash.set(h, { bytes: Uint8Array.prototype.slice.call(bytes, start, end), name });
    return name;
  }
}

const MAX_CACHED_TAGS = 10_000;

function sameBytes(a: Uint8Array, b: Uint8Array, start: number, end: number): boolean {
  if (a.length !== end - start) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[start + i]) return false;
  return true;
}
