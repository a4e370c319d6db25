// webSocket.readyState: CONNECTING 0, OPEN 1, CLOSING 2, CLOSED 3.
//
// Only OPEN and CLOSED are announced by events, so a watcher also samples readyState right after each call that
// can change it (the constructor, close()) and on every animation frame until the socket is CLOSED.

import { el, renderNow } from './view.js';

export const STATE_NAMES = Object.freeze({
  [WebSocket.CONNECTING]: 'CONNECTING',
  [WebSocket.OPEN]: 'OPEN',
  [WebSocket.CLOSING]: 'CLOSING',
  [WebSocket.CLOSED]: 'CLOSED',
});

/**
 * Calls onTransition({state, name, trigger, at}) for every readyState the socket is seen in, in order, starting with
 * the one it has now. Returns sample(trigger), to be called right after anything that may change the state.
 */
export function watchReadyState(ws, onTransition) {
  const started = performance.now();
  let last = null;

  function sample(trigger) {
    const state = ws.readyState;
    if (state !== last) {
      last = state;
      onTransition({ state, name: STATE_NAMES[state], trigger, at: performance.now() - started });
    }
    return state;
  }

  function everyFrame() {
    if (sample('animation frame') !== WebSocket.CLOSED) {
      requestAnimationFrame(everyFrame);
    }
  }

  for (const type of ['open', 'message', 'error', 'close']) {
    ws.addEventListener(type, () => sample(`${type} event`));
  }
  sample('constructor');
  requestAnimationFrame(everyFrame);
  return sample;
}

/** Shows a watcher's transitions: the current state as number and name, and the list of states in order. */
export class ReadyStateView {
  constructor(output, list, caption) {
    this.output = output;
    this.list = list;
    this.caption = caption;
  }

  reset(label) {
    this.list.replaceChildren();
    this.list.dataset.states = '';
    this.caption.textContent = label;
  }

  show({ state, name, trigger, at }) {
    renderNow(); // the log first: a script that sees the new state finds the messages before it there (view.js)
    this.output.dataset.state = String(state);
    this.output.replaceChildren(el('b', {}, String(state)), ` ${name}`);
    this.list.append(el('li', { 'data-state': state },
      el('b', {}, String(state)), ' ', el('span', { class: 'name' }, name), ' ',
      el('span', { class: 'trigger' }, `after ${trigger}`), ' ', el('time', {}, `+${at.toFixed(1)} ms`)));
    this.list.dataset.states = [...this.list.children].map((li) => li.dataset.state).join(',');
  }
}
