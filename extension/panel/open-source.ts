// Where a stack frame can be opened in DevTools, best first, and the opening.
// A JS frame: its script at the line. A wasm frame: its source file (from DWARF
// or a source map; a relative or absolute path is resolved against the module's
// URL, an absolute path also tried as a file: URL, which is how the C/C++
// DevTools support names DWARF sources), then the module itself at the frame's
// byte offset (DevTools' wasm disassembly). chrome.devtools.panels.openResource
// answers E_NOTFOUND for a URL it has no source or resource for, so DevTools
// itself says whether the page serves a file; when nothing opens, the panel
// says why.
import type { FrameMsg } from '../../src/protocol';

export interface OpenTarget {
  url: string;
  /** 0-based, as openResource takes them. */
  line: number;
  column: number;
  what: 'script' | 'source' | 'module';
}

const URL_RE = /^(https?|file|chrome-extension):\/\//;

/** The module's URL when it was fetched from one (not '(bytes)', not a blob). */
export function moduleUrl(name: string | undefined): string | null {
  return name && /^(https?|file):\/\//.test(name) ? name : null;
}

export function frameTargets(f: FrameMsg, module: string | null): OpenTarget[] {
  const out: OpenTarget[] = [];
  const line = Math.max(0, f.line - 1);
  if (f.func < 0) {
    if (URL_RE.test(f.file) && f.line > 0) out.push({ url: f.file, line, column: 0, what: 'script' });
    return out;
  }
  if (f.file) {
    if (URL_RE.test(f.file)) out.push({ url: f.file, line, column: 0, what: 'source' });
    else {
      if (module) {
        try {
          out.push({ url: new URL(f.file, module).href, line, column: 0, what: 'source' });
        } catch {
          // not a path the module's URL resolves
        }
      }
      if (f.file.startsWith('/')) out.push({ url: `file://${encodeURI(f.file)}`, line, column: 0, what: 'source' });
    }
  }
  if (module && f.offset >= 0) out.push({ url: module, line: 0, column: f.offset, what: 'module' });
  return out;
}

/** The part of chrome.devtools.panels used here; the callback gets DevTools' status (isError on failure). */
export interface OpenApi {
  openResource(url: string, line: number, column: number, callback: (status?: { isError?: boolean; code?: string }) => void): void;
}

export function devtoolsOpenApi(): OpenApi | null {
  const panels = (globalThis as { chrome?: { devtools?: { panels?: Partial<OpenApi> } } }).chrome?.devtools?.panels;
  return typeof panels?.openResource === 'function' ? (panels as OpenApi) : null;
}

/** Opens the first target DevTools has; resolves with it, or with a message saying why none opened. */
export async function openFrame(
  f: FrameMsg,
  module: string | null,
  api: OpenApi | null = devtoolsOpenApi(),
): Promise<{ opened: OpenTarget } | { message: string }> {
  const targets = frameTargets(f, module);
  const where = f.file ? `${f.file}${f.line > 0 ? `:${f.line}` : ''}` : `${f.name}`;
  if (targets.length === 0) {
    return {
      message: `Cannot open ${where}: ${f.func < 0 ? 'the frame has no script URL' : 'no source file is known and the module was passed as bytes, so it has no URL'}.`,
    };
  }
  if (!api) return { message: `Opening ${where} in Sources needs the panel inside DevTools (it is open as a tab).` };
  for (const t of targets) {
    const ok = await new Promise<boolean>((resolve) => {
      try {
        api.openResource(t.url, t.line, t.column, (status) => resolve(!status?.isError));
      } catch {
        resolve(false);
      }
    });
    if (ok) return { opened: t };
  }
  const tried = targets.map((t) => t.url).join(', ');
  return { message: `Cannot open ${where}: DevTools has no file at ${tried} (the page does not serve it).` };
}
