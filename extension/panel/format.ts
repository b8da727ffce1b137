// Numbers as DevTools shows them: thousands separators and units, hex
// addresses, times relative to the recording start.
const INT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function count(n: number): string {
  return INT.format(n);
}

/** Exact bytes with a separator: "102,400 B". */
export function bytes(n: number): string {
  return `${INT.format(n)} B`;
}

/** Short bytes for axes and summaries: "1.5 MB". */
export function shortBytes(n: number): string {
  const abs = Math.abs(n);
  if (abs < 1024) return `${n} B`;
  if (abs < 1024 * 1024) return `${(n / 1024).toFixed(1)} kB`;
  if (abs < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

export function signedBytes(n: number): string {
  return `${n > 0 ? '+' : ''}${bytes(n)}`;
}

export function signedCount(n: number): string {
  return `${n > 0 ? '+' : ''}${count(n)}`;
}

export function hex(n: number, width = 8): string {
  return `0x${(n >>> 0).toString(16).padStart(width, '0')}`;
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** Classic 16-bytes-per-row hex + ASCII dump. */
export function hexDump(base: number, data: Uint8Array): string[] {
  const rows: string[] = [];
  for (let i = 0; i < data.length; i += 16) {
    const chunk = data.subarray(i, i + 16);
    const hexes = Array.from(chunk, (b) => b.toString(16).padStart(2, '0')).join(' ');
    const ascii = Array.from(chunk, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    rows.push(`${(base + i).toString(16).padStart(8, '0')}  ${hexes.padEnd(47, ' ')}  ${ascii}`);
  }
  return rows;
}

/** "3.2 s ago", "4 min ago": how long a block has been alive. */
export function age(ms: number): string {
  if (!(ms >= 0)) return '';
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s ago`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ago`;
  return `${(ms / 3_600_000).toFixed(1)} h ago`;
}

/** The last part of a module's URL or path ("leak.wasm"), or the whole name when it ends in '/'. */
export function baseName(name: string): string {
  return name.split('/').pop() || name;
}

/** A script's file name without query or fragment ("worker.js"), or the whole URL when it has none. */
export function scriptFile(url: string): string {
  return url.split(/[?#]/)[0].split('/').pop() || url;
}
