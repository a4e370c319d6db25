// webSocket.send() with each kind of data the tutorial sends (a string, a file as a Blob, a generated
// ArrayBuffer), webSocket.bufferedAmount while it goes out, and the echo that comes back: its round trip and
// whether its SHA-256 matches what was sent.
//
// wsdeck echoes in order, so the first binary message back is the echo of the oldest binary send still waiting;
// text is matched by content, because greetings, ticks and broadcasts are text too.

import { describeData } from './event-log.js';
import { hashing, sameBytes, sha256 } from './digest.js';
import { ENDPOINTS, LIMITS } from './endpoints.js';
import { bytes, el, millis, preview, renderNow } from './view.js';

const RANDOM_CHUNK = 65536; // crypto.getRandomValues() fills at most this many bytes per call

/** This server's wsdeck.limits.max-message-size: it closes a larger message with 1009. */
export const MAX_MESSAGE = LIMITS.maxMessageBytes;

const utf8 = new TextEncoder();
const numbers = new Intl.NumberFormat('en');

/** size random bytes: an echo of them can only match if every byte came back. */
export function randomBuffer(size) {
  const buffer = new ArrayBuffer(size);
  const view = new Uint8Array(buffer);
  for (let offset = 0; offset < size; offset += RANDOM_CHUNK) {
    crypto.getRandomValues(view.subarray(offset, Math.min(size, offset + RANDOM_CHUNK)));
  }
  return buffer;
}

/** Characters as a person counts them (code points: 👋 is one), where String.length counts UTF-16 units (two). */
function textLength(text) {
  let count = 0;
  for (const _ of text) { // eslint-disable-line no-unused-vars
    count += 1;
  }
  return count;
}

export class Sender {
  constructor({ table, bufferedNow, bufferedBar }) {
    this.table = table;
    this.bufferedNow = bufferedNow;
    this.bufferedBar = bufferedBar;
    this.ws = null;
    this.count = 0;
    this.lane = null;
    this.watching = false;
    this.peak = 0;
    this.echoes = new WeakSet(); // message events that were echoes of our sends, for isEcho()
  }

  /**
   * Whether a message event was the echo of one of this panel's sends. Listeners run in the order they were added,
   * so this answers for a listener added to the socket after attach().
   */
  isEcho(event) {
    return this.echoes.has(event);
  }

  /** Each socket has its own queues: a late close or message of the previous socket must not settle new sends. */
  attach(ws) {
    // The lab takes text as commands and answers them (in the Lab panel): its sends have no echo to wait for.
    const lane = { text: [], binary: [], lab: new URL(ws.url).pathname === ENDPOINTS.lab };
    this.ws = ws;
    this.lane = lane;
    ws.addEventListener('message', (event) => {
      if (this.received(lane, event.data, performance.now())) {
        this.echoes.add(event);
      }
    });
    ws.addEventListener('close', () => {
      for (const send of [...lane.text, ...lane.binary]) {
        this.noEcho(send, 'none: the socket closed first');
      }
      lane.text.length = 0;
      lane.binary.length = 0;
    });
  }

  sendText(text) {
    const send = this.start('text', `string ${preview(text, 40)}`, utf8.encode(text).byteLength);
    send.text = text;
    this.transmit(send, text, this.lane.text);
  }

  async sendFile(file) {
    const expected = await this.expect(await file.arrayBuffer());
    const send = this.start('file', `Blob (file ${preview(file.name, 30)})`, file.size);
    send.expected = expected;
    this.transmit(send, file, this.lane.binary);
  }

  async sendBuffer(size) {
    const buffer = randomBuffer(size);
    const expected = await this.expect(buffer); // hashed before sending, so the round trip does not include it
    const send = this.start('arraybuffer', 'ArrayBuffer (random bytes)', size);
    send.expected = expected;
    this.transmit(send, buffer, this.lane.binary);
  }

  async expect(buffer) {
    return hashing ? { hash: await sha256(buffer) } : { buffer };
  }

  start(kind, label, size) {
    this.count += 1;
    const row = el('tr', { 'data-kind': kind, 'data-bytes': size, 'data-match': 'pending' },
      el('td', {}, String(this.count)), el('td', { class: 'sent' }, label), el('td', { class: 'number' }, bytes(size)),
      el('td', { class: 'echo' }, 'waiting…'), el('td', { class: 'number rtt' }, '—'), el('td', { class: 'hash' }, '—'));
    this.table.prepend(row);
    return { row, size };
  }

