// The metrics dashboard (issue 4): the server's load drawn live from GET /api/stats, for index.html's #dashboard
// panel and for dashboard.html, which shows it on its own. Both pages load this module; it builds the panel into
// their <section id="dashboard">, so the two cannot drift apart.
//
// The snapshot carries running totals and the server's clock; rates are the difference between two snapshots over
// the server time between them, so a late or slow poll does not inflate or deflate them.

import { LineChart } from './chart.js';
import { INTERVAL_MS, StatsFeed } from './stats-feed.js';
import { clock, el } from './view.js';

const WINDOW_MS = 60_000; // what the charts show
const GAP_MS = 3.5 * INTERVAL_MS; // snapshots further apart (server away, tab hidden) give no rate and break the lines

const counts = new Intl.NumberFormat('en');
const rateDigits = new Intl.NumberFormat('en', { maximumSignificantDigits: 3 });

/** Bytes in decimal units, at most three significant digits: 999 B, 1.23 kB, 10 MB. */
export function humanBytes(value) {
  if (value < 1000) {
    return `${counts.format(Math.round(value))} B`;
  }
  const units = ['kB', 'MB', 'GB', 'TB'];
  let scaled = value;
  let unit = -1;
  while (scaled >= 999.5 && unit < units.length - 1) {
    scaled /= 1000;
    unit += 1;
  }
  return `${Number(scaled.toPrecision(3))} ${units[unit]}`;
}

const perSecond = (value) => `${rateDigits.format(value)}/s`;
const bytesPerSecond = (value) => `${humanBytes(value)}/s`;

/** Rates per second between two snapshots, or null where there is none to give. */
export function ratesBetween(previous, current) {
  const seconds = previous ? (current.time - previous.time) / 1000 : 0;
  if (seconds <= 0 || seconds * 1000 > GAP_MS) {
    return null; // the first snapshot, or one after a gap: an average over minutes would read as the load now
  }
  const rates = {};
  for (const key of ['messagesIn', 'messagesOut', 'bytesIn', 'bytesOut']) {
    const delta = current[key] - previous[key];
    if (delta < 0) {
      return null; // the totals went down: the server restarted and counts from zero again
    }
    rates[key] = delta / seconds;
  }
  return rates;
}

/**
 * A big number: its text for people, with the unit set smaller ("5.48 kB/s"), and data-value, the plain number
 * ("" while there is none), for scripts and tests.
 */
class Reading {
  constructor(id, format) {
    this.format = format;
    this.element = el('output', { id, class: 'reading', 'data-value': '' }, '—');
  }

  show(value) {
    this.element.dataset.value = value === null ? '' : String(Math.round(value * 100) / 100);
    if (value === null) {
      this.element.textContent = '—';
      return;
    }
    const text = this.format(value);
    const [, number, space, unit] = text.match(/^([\d.,]+)( ?)(.*)$/) ?? [text, text, '', ''];
    this.element.replaceChildren(number, space, el('span', { class: 'unit' }, unit));
  }
}

function tile(title, readings, detail, chart) {
  return el('figure', { class: 'metric' },
    el('figcaption', {}, title),
    el('div', { class: 'readings' }, ...readings),
    detail,
    chart.element);
}

/** One reading with a coloured key, for tiles with two lines (in and out). */
function keyed(label, className, reading) {
  return el('span', { class: `keyed ${className}` }, el('span', { class: 'key' }, label), reading.element);
}

class Dashboard {
  constructor(section) {
    this.section = section;
    this.samples = []; // {time, open, buffered, rates}, oldest first: the last WINDOW_MS and a little more
    this.previous = null;
    this.lastSeen = null; // local time the last snapshot arrived

    this.open = new Reading('dashboard-open-sessions', (v) => counts.format(v));
    this.buffered = new Reading('dashboard-buffered-bytes', humanBytes);
    this.messagesIn = new Reading('dashboard-messages-in', perSecond);
    this.messagesOut = new Reading('dashboard-messages-out', perSecond);
    this.bytesIn = new Reading('dashboard-bytes-in', bytesPerSecond);
    this.bytesOut = new Reading('dashboard-bytes-out', bytesPerSecond);
    this.openDetail = el('p', { class: 'metric-detail' }, 'by endpoint: —');
    // Only the state is a live region: screen readers hear "live" or "unavailable" once, not a clock every second.
    this.state = el('span', { 'aria-live': 'polite' }, 'waiting for the first snapshot…');
    this.since = el('span');

    const chart = (label, series, format, floor = 1) => new LineChart({
      label, series, format, floor, windowMs: WINDOW_MS, gapMs: GAP_MS,
    });
    const inOut = [{ key: 'in', className: 'series-in' }, { key: 'out', className: 'series-out' }];
    this.charts = {
      open: chart('Open sessions, last minute', [{ key: 'open', className: 'series-open' }], (v) => counts.format(v)),
      buffered: chart('Buffered bytes, last minute', [{ key: 'buffered', className: 'series-buffered' }], humanBytes, 1000),
      messages: chart('Messages per second in and out, last minute', inOut, perSecond),
      bytes: chart('Bytes per second in and out, last minute', inOut, bytesPerSecond, 1000),
    };
    this.render(section.hasAttribute('data-standalone'));
    this.setState('waiting');
  }

