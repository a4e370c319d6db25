// Small DOM and formatting helpers shared by the panels.

export const $ = (selector) => document.querySelector(selector);

/** An element with attributes (data-* included) and children (strings become text, never HTML). */
export function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined && value !== null) {
      element.setAttribute(name, String(value));
    }
  }
  element.append(...children.filter((child) => child !== undefined && child !== null));
  return element;
}

/** Wall-clock time with milliseconds, as the event log shows it. */
export function clock(date = new Date()) {
  const pad = (n, width = 2) => String(n).padStart(width, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

const numbers = new Intl.NumberFormat('en');

export function bytes(count) {
  return `${numbers.format(count)} B`;
}

export function millis(value) {
  return `${numbers.format(Math.round(value))} ms`;
}

/** Long strings are cut for display; the full length is still shown. */
export function cut(text, max = 120) {
  return text.length <= max ? text : `${text.slice(0, max)}… (${numbers.format(text.length)} chars)`;
}

/** Appends an item to a list and keeps the newest in view. */
export function appendScrolled(list, item) {
  const atBottom = list.scrollTop + list.clientHeight >= list.scrollHeight - 4;
  list.append(item);
  if (atBottom) {
    list.scrollTop = list.scrollHeight;
  }
}