  /** Sends and queues the send for its echo (no echo can arrive in between: events wait for this task to end). */
  transmit(send, data, queue) {
    if (this.bufferedAmountIsZero()) {
      this.peak = 0; // a new burst: the bar measures from here
    }
    try {
      this.ws.send(data);
    } catch (error) {
      // InvalidStateError: the socket is not open (it may have closed while a file was being read).
      this.noEcho(send, `not sent: ${error.name}: ${error.message}`);
      return;
    }
    // send() adds the bytes to bufferedAmount at once; they leave it as the browser hands them to the network.
    send.row.dataset.bufferedAfterSend = String(this.ws.bufferedAmount);
    send.sentAt = performance.now();
    if (this.lane.lab) {
      this.noEcho(send, `none expected: ${ENDPOINTS.lab} answers commands, see the Lab panel`);
      this.watchBufferedAmount();
      return;
    }
    queue.push(send);
    this.watchBufferedAmount();
  }

  bufferedAmountIsZero() {
    return !this.ws || this.ws.bufferedAmount === 0;
  }

  watchBufferedAmount() {
    this.showBuffered();
    if (this.watching) {
      return;
    }
    this.watching = true;
    const frame = () => {
      const ws = this.ws;
      this.showBuffered();
      // After close bufferedAmount stops falling: what was queued is never sent.
      if (ws && ws.bufferedAmount > 0 && ws.readyState === WebSocket.OPEN) {
        requestAnimationFrame(frame);
      } else {
        this.watching = false;
      }
    };
    requestAnimationFrame(frame);
  }

  showBuffered() {
    const now = this.ws ? this.ws.bufferedAmount : 0;
    this.peak = Math.max(this.peak, now);
    this.bufferedBar.max = Math.max(this.peak, 1);
    this.bufferedBar.value = now;
    this.bufferedNow.dataset.bytes = String(now);
    this.bufferedNow.dataset.peak = String(this.peak);
    this.bufferedNow.textContent = `${bytes(now)} (peak ${bytes(this.peak)})`;
  }

  /**
   * Matches a message to the send it echoes; false when it echoes none of ours. Cheap when nothing waits for an
   * echo, as in a flood: it runs for every message.
   */
  received(lane, data, at) {
    if (typeof data === 'string') {
      if (lane.text.length > 0 && lane.text[0].text === data) {
        const send = lane.text.shift();
        this.echoed(send, 'string', utf8.encode(data).byteLength, at, textLength(data));
        this.settle(send, { match: 'true', check: 'text', hash: 'same text' });
        return true;
      }
      return false;
    }
    const send = lane.binary.shift();
    if (!send) {
      return false; // not an echo of ours
    }
    const { kind, size } = describeData(data);
    this.echoed(send, kind, size, at);
    this.verify(send, data);
    return true;
  }

  /** size in bytes, as sent: a string's UTF-8 bytes (what went over the wire), not its length in UTF-16 units. */
  echoed(send, kind, size, at, chars = null) {
    renderNow(); // the log first, with the echo's message entry (view.js)
    const rtt = at - send.sentAt;
    Object.assign(send.row.dataset, { echoKind: kind, echoBytes: String(size), rttMs: rtt.toFixed(1) });
    send.row.querySelector('.echo').textContent = `${kind} ${bytes(size)}`
      + (chars !== null && chars !== size ? ` (${numbers.format(chars)} chars)` : '');
    send.row.querySelector('.rtt').textContent = millis(rtt);
  }

  async verify(send, data) {
    const buffer = data instanceof Blob ? await data.arrayBuffer() : data;
    if (send.expected.hash) {
      const hash = await sha256(buffer);
      const match = hash === send.expected.hash;
      this.settle(send, {
        match: String(match), check: 'sha-256',
        hash: `${match ? '✓ matches' : '✗ differs'} ${hash.slice(0, 16)}…`, title: `echo ${hash}\nsent ${send.expected.hash}`,
      });
    } else {
      const match = sameBytes(buffer, send.expected.buffer);
      this.settle(send, { match: String(match), check: 'bytes', hash: `${match ? '✓ same bytes' : '✗ bytes differ'} (no SubtleCrypto)` });
    }
  }

  /** A send that will get no echo: one state in the echo column, and nothing to check in the hash column. */
  noEcho(send, why) {
    renderNow();
    send.row.querySelector('.echo').textContent = why;
    this.settle(send, { match: 'none', hash: '—' });
  }

  settle(send, { match, check = '', hash, title }) {
    renderNow();
    send.row.dataset.match = match;
    send.row.dataset.check = check;
    const cell = send.row.querySelector('.hash');
    cell.textContent = hash;
    if (title) {
      cell.title = title;
    }
  }
}
