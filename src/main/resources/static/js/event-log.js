// The four events of a WebSocket: open, message, close, error, written to one log with timestamps.
//
// Both registration styles of the API are used: the on… properties (one handler each; assigning again replaces
// it) and addEventListener (any number of listeners). open gets one of each, so every open is logged twice.

import { neverOpenedHint } from './never-opened.js';
import { bytes, clock, el, followNewest, preview, renderNow, renderSoon, skipFrames } from './view.js';

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
   * Messages are shown in batches, once a frame (view.js, renderSoon), since a flood brings thousands a second, and
   * every 250 ms while more wait than the log keeps (skipFrames); any other entry is shown at once, with the messages
   * before it, because panels and scripts act on opens and closes.
   *
   * @param entry {type, via, source, details, hint, data}: hint is an element shown under the details, data becomes
   *   data-* attributes for scripts and tests
   */
  add(entry) {
    this.pending.push({ ...entry, at: new Date() });
    if (this.pending.length > KEPT) {
      skipFrames(); // a flood: the next render writes over the whole log, so it had better come less often
    }
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
    const entries = this.pending.splice(0).slice(-KEPT);
    const list = this.list;
    if (entries.length === KEPT) {
      rewriteAll(list, entries);
    } else {
      const overflow = list.children.length + entries.length - KEPT;
      for (let i = 0; i < overflow; i += 1) {
        list.firstElementChild.remove();
      }
      list.append(...entries.map((entry) => fillItem(blankItem(), entry)));
    }
    this.follow();
  }
}

/**
 * Shows KEPT entries, so every one shown before falls off: in a flood more than KEPT arrive between two frames, every
 * frame. The items already in the list are written over in place rather than replaced by new ones, which spares the
 * browser building and styling KEPT new elements each frame and halves their layout (about 40 ms a frame, down to 20).
 */
function rewriteAll(list, entries) {
  const items = list.children;
  const kept = items.length;
  entries.slice(0, kept).forEach((entry, i) => fillItem(items[i], entry));
  list.append(...entries.slice(kept).map((entry) => fillItem(blankItem(), entry)));
}

function blankItem() {
  return el('li', {}, el('time', {}, ''), el('span', { class: 'type' }, ''), el('span', { class: 'source' }, ''),
    el('code', { class: 'via' }, ''), el('span', { class: 'details' }, ''));
}

/** Makes a blank item, or one that showed an earlier entry, show this one as if it had been built for it. */
function fillItem(item, { type, via, source, details = '', hint = null, data = {}, at }) {
  const attributes = { class: `event event-${type}`, 'data-type': type, 'data-via': via, 'data-source': source };
  for (const [name, value] of Object.entries(data)) {
    attributes[`data-${name}`] = value;
  }
  setAttributes(item, attributes);
  const [time, typeText, sourceText, viaText, detailsText] = item.children;
  setText(time, clock(at));
  setText(typeText, type);
  setText(sourceText, source);
  setText(viaText, via);
  setText(detailsText, details);
  const shownHint = detailsText.firstChild.nextSibling;
  if (shownHint !== hint) {
    shownHint?.remove();
    if (hint) {
      detailsText.append(hint);
    }
  }
  return item;
}

/**
 * Gives the element exactly these attributes, null and undefined ones left out as el() does. Only those that differ
 * are touched: in a flood the attributes of the entry written over are mostly the same.
 */
function setAttributes(element, attributes) {
  const wanted = new Map(Object.entries(attributes)
    .filter(([, value]) => value !== undefined && value !== null)
    .map(([name, value]) => [name, String(value)]));
  for (const name of element.getAttributeNames()) {
    if (!wanted.has(name)) {
      element.removeAttribute(name);
    }
  }
  for (const [name, value] of wanted) {
    if (element.getAttribute(name) !== value) {
      element.setAttribute(name, value);
    }
  }
}

/** Changes the element's one text node in place, and only when its text differs: a new node is laid out anew. */
function setText(element, text) {
  if (element.firstChild.data !== text) {
    element.firstChild.data = text;
  }
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
