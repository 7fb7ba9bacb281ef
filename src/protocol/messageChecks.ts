// Checks for messages that cross from a webview to the host (untrusted input), shared by every panel's protocol.

export type Check<T> = (v: unknown) => v is T;

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
export const isText = (max: number): Check<string> => (v): v is string => typeof v === 'string' && v.length <= max;
export const isFiniteNumber: Check<number> = (v): v is number => typeof v === 'number' && Number.isFinite(v);
export const isBool: Check<boolean> = (v): v is boolean => typeof v === 'boolean';
export const oneOf = <T extends string>(values: readonly T[]): Check<T> => (v): v is T => typeof v === 'string' && (values as readonly string[]).includes(v);
export const nullable = <T>(check: Check<T>): Check<T | null> => (v): v is T | null => v === null || check(v);
export const listOf = <T>(check: Check<T>, max: number): Check<T[]> => (v): v is T[] => Array.isArray(v) && v.length <= max && v.every(check);

export type ParseResult<M> = { ok: true; message: M } | { ok: false; reason: string };

/**
 * A message checked against the fields of its type (`{ type: { field: check } }`): an unknown type or a bad or
 * missing field is refused with the reason; fields not listed are dropped.
 */
export function parseMessage<M>(raw: unknown, fieldsByType: Record<string, Record<string, (v: unknown) => boolean>>): ParseResult<M> {
  if (!isObject(raw)) return { ok: false, reason: 'not an object' };
  const type = raw.type;
  if (typeof type !== 'string' || !Object.prototype.hasOwnProperty.call(fieldsByType, type)) {
    return { ok: false, reason: `unknown message type ${JSON.stringify(String(type).slice(0, 40))}` };
  }
  const message: Record<string, unknown> = { type };
  for (const [name, check] of Object.entries(fieldsByType[type])) {
    if (!check(raw[name])) return { ok: false, reason: `${type}: bad or missing field "${name}"` };
    message[name] = raw[name];
  }
  return { ok: true, message: message as M };
}
