// What the panel says about single frames of the page: a hello in another
// protocol version, items dropped at the frame's limits (frame-budget.ts).
// One line per frame, never a takeover: the rest of the panel stays usable,
// and the lines go with the frame's next hello and with Clear. The URL and
// every other text come from the page: rendered as text, clipped.
import { CONTEXT_UNIT } from '../../src/protocol/router';
import type { Store } from './store';

const clip = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

/** A source id is frame + context × CONTEXT_UNIT (src/protocol/router.ts): a worker the page started has its own. */
function label(source: number): string {
  const frame = source % CONTEXT_UNIT;
  const ctx = Math.floor(source / CONTEXT_UNIT);
  const where = frame === 0 ? 'Page' : `Frame ${frame}`;
  return ctx === 0 ? where : `${where}, worker ${ctx}`;
}

export function FrameNotices({ store }: { store: Store }) {
  const notices = store.frameNotices;
  if (notices.length === 0) return null;
  return (
    <div class="banner frame-notices" role="status" data-testid="frame-notices">
      <div>
        {notices.map((f) => (
          <div key={f.frame} data-testid="frame-notice" data-frame={f.frame}>
            <b>{label(f.frame)}</b>
            {f.url ? ` (${clip(f.url, 120)})` : ''}: {f.lines.join('; ')}
          </div>
        ))}
      </div>
    </div>
  );
}
