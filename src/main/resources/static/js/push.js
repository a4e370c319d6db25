// Server push, the reason WebSocket exists: the server writes without being asked. Two kinds here: ticks the
// socket asks for at the handshake (?tick=MS), and broadcasts any loopback caller triggers with
// POST /api/broadcast, which reach every text-capable session.

import { withTick } from './address.js';
import { clock, cut, el, followNewest } from './view.js';

const KEPT = 50; // pushes shown; older ones scroll away

export class Pushes {
  constructor({ toggle, interval, list, count, broadcastResult, address, reconnect }) {
    this.toggle = toggle;
    this.interval = interval;
    this.list = list;
    this.follow = followNewest(list);
    this.count = count;
    this.broadcastResult = broadcastResult;
    this.address = address;
    this.reconnect = reconnect;
    this.ticks = 0;
    this.broadcasts = 0;
    this.broadcastTexts = new Set();
    toggle.addEventListener('change', () => this.tickSettingChanged());
    interval.addEventListener('change', () => {
      if (toggle.checked) {
        this.tickSettingChanged();
      }
    });
  }

  /** The handshake is the only place to ask for ticks, so a new setting means a new connection. */
  tickSettingChanged() {
    this.address.value = withTick(this.address.value, this.toggle.checked ? Number(this.interval.value) : null);
    this.reconnect();
  }

  attach(ws, label) {
    ws.addEventListener('message', (event) => {
      if (typeof event.data === 'string') {
        this.received(event.data, label);
      }
    });
  }

  received(text, label) {
    const tick = parseTick(text);
    if (tick) {
      this.ticks += 1;
      this.show(el('li', { class: 'push push-tick', 'data-type': 'tick', 'data-seq': tick.seq },
        el('time', {}, clock()), el('b', {}, `tick ${tick.seq}`),
        ` every ${tick.intervalMs} ms · server ${tick.serverTime} · ${label}`));
    } else if (this.broadcastTexts.has(text)) {
      this.broadcasts += 1;
      this.show(el('li', { class: 'push push-broadcast', 'data-type': 'broadcast' },
        el('time', {}, clock()), el('b', {}, 'broadcast'), ` "${cut(text, 60)}" · ${label}`));
    }
  }

  show(item) {
    this.list.append(item);
    while (this.list.children.length > KEPT) {
      this.list.firstElementChild.remove();
    }
    this.follow();
    this.count.dataset.ticks = String(this.ticks);
    this.count.dataset.broadcasts = String(this.broadcasts);
    this.count.textContent = `${this.ticks} ticks, ${this.broadcasts} broadcasts`;
  }

  async broadcast(text) {
    this.broadcastTexts.add(text);
    const result = this.broadcastResult;
    result.textContent = 'posting…';
    try {
      const response = await fetch('api/broadcast', {
        method: 'POST', headers: { 'Content-Type': 'text/plain;charset=UTF-8' }, body: text,
      });
      const body = await response.json().catch(() => ({}));
      result.dataset.status = String(response.status);
      if (response.ok) {
        result.dataset.reached = String(body.reached);
        result.textContent = `${response.status}: reached ${body.reached} session${body.reached === 1 ? '' : 's'}`;
      } else {
        result.dataset.reached = '';
        result.textContent = `${response.status}: ${body.detail ?? response.statusText}`;
      }
    } catch (error) {
      result.dataset.status = 'failed';
      result.textContent = `request failed: ${error.message}`;
    }
  }
}

function parseTick(text) {
  if (!text.startsWith('{')) {
    return null;
  }
  try {
    const message = JSON.parse(text);
    return message && message.type === 'tick' ? message : null;
  } catch {
    return null;
  }
}
