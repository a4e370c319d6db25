// The four events of a WebSocket: open, message, close, error, written to one log with timestamps.
//
// Both registration styles of the API are used: the on… properties (one handler each; assigning again replaces
// it) and addEventListener (any number of listeners). open gets one of each, so every open is logged twice.

import { neverOpenedHint } from './never-opened.js';
import { bytes, clock, el, followNewest, preview, renderNow, renderSoon } from './view.js';

/** What a message event carries: a string, or binary data whose type binaryType chose. */
export function describeData(data) {
  if (typeof data === 'string') {
    return { kind: 'string', size: data.length, text: preview(data) };
  }
  if (data instanceof Blob) {
    return { kind: 'Blob', size: data.size, text: `size ${bytes(data.size)}` };
  }
  if (data instanceof ArrayBuffer) {
    return { kind: 'ArrayBuffer', size: data.byteLength, text: `byteLength ${bytes(data.byteLength)}` };
  }
  return { kind: typeof data, size: 0, text: String(data) };
}

const KEPT = 500; // entries; with ticks every 50 ms an unbounded log would grow without end

export class EventLog {
  constructor(list) {
    this.list = list;
    this.follow = followNewest(list);
    this.pending = []; // entries not shown yet, oldest first
    this.render = () => this.show();
  }

  /** Empties the log; it then says when it was cleared, since the socket may well still be open. */
  clear() {
    this.pending.length = 0;
    this.list.replaceChildren();
    this.list.dataset.cleared = clock();
  }

  /**
   * Messages are shown in batches, once a frame (view.js, renderSoon), since a flood brings thousands a second; any
   * other entry is shown at once, with the messages before it, because panels and scripts act on opens and closes.
   *
   * @param entry {type, via, source, details, hint, data}: hint is an element shown under the details, data becomes
   *   data-* attributes for scripts and tests
   */
  add(entry) {
    this.pending.push({ ...entry, at: new Date() });
    if (this.pending.length > 2 * KEPT) {
      this.pending.splice(0, this.pending.length - KEPT); // older than any the log keeps: never shown
    }
    renderSoon(this.render);
    if (entry.type !== 'message') {
      renderNow();
    }
  }

  /** Appends the waiting entries (at most the newest KEPT) and drops the oldest beyond KEPT. */
  show() {
    const items = this.pending.splice(0).slice(-KEPT).map(entryItem);
    const list = this.list;
    const overflow = list.children.length + items.length - KEPT;
    if (overflow >= list.children.length) {
      list.replaceChildren(...items);
    } else {
      for (let i = 0; i < overflow; i += 1) {
        list.firstElementChild.remove();
      }
      list.append(...items);
    }
    this.follow();
  }
}

function entryItem({ type, via, source, details = '', hint = null, data = {}, at }) {
  const attributes = { class: `event event-${type}`, 'data-type': type, 'data-via': via, 'data-source': source };
  for (const [name, value] of Object.entries(data)) {
    attributes[`data-${name}`] = value;
  }
  return el('li', attributes,
    el('time', {}, clock(at)),
    el('span', { class: 'type' }, type),
    el('span', { class: 'source' }, source),
    el('code', { class: 'via' }, via),
    el('span', { class: 'details' }, details, hint));
}

// A socket that closes without having opened failed to connect or its handshake was refused; the browser hides
// which, so the close entry says where to look and what the causes can be (never-opened.js).
const NEVER_OPENED = '; it never opened: the connection failed or the handshake was refused, and the browser hides '
  + 'which from scripts.';

/** Logs every event of the socket, labelled with source (which connection it is). */
export function logSocketEvents(ws, log, source, protocols = []) {
  let opened = false;
  ws.onopen = () => {
    opened = true;
    log.add({ type: 'open', via: 'onopen', source, details: `readyState ${ws.readyState}` });
  };
  ws.addEventListener('open', () => log.add({
    type: 'open', via: "addEventListener('open')", source,
    details: `second listener; protocol "${ws.protocol}", extensions "${ws.extensions}"`,
  }));

  ws.onmessage = (event) => {
    const { kind, size, text } = describeData(event.data);
    log.add({ type: 'message', via: 'onmessage', source, details: `${kind} ${text}`, data: { kind, size } });
  };

  ws.onclose = (event) => log.add({
    type: 'close', via: 'onclose', source,
    details: `code ${event.code}, reason "${event.reason}", wasClean ${event.wasClean}`
      + (opened ? '' : NEVER_OPENED),
    hint: opened ? null : neverOpenedHint(ws.url, protocols),
    data: { code: event.code, reason: event.reason, 'was-clean': event.wasClean },
  });

  ws.onerror = () => log.add({
    type: 'error', via: 'onerror', source,
    details: 'the browser gives no reason (by design; its devtools Console may); the close event follows, with 1006 '
      + 'if the connection failed',
  });
}
