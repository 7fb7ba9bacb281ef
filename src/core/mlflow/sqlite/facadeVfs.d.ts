// Types for the one wa-sqlite module its package ships without declarations (2.0.6).
// Only the members our read-only VFS overrides or calls.
declare module '@journeyapps/wa-sqlite/src/FacadeVFS.js' {
  /** A view of WASM memory that survives heap growth; `subarray()` gives a real Uint8Array for immediate use. */
  export interface DataArrayProxy {
    readonly length: number;
    subarray(begin?: number, end?: number): Uint8Array;
  }

  export class FacadeVFS implements SQLiteVFS {
    constructor(name: string, module: object);
    name: string;
    mxPathname: number;
    close(): void | Promise<void>;
    isReady(): boolean | Promise<boolean>;
    hasAsyncMethod(methodName: string): boolean;
    xOpen(pVfs: number, zName: number, pFile: number, flags: number, pOutFlags: number): number | Promise<number>;
    xDelete(pVfs: number, zName: number, syncDir: number): number | Promise<number>;
    xAccess(pVfs: number, zName: number, flags: number, pResOut: number): number | Promise<number>;
    xFullPathname(pVfs: number, zName: number, nOut: number, zOut: number): number | Promise<number>;
    xGetLastError(pVfs: number, nBuf: number, zBuf: number): number | Promise<number>;
    xClose(pFile: number): number | Promise<number>;
    xRead(pFile: number, pData: number, iAmt: number, iOffsetLo: number, iOffsetHi: number): number | Promise<number>;
    xWrite(pFile: number, pData: number, iAmt: number, iOffsetLo: number, iOffsetHi: number): number | Promise<number>;
    xTruncate(pFile: number, sizeLo: number, sizeHi: number): number | Promise<number>;
    xSync(pFile: number, flags: number): number | Promise<number>;
    xFileSize(pFile: number, pSize: number): number | Promise<number>;
    xLock(pFile: number, lockType: number): number | Promise<number>;
    xUnlock(pFile: number, lockType: number): number | Promise<number>;
    xCheckReservedLock(pFile: number, pResOut: number): number | Promise<number>;
    xFileControl(pFile: number, op: number, pArg: number): number | Promise<number>;
    xSectorSize(pFile: number): number | Promise<number>;
    xDeviceCharacteristics(pFile: number): number | Promise<number>;

    jOpen(filename: string | null, pFile: number, flags: number, pOutFlags: DataView): number;
    jClose(pFile: number): number;
    jRead(pFile: number, pData: DataArrayProxy, iOffset: number): number;
    jWrite(pFile: number, pData: DataArrayProxy, iOffset: number): number;
    jTruncate(pFile: number, size: number): number;
    jSync(pFile: number, flags: number): number;
    jFileSize(pFile: number, pSize: DataView): number;
    jDelete(filename: string, syncDir: number): number;
    jAccess(filename: string, flags: number, pResOut: DataView): number;
    jLock(pFile: number, lockType: number): number;
    jUnlock(pFile: number, lockType: number): number;
    jCheckReservedLock(pFile: number, pResOut: DataView): number;
    jSectorSize(pFile: number): number;
    jDeviceCharacteristics(pFile: number): number;
  }
}