  render(standalone) {
    const detail = (text) => el('p', { class: 'metric-detail' }, text);
    this.section.setAttribute('aria-labelledby', 'dashboard-title');
    this.section.removeAttribute('aria-label');
    this.section.replaceChildren(
      el('div', { class: 'dashboard-head' },
        el('h2', { id: 'dashboard-title' }, 'Server load ', el('small', {}, el('code', {}, 'GET /api/stats'), ' every second')),
        standalone ? el('a', { href: './' }, '← the whole deck') : el('a', { href: 'dashboard.html' }, 'on its own page ↗')),
      el('p', { class: 'dashboard-status' }, this.state, this.since),
      el('div', { class: 'metrics' },
        tile('Open sessions', [this.open.element], this.openDetail, this.charts.open),
        tile('Buffered bytes', [this.buffered.element], detail('accepted for sending, not yet written'), this.charts.buffered),
        tile('Messages per second', [keyed('in', 'series-in', this.messagesIn), keyed('out', 'series-out', this.messagesOut)],
          detail('whole messages, all endpoints'), this.charts.messages),
        tile('Bytes per second', [keyed('in', 'series-in', this.bytesIn), keyed('out', 'series-out', this.bytesOut)],
          detail('payload bytes, all endpoints'), this.charts.bytes)));
  }

  setState(state, text, since = '') {
    this.section.dataset.state = state;
    if (text !== undefined && this.state.textContent !== text) {
      this.state.textContent = text;
    }
    this.since.textContent = since;
  }

  received(snapshot) {
    const rates = ratesBetween(this.previous, snapshot);
    this.previous = snapshot;
    this.lastSeen = new Date();

    this.open.show(snapshot.openSessions);
    this.buffered.show(snapshot.bufferedBytes);
    this.messagesIn.show(rates && rates.messagesIn);
    this.messagesOut.show(rates && rates.messagesOut);
    this.bytesIn.show(rates && rates.bytesIn);
    this.bytesOut.show(rates && rates.bytesOut);
    this.openDetail.textContent = `by endpoint: ${Object.entries(snapshot.openByEndpoint ?? {})
      .map(([endpoint, count]) => `${endpoint} ${counts.format(count)}`).join(' · ') || '—'}`;

    this.samples.push({ time: snapshot.time, open: snapshot.openSessions, buffered: snapshot.bufferedBytes, rates });
    while (this.samples.length > 0 && snapshot.time - this.samples[0].time > WINDOW_MS + GAP_MS) {
      this.samples.shift();
    }
    this.draw(snapshot.time);

    this.section.dataset.time = String(snapshot.time);
    this.setState('live', 'live', ` · server time ${clock(new Date(snapshot.time)).slice(0, 8)}`);
  }

  failed(reason) {
    const since = this.lastSeen ? ` Last snapshot at ${clock(this.lastSeen).slice(0, 8)}, ${ago(this.lastSeen)}.` : '';
    this.setState('unavailable', `stats unavailable: ${reason}. Retrying every second.`, since);
  }

  draw(now) {
    const series = (pick) => this.samples.map((sample) => ({ time: sample.time, values: pick(sample) }));
    this.charts.open.draw(series((s) => ({ open: s.open })), now);
    this.charts.buffered.draw(series((s) => ({ buffered: s.buffered })), now);
    this.charts.messages.draw(series((s) => ({ in: s.rates && s.rates.messagesIn, out: s.rates && s.rates.messagesOut })), now);
    this.charts.bytes.draw(series((s) => ({ in: s.rates && s.rates.bytesIn, out: s.rates && s.rates.bytesOut })), now);
  }
}

function ago(date) {
  const seconds = Math.round((Date.now() - date.getTime()) / 1000);
  return seconds < 60 ? `${seconds} s ago` : `${Math.floor(seconds / 60)} min ${seconds % 60} s ago`;
}

const section = document.querySelector('#dashboard');
if (section) {
  const dashboard = new Dashboard(section);
  new StatsFeed('api/stats', {
    onSnapshot: (snapshot) => dashboard.received(snapshot),
    onFailure: (reason) => dashboard.failed(reason),
  }).start();
}
