// A draggable (and keyboard-movable) divider between two panes, as DevTools'
// split widgets: it changes one pane's size in px, clamped to [min, max].
// `sign` says which way grows the pane: +1 when the pane is before the
// divider (above or left of it), -1 when after it (a drawer below or right).
import { useRef } from 'preact/hooks';

export function Splitter({
  label,
  vertical,
  value,
  min,
  max,
  sign,
  onChange,
}: {
  label: string;
  /** A vertical divider (between columns) moves along x; a horizontal one along y. */
  vertical: boolean;
  value: number;
  min: number;
  max: number;
  sign: 1 | -1;
  onChange: (px: number) => void;
}) {
  const drag = useRef<{ start: number; from: number } | null>(null);
  const clamp = (v: number) => Math.round(Math.max(min, Math.min(Math.max(min, max), v)));
  const pos = (e: PointerEvent) => (vertical ? e.clientX : e.clientY);
  const keys: Record<string, number> = vertical ? { ArrowLeft: -1, ArrowRight: 1 } : { ArrowUp: -1, ArrowDown: 1 };
  return (
    <div
      class={`splitter ${vertical ? 'vertical' : 'horizontal'}`}
      role="separator"
      aria-label={label}
      aria-orientation={vertical ? 'vertical' : 'horizontal'}
      aria-valuenow={Math.round(value)}
      aria-valuemin={min}
      aria-valuemax={Math.max(min, max)}
      tabIndex={0}
      onPointerDown={(e) => {
        e.preventDefault();
        (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
        drag.current = { start: pos(e), from: value };
      }}
      onPointerMove={(e) => {
        if (drag.current) onChange(clamp(drag.current.from + sign * (pos(e) - drag.current.start)));
      }}
      onPointerUp={() => {
        drag.current = null;
      }}
      onKeyDown={(e) => {
        const step = keys[e.key];
        if (step === undefined) return;
        e.preventDefault();
        onChange(clamp(value + sign * step * (e.shiftKey ? 50 : 10)));
      }}
    />
  );
}
