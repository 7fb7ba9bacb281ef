// DVC 2's legacy `md5-dos2unix`, as dvc-data's Dos2UnixHashStreamFile computes it: the file is read in 1 MiB
// chunks; a chunk whose first 512 bytes look like text (dvc-data's istextblock) is hashed with every CRLF
// inside it replaced by LF; any other chunk is hashed as is. A CRLF split across two chunks stays as it is.

/** dvc-data reads files in chunks of this size (fobj_md5's chunk_size). */
export const DOS2UNIX_CHUNK = 1 << 20;
/** How much of each chunk istextblock looks at (DEFAULT_CHUNK_SIZE). */
const TEXT_SNIFF = 512;

/** Bytes that count as text: printable ASCII plus \n \r \t \f \b (dvc-data's TEXT_CHARS). */
const IS_TEXT_CHAR = new Uint8Array(256);
for (let b = 32; b < 127; b++) IS_TEXT_CHAR[b] = 1;
for (const b of [0x0a, 0x0d, 0x09, 0x0c, 0x08]) IS_TEXT_CHAR[b] = 1;

/** dvc-data's istextblock: empty is text; a NUL byte means binary; else at most 30% non-text bytes. */
export function isTextBlock(block: Uint8Array): boolean {
  if (block.length === 0) return true;
  let nonText = 0;
  for (let i = 0; i < block.length; i++) {
    const b = block[i];
    if (b === 0) return false;
    if (!IS_TEXT_CHAR[b]) nonText++;
  }
  return nonText / block.length <= 0.3;
}

/**
 * The bytes md5-dos2unix hashes for one chunk (at most DOS2UNIX_CHUNK bytes, aligned as dvc-data reads them).
 * Returns `chunk` itself when nothing changes; otherwise writes into `scratch` (at least chunk.length bytes).
 */
export function dos2unixChunk(chunk: Uint8Array, scratch: Uint8Array): Uint8Array {
  if (chunk.length === 0) return chunk;
  if (!isTextBlock(chunk.subarray(0, TEXT_SNIFF))) return chunk;
  let cr = chunk.indexOf(0x0d);
  if (cr < 0) return chunk;
  let out = 0;
  let from = 0;
  while (cr >= 0) {
    if (cr + 1 < chunk.length && chunk[cr + 1] === 0x0a) {
      scratch.set(chunk.subarray(from, cr), out);
      out += cr - from;
      from = cr + 1; // drop the CR, keep the LF
    }
    cr = chunk.indexOf(0x0d, cr + 1);
  }
  if (from === 0) return chunk;
  scratch.set(chunk.subarray(from), out);
  out += chunk.length - from;
  return scratch.subarray(0, out);
}
