// Server push, the reason WebSocket exists: the server writes without being asked. Two kinds here: ticks the
// socket asks for at the handshake (?tick=MS), and broadcasts any loopback caller triggers with
// POST /api/broadcast (this page's button, or curl), which reach every session of the mixed and text endpoints.
//
// wsdeck sends a broadcast as the posted text and nothing else: no envelope marks it. So on those endpoints a
// string is taken for a broadcast when it is none of the others the server sends there: the greeting (the first
// message), a tick (JSON with "type":"tick"), or the echo of one of this page's sends (the send panel matches those).

import { TICK_RANGE, TICK_RANGE_TEXT, withTick } from './address.js';
import { ENDPOINTS } from './endpoints.js';
import { clock, el, followNewest, plural, preview, renderNow } from './view.js';

const KEPT = 50; // pushes shown; older ones scroll away

export class Pushes {
  /** @param isEcho (messageEvent) => whether it echoed one of the page's sends; asked after the send panel saw it */
  constructor({ toggle, interval, problem, list, count, broadcastResult, address, reconnect, isEcho }) {
    this.isEcho = isEcho;
    this.toggle = toggle;
    this.interval = interval;
    this.problem = problem;
    this.list = list;
    this.follow = followNewest(list);
    this.count = count;
    this.broadcastResult = broadcastResult;
    this.address = address;
    this.reconnect = reconnect;
    this.ticks = 0;
    this.broadcasts = 0;
    this.broadcastTexts = new Set();
    interval.min = String(TICK_RANGE.min);
    interval.max = String(TICK_RANGE.max);
    toggle.addEventListener('change', () => this.tickSettingChanged());
    interval.addEventListener('change', () => {
      if (toggle.checked) {
        this.tickSettingChanged();
      } else {
        this.intervalProblem(); // said now, not at the next toggle
      }
    });
    // Enter in the box would submit its form (it is the form's only text field) and reload the page.
    interval.form.addEventListener('submit', (event) => {
      event.preventDefault();
      interval.dispatchEvent(new Event('change'));
    });
  }

  /**
   * The handshake is the only place to ask for ticks, so a new setting means a new connection. An interval wsdeck
   * would refuse (400) is not tried: that would close a working socket for one that cannot open.
   */
  tickSettingChanged() {
    if (this.toggle.checked && this.intervalProblem()) {
      if (!new URLSearchParams(new URL(this.address.value, location.href).search).has('tick')) {
        this.toggle.checked = false; // ticks were off and stay off
      }
      return;
    }
    this.address.value = withTick(this.address.value, this.toggle.checked ? Number(this.interval.value) : null);
    this.reconnect();
  }

  /** Marks the interval box invalid and says why, or clears both; true when the interval is out of range. */
  intervalProblem() {
    const box = this.interval;
    const valid = box.value !== '' && box.validity.valid; // min, max, and step 1: whole milliseconds
    box.setAttribute('aria-invalid', String(!valid));
    this.problem.hidden = valid;
    this.problem.textContent = valid ? '' : `"${box.value}" is not an interval wsdeck takes: whole milliseconds from `
      + `${TICK_RANGE_TEXT} (it refuses others with HTTP 400). `
      + 'Not reconnected: the socket stays as it is.';
    return !valid;
  }

  attach(ws, label) {
    if (!takesPushes(ws)) {
      return; // the binary, echo and lab endpoints get neither ticks nor broadcasts
    }
    let greeted = false;
    ws.addEventListener('message', (event) => {
      if (typeof event.data !== 'string') {
        return;
      }
      const first = !greeted;
      greeted = true;
      if (!(first && event.data === GREETING) && !this.isEcho(event)) {
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
    } else {
      const ours = this.broadcastTexts.has(text);
      this.broadcasts += 1;
      this.show(el('li', { class: 'push push-broadcast', 'data-type': 'broadcast', 'data-from': ours ? 'page' : 'elsewhere' },
        el('time', {}, clock()), el('b', {}, 'broadcast'), ` ${preview(text, 60)} · ${label}`
          + (ours ? ' · posted by this page' : ' · posted from elsewhere')));
    }
  }

  show(item) {
    renderNow(); // the log first, with the message this push came in (view.js)
    this.list.append(item);
    while (this.list.children.length > KEPT) {
      this.list.firstElementChild.remove();
    }
    this.follow();
    this.count.dataset.ticks = String(this.ticks);
    this.count.dataset.broadcasts = String(this.broadcasts);
    const all = this.ticks + this.broadcasts;
    this.count.textContent = `${plural(this.ticks, 'tick')}, ${plural(this.broadcasts, 'broadcast')}`
      + (all > KEPT ? ` (the newest ${KEPT} listed)` : '');
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

const GREETING = 'world'; // what the mixed and text endpoints send first (README, "Endpoints")

function takesPushes(ws) {
  try {
    const path = new URL(ws.url).pathname;
    return path === ENDPOINTS.mixed || path === ENDPOINTS.text;
  } catch {
    return false;
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
