// A tiny element builder: every text goes in as text, never as markup.

type Child = Node | string | null | undefined | false;

/** Attributes and properties for `h`: `class`, `text`, aria-*, data-* and other attributes. */
export type Props = Record<string, string | number | boolean | null | undefined>;

/**
 * `h('td', { class: 'num', title: 'x' }, '12')`: create an element, set attributes (false, null and
 * undefined skip one; true sets it empty) and append the children (strings as text nodes).
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === false || value === null || value === undefined) continue;
    if (name === 'class') el.className = String(value);
    else if (name === 'text') el.textContent = String(value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children)
    if (child !== null && child !== undefined && child !== false) el.append(child);
  return el;
}

/** A button with VS Code's look (`secondary` by default). */
export function button(label: string, onClick: () => void, props: Props = {}): HTMLButtonElement {
  const b = h('button', { type: 'button', class: 'button secondary', ...props }, label);
  b.addEventListener('click', onClick);
  return b;
}
