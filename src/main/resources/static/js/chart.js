// A small live line chart in inline SVG, for the dashboard: a rolling time window with the newest sample at the
// right edge, one line per series, the scale rounded up to a readable number.
//
// SVG rather than canvas because its lines take their colours from CSS (the page's variables), so the light and
// dark schemes need no code, and it scales to any width without redrawing. The drawing stretches to
// the box (preserveAspectRatio none); vector-effect keeps the strokes one width however it is stretched.

import { el } from './view.js';

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 600; // viewBox units; the chart is stretched to its box, so only the proportions of the data matter
const HEIGHT = 100;
// The plot stops short of the edges so a line at the top of the scale or at "now" is not cut in half by them.
const RIGHT = WIDTH - 4;
const TOP = 3;
const BOTTOM = HEIGHT - 1;

function svg(tag, attributes = {}) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) {
    element.setAttribute(name, String(value));
  }
  return element;
}

/** The smallest 1, 2, 2.5 or 5 times a power of ten that is at least value (and at least floor). */
export function niceTop(value, floor = 1) {
  if (!(value > floor)) {
    return floor;
  }
  const magnitude = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 2.5, 5, 10].map((step) => step * magnitude).find((top) => top >= value);
}

export class LineChart {
  /**
   * @param series [{key, className}]: className gives the series its colour (.series-… in deck.css)
   * @param windowMs how much time the chart spans
   * @param gapMs samples further apart than this are not joined: the line breaks where data is missing
   * @param floor the least top of the scale, so a quiet server draws a flat line at the bottom, not noise
   * @param format how the top of the scale is labelled
   * @param label what the chart shows, for screen readers
   */
  constructor({ series, windowMs, gapMs, floor = 1, format = String, label }) {
    this.series = series;
    this.windowMs = windowMs;
    this.gapMs = gapMs;
    this.floor = floor;
    this.format = format;
    this.top = floor;
    this.paths = new Map();

    this.svg = svg('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, preserveAspectRatio: 'none', role: 'img', 'aria-label': label });
    const rule = (className, y) => svg('line', { class: className, x1: 0, x2: WIDTH, y1: y, y2: y, 'vector-effect': 'non-scaling-stroke' });
    this.svg.append(rule('grid', TOP), rule('grid', (TOP + BOTTOM) / 2), rule('baseline', BOTTOM));
    for (const { key, className } of series) {
      const area = svg('path', { class: `area ${className}` });
      const line = svg('path', { class: `line ${className}`, 'vector-effect': 'non-scaling-stroke' });
      this.svg.append(area, line);
      this.paths.set(key, { area, line });
    }

    this.topLabel = el('span', { class: 'chart-top' });
    this.element = el('div', { class: 'chart' }, this.topLabel, this.svg,
      el('div', { class: 'chart-axis', 'aria-hidden': 'true' }, el('span', {}, `−${Math.round(windowMs / 1000)} s`), el('span', {}, 'now')));
  }

  /**
   * Draws the samples that fall in the window ending at now.
   * @param samples [{time, values: {key: number or null}}], oldest first; null means "no value here"
   */
  draw(samples, now) {
    const visible = samples.filter((sample) => now - sample.time <= this.windowMs + this.gapMs);
    let highest = 0;
    for (const sample of visible) {
      for (const { key } of this.series) {
        highest = Math.max(highest, sample.values[key] ?? 0);
      }
    }
    this.top = niceTop(highest, this.floor);
    this.topLabel.textContent = this.format(this.top);
    this.svg.dataset.top = String(this.top);

    const x = (time) => RIGHT * (1 - (now - time) / this.windowMs);
    const y = (value) => BOTTOM - (BOTTOM - TOP) * (value / this.top);
    for (const { key } of this.series) {
      const point = (sample) => `${num(x(sample.time))},${num(y(sample.values[key]))}`;
      const floor = (sample) => `${num(x(sample.time))},${BOTTOM}`;
      const runs = this.runs(visible, key);
      const { area, line } = this.paths.get(key);
      // A run of one sample still shows: a zero-length segment with round caps is drawn as a dot.
      line.setAttribute('d', runs.map((run) => `M${point(run[0])}L${run.length === 1 ? point(run[0]) : run.slice(1).map(point).join('L')}`).join(''));
      area.setAttribute('d', runs.filter((run) => run.length > 1)
        .map((run) => `M${floor(run[0])}L${run.map(point).join('L')}L${floor(run[run.length - 1])}Z`).join(''));
    }
  }

  /** The samples as unbroken runs: a missing value or a gap in time ends a run. */
  runs(samples, key) {
    const runs = [];
    let run = [];
    let last = null;
    for (const sample of samples) {
      const value = sample.values[key];
      if (value === null || value === undefined || (last && sample.time - last.time > this.gapMs)) {
        runs.push(run);
        run = [];
      }
      if (value !== null && value !== undefined) {
        run.push(sample);
      }
      last = sample;
    }
    runs.push(run);
    return runs.filter((r) => r.length > 0);
  }
}

function num(value) {
  return Math.round(value * 10) / 10;
}
