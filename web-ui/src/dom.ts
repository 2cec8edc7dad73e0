/**
 * The only way this app creates elements. Alert contents are attacker-controlled, so text goes in
 * through `textContent` and attributes through `setAttribute`; there is no HTML string anywhere.
 */
export interface ElementSpec {
  class?: string;
  text?: string;
  attrs?: Record<string, string>;
  on?: Partial<Record<keyof HTMLElementEventMap, (event: Event) => void>>;
}

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  spec: ElementSpec = {},
  children: (Node | string)[] = [],
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (spec.class) node.className = spec.class;
  if (spec.text !== undefined) node.textContent = spec.text;
  for (const [name, value] of Object.entries(spec.attrs ?? {})) node.setAttribute(name, value);
  for (const [type, handler] of Object.entries(spec.on ?? {})) node.addEventListener(type, handler as EventListener);
  for (const child of children) node.append(child);
  return node;
}

/** Replaces all children (strings become text nodes). */
export function setChildren(parent: Element, children: (Node | string)[]): void {
  parent.replaceChildren(...children);
}

/** CSS class for a priority badge. */
export function priorityClass(priority: string): string {
  return `prio prio-${priority.toLowerCase()}`;
}
