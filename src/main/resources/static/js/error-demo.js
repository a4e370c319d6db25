// webSocket.onerror: a socket to a port where nothing listens. The browser reports only that it failed (telling
// a page why would let it map the network): error first, then close with 1006, "closed abnormally", a code no
// endpoint ever sends, and wasClean false.

import { socketScheme } from './address.js';
import { logSocketEvents } from './event-log.js';
import { STATE_NAMES, watchReadyState } from './ready-state.js';
import { el } from './view.js';

export class ErrorDemo {
  constructor({ port, result, log }) {
    this.port = port;
    this.result = result;
    this.log = log;
    this.runs = 0;
  }

  /** 127.0.0.1: the browser's own machine, so a refused connection comes back at once and nothing leaves it. */
  url() {
    return `${socketScheme()}//127.0.0.1:${Number(this.port.value)}/ws`;
  }

  run() {
    this.runs += 1;
    const label = `error demo ${this.runs}`;
    const seen = [];
    const note = (...children) => this.result.append(el('li', {}, ...children));
    this.result.replaceChildren();
    this.result.dataset.sequence = '';
    let ws;
    try {
      ws = new WebSocket(this.url());
    } catch (error) {
      note(el('b', {}, error.name), ` ${error.message}`);
      return;
    }
    logSocketEvents(ws, this.log, label);
    note(el('code', {}, `new WebSocket("${ws.url}")`));
    watchReadyState(ws, ({ state, trigger }) => note(`readyState ${state} ${STATE_NAMES[state]} after ${trigger}`));
    const saw = (type, text, data = {}) => {
      seen.push(type);
      Object.assign(this.result.dataset, { sequence: seen.join(','), ...data });
      note(el('b', { class: `event-${type}` }, type), text);
    };
    ws.addEventListener('error', () => saw('error', ' event'));
    ws.addEventListener('close', (event) => saw('close',
      ` code ${event.code}, reason "${event.reason}", wasClean ${event.wasClean}`,
      { code: String(event.code), wasClean: String(event.wasClean) }));
  }
}
