import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { DOS2UNIX_CHUNK, dos2unixChunk } from './dos2unix';
import { HashError, type HashName } from './hashTypes';

/** Reusable read buffers: one hashing thread needs one pair, never a copy of the file. */
export interface HashScratch {
  read: Buffer;
  dos2unix: Buffer;
}

export function makeHashScratch(readSize = 4 * DOS2UNIX_CHUNK): HashScratch {
  // md5-dos2unix must see chunks aligned on 1 MiB, so the read buffer is a multiple of it.
  const size = Math.max(DOS2UNIX_CHUNK, Math.ceil(readSize / DOS2UNIX_CHUNK) * DOS2UNIX_CHUNK);
  return { read: Buffer.allocUnsafe(size), dos2unix: Buffer.allocUnsafe(DOS2UNIX_CHUNK) };
}

/**
 * Hashes a file as DVC does, streaming: memory stays at the scratch buffers whatever the file's size.
 * Synchronous on purpose: it runs in a hashing worker thread (or, for a few small files, inline).
 * `isCancelled` is polled between reads so a 10 GB file can be abandoned.
 */
export function md5FileSync(file: string, name: HashName, scratch: HashScratch, isCancelled?: () => boolean): { md5: string; size: number } {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    throw hashError(e, file);
  }
  try {
    const hash = createHash('md5');
    const buf = scratch.read;
    let size = 0;
    for (;;) {
      if (isCancelled?.()) throw new HashError(`Hashing ${file} was cancelled.`, file, 'ABORT_ERR');
      // Fill the buffer completely (short reads are legal) so md5-dos2unix sees DVC's 1 MiB chunk boundaries.
      let filled = 0;
      while (filled < buf.length) {
        const n = fs.readSync(fd, buf, filled, buf.length - filled, null);
        if (n === 0) break;
        filled += n;
      }
      if (filled === 0) break;
      size += filled;
      if (name === 'md5') {
        hash.update(buf.subarray(0, filled));
      } else {
        for (let at = 0; at < filled; at += DOS2UNIX_CHUNK) {
          hash.update(dos2unixChunk(buf.subarray(at, Math.min(filled, at + DOS2UNIX_CHUNK)), scratch.dos2unix));
        }
      }
      if (filled < buf.length) break;
    }
    return { md5: hash.digest('hex'), size };
  } catch (e) {
    throw e instanceof HashError ? e : hashError(e, file);
  } finally {
    fs.closeSync(fd);
  }
}

/** md5 of bytes in memory (a folder listing), as hex. */
export function md5Bytes(bytes: Uint8Array | string): string {
  return createHash('md5').update(bytes).digest('hex');
}

function hashError(e: unknown, file: string): HashError {
  const err = e as NodeJS.ErrnoException;
  const why = err.code === 'ENOENT' ? 'it does not exist' : err.code === 'EACCES' || err.code === 'EPERM' ? 'permission denied' : err.code === 'EISDIR' ? 'it is a folder' : err.message;
  return new HashError(`Cannot hash ${file}: ${why}.`, file, err.code);
}
