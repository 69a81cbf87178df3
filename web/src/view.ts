// The navigation context handed to each screen: where to draw, and whether the
// screen is still the current one when a late response arrives.

export interface View {
  main: HTMLElement;
  /** False once the user has navigated elsewhere; drop late responses then. */
  current(): boolean;
  query: URLSearchParams;
}

let token = 0;

export function newView(main: HTMLElement, query: URLSearchParams): View {
  const mine = ++token;
  return { main, query, current: () => mine === token };
}

export function go(hash: string): void {
  if (location.hash === hash) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else location.hash = hash;
}
