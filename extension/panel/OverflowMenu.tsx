// The toolbar's » menu, as DevTools' toolbars have: the actions that do not fit
// are listed here with the same accessible names (a menuitem, or a
// menuitemcheckbox for a toggle). Arrow keys move, Escape closes and gives the
// focus back to the » button (wherever the focus is while the menu is open),
// a click outside closes. With no actions the button stays in the DOM, hidden,
// so a re-measure that empties and refills the list never replaces the button
// (which would drop the focus).
import { useLayoutEffect, useRef, useState } from 'preact/hooks';

export interface MenuAction {
  /** The accessible name, the same as the toolbar control's. */
  name: string;
  /** What the item shows. */
  text: string;
  title?: string;
  disabled?: boolean;
  /** A toggle: shown as a menuitemcheckbox. */
  checked?: boolean;
  run: () => void;
}

export function OverflowMenu({
  label,
  actions,
  text = '»',
  title = label,
}: {
  label: string;
  actions: MenuAction[];
  /** What the button shows. */
  text?: string;
  title?: string;
}) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const items = () => [...(menu.current?.querySelectorAll<HTMLElement>('[role^="menuitem"]:not(:disabled)') ?? [])];
  const close = (refocus: boolean) => {
    setOpen(false);
    if (refocus) button.current?.focus();
  };

  // Fixed under the » button, inside the window: the toolbar clips what overflows it. The first item
  // takes the focus in the same task as the menu appears, before any later key can go elsewhere.
  useLayoutEffect(() => {
    const b = button.current?.getBoundingClientRect();
    const m = menu.current;
    if (!open || !b || !m) return;
    m.style.top = `${b.bottom + 2}px`;
    m.style.left = `${Math.max(4, Math.min(b.left, window.innerWidth - m.offsetWidth - 4))}px`;
    items()[0]?.focus();
  }, [open]);

  // While open, the toolbar can re-measure and move the focused item back to the bar, which drops the
  // focus to <body>: it goes to the first item left (or, when everything fits again, the menu closes).
  useLayoutEffect(() => {
    if (!open) return;
    if (actions.length === 0) {
      setOpen(false);
      return;
    }
    const active = document.activeElement;
    if (!active || active === document.body) items()[0]?.focus();
  });

  // (a layout effect: registered in the same task as the menu appears, so an Escape pressed right after
  // it opened is never missed — a passive effect runs after paint, late on a loaded machine)
  useLayoutEffect(() => {
    if (!open) return;
    const outside = (e: PointerEvent) => {
      const t = e.target as Node;
      if (!menu.current?.contains(t) && !button.current?.contains(t)) setOpen(false);
    };
    // Escape closes the open menu wherever the focus is (the » button, an item, or nowhere), before the
    // panel's own Escape (which closes the block detail) sees it.
    const onEscape = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      e.preventDefault();
      e.stopPropagation();
      close(true);
    };
    document.addEventListener('pointerdown', outside, true);
    document.addEventListener('keydown', onEscape, true);
    return () => {
      document.removeEventListener('pointerdown', outside, true);
      document.removeEventListener('keydown', onEscape, true);
    };
  }, [open]);

  const onKeyDown = (e: KeyboardEvent) => {
    const list = items();
    const at = list.indexOf(document.activeElement as HTMLElement);
    const moves: Record<string, number> = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: list.length - 1 };
    if (e.key === 'Tab') {
      close(false);
    } else if (e.key in moves && list.length > 0) {
      e.preventDefault();
      list[(moves[e.key] + list.length) % list.length].focus();
    }
  };

  return (
    <span class="overflow">
      <button
        ref={button}
        type="button"
        class="overflow-button"
        hidden={actions.length === 0}
        aria-label={label}
        title={title}
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={(e) => {
          e.stopPropagation();
          setOpen(!open);
        }}
      >
        {text}
      </button>
      {open && actions.length > 0 && (
        <div ref={menu} class="menu" role="menu" aria-label={label} tabIndex={-1} onKeyDown={onKeyDown}>
          {actions.map((a) => {
            const onClick = (e: MouseEvent) => {
              e.stopPropagation();
              close(true);
              a.run();
            };
            return a.checked === undefined ? (
              <button
                key={a.name}
                type="button"
                role="menuitem"
                aria-label={a.name}
                title={a.title}
                disabled={a.disabled}
                tabIndex={-1}
                onClick={onClick}
              >
                {a.text}
              </button>
            ) : (
              <button
                key={a.name}
                type="button"
                role="menuitemcheckbox"
                aria-checked={a.checked}
                aria-label={a.name}
                title={a.title}
                disabled={a.disabled}
                tabIndex={-1}
                onClick={onClick}
              >
                <span class="menu-check">{a.checked ? '✓' : ''}</span>
                {a.text}
              </button>
            );
          })}
        </div>
      )}
    </span>
  );
}
