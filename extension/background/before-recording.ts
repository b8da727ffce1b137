// Which WebAssembly modules a tab already had before recording started. The
// hook must run before a page's first script, so modules a document loaded
// while it was not recorded are neither rewritten nor tracked; the panel says
// which, and offers the reload. Asked only while the panel is open on the tab,
// one injection per frame per question:
//   - MAIN world: is our hook installed in this document (its Symbol.for flag)?
//   - ISOLATED world (the page cannot replace what it calls there): the
//     document's origin and resource timeline, entries served as
//     application/wasm or whose path ends in .wasm.
// Only frames of the tab's origin count (and opaque ones: about:blank, srcdoc),
// the frames a reload records; frames of other origins are not recorded either way.
// Not seen: modules compiled from bytes the page made or fetched under another
// name, modules fetched by workers (their own timelines), and entries the page
// cleared or that overflowed its resource timing buffer (250 by default).

/** At most this many names per frame, each at most this long (page data); the answer waited for at most `ms`. */
export const BEFORE_LIMITS = { perFrame: 64, chars: 2048, ms: 1500 } as const;

/** Injected into every frame's ISOLATED world: self-contained (serialized by Chrome). */
export function wasmResources(): { origin: string; urls: string[] } {
  const out: string[] = [];
  for (const e of performance.getEntriesByType('resource') as PerformanceResourceTiming[]) {
    const type = (e as { contentType?: string }).contentType ?? '';
    let path = '';
    try {
      path = new URL(e.name).pathname;
    } catch {
      /* not a URL */
    }
    if (type === 'application/wasm' || /\.wasm$/i.test(path)) out.push(e.name);
    if (out.length >= 64) break;
  }
  return { origin: location.origin, urls: out };
}

/** Injected into every frame's MAIN world: whether the page hook runs there. */
export function hookInstalled(): boolean {
  return Symbol.for('wasm-leaks.installed') in globalThis;
}

interface FrameAnswer {
  frameId: number;
  result?: unknown;
}

/**
 * The module URLs of the tab origin's frames without the hook, from both
 * injections' answers: checked (they come from the page), bounded, each once.
 */
export function modulesWithoutHook(hooked: readonly FrameAnswer[], resources: readonly FrameAnswer[], origin: string): string[] {
  const withHook = new Set(hooked.filter((a) => a.result === true).map((a) => a.frameId));
  const out = new Set<string>();
  for (const a of resources) {
    if (withHook.has(a.frameId) || typeof a.result !== 'object' || a.result === null) continue;
    const { origin: from, urls } = a.result as { origin?: unknown; urls?: unknown };
    if ((from !== origin && from !== 'null') || !Array.isArray(urls)) continue;
    for (const name of urls.slice(0, BEFORE_LIMITS.perFrame)) {
      if (typeof name === 'string' && name.length > 0) out.add(name.slice(0, BEFORE_LIMITS.chars));
    }
  }
  return [...out];
}

/** The tab's modules that existed before recording (none when every frame with modules is hooked, or nothing can be injected). */
export async function modulesBeforeRecording(tabId: number, origin: string): Promise<string[]> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const target = { tabId, allFrames: true };
    const asked = Promise.all([
      chrome.scripting.executeScript({ target, world: 'MAIN', func: hookInstalled }),
      chrome.scripting.executeScript({ target, world: 'ISOLATED', func: wasmResources }),
    ]);
    // A busy or hostile page (a MAIN-world Symbol.for that never returns) must not hold up the panel's recording state.
    const late = new Promise<null>((done) => {
      timer = setTimeout(() => done(null), BEFORE_LIMITS.ms);
    });
    const answers = await Promise.race([asked, late]);
    return answers ? modulesWithoutHook(answers[0], answers[1], origin) : [];
  } catch {
    // A page scripts cannot reach (chrome://, the Web Store, a closed tab): nothing to say.
    return [];
  } finally {
    clearTimeout(timer);
  }
}
