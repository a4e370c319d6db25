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

/** A number as the page writes it: 10,000,000 (a box's value, a string, is taken as the number it holds). */
export function count(value) {
  return numbers.format(Number(value));
}

/** "1 frame", "2 frames". */
export function plural(value, noun) {
  return `${count(value)} ${noun}${Number(value) === 1 ? '' : 's'}`;
}

export function bytes(value) {
  return `${count(value)} B`;
}

export function millis(value) {
  return `${numbers.format(Math.round(value))} ms`;
}

/** A string in quotes for display, cut if long, with its full length after the closing quote. */
export function preview(text, max = 120) {
  return text.length <= max ? `"${text}"` : `"${text.slice(0, max)}…" (${numbers.format(text.length)} chars)`;
}

/** Long strings are cut for display; the full length is still shown. */
export function cut(text, max = 120) {
  return text.length <= max ? text : `${text.slice(0, max)}… (${numbers.format(text.length)} chars)`;
}

// Rendering in batches. A flood brings thousands of message events a second, each its own task, and writing each
// one into the page cost far more than receiving it: 100,000 small messages took four times as long in this page as
// on a bare socket, with the page frozen for half a second at a time. So panels that show what messages bring
// note it and ask renderSoon() for one render at the next animation frame, however many messages came before it.
//
// renderNow() runs the waiting renders at once. It is called before anything else the page shows changes (an open,
// close or error entry, readyState, a send's echo, a push), so that no panel ever shows more than the log: a script
// (or a test) that sees a panel change finds the messages before it in the log too, in order.
const waiting = new Set(); // renders, each once however often it was asked for
const LATEST = 250; // ms after the first ask: a hidden tab gets no animation frames, and its log would stand still
let frame = 0;
let timer = 0;
let skippingFrames = false;

/** Runs render() at the next animation frame, with every other render waiting for it. */
export function renderSoon(render) {
  waiting.add(render);
  if (frame === 0) {
    frame = requestAnimationFrame(renderInFrame);
    timer = setTimeout(renderNow, LATEST);
  }
}

/**
 * Until the waiting renders have run, they skip animation frames and wait for the timer, LATEST ms after the first
 * was asked for. For floods: the log asks for it when more entries wait than it keeps, as its next render then writes
 * over every entry it shows. Rendering at every frame of a flood (one each 100-200 ms) spent a third of the page's
 * time on entries written over at the next.
 */
export function skipFrames() {
  skippingFrames = true;
}

function renderInFrame() {
  if (!skippingFrames) {
    renderNow();
  }
}

/** Runs every waiting render now, in the order they were first asked for. */
export function renderNow() {
  if (frame !== 0) {
    cancelAnimationFrame(frame);
    clearTimeout(timer);
    frame = 0;
  }
  skippingFrames = false;
  for (const render of waiting) {
    waiting.delete(render);
    render();
  }
}

/**
 * Keeps a scrolling list on its newest item for as long as the person has not scrolled up; returns follow(), to call
 * after each append. The list's scroll position is read only when it scrolls, and it is scrolled at most once a
 * frame: reading it after every append forces a layout each time, which made a flood of 1,000 messages take over a
 * minute to show.
 */
export function followNewest(list) {
  let following = true;
  let scheduled = false;
  let ownTop = null; // where our last scroll left the list: its scroll event may come after more items arrived
  // While the list follows, the browser must not anchor its scrolling: as the oldest items were dropped from the
  // top, scroll anchoring moved the view to keep the items in sight, and its scroll event read as the reader
  // scrolling away (a lab flood ended with the log stopped in its middle, 3 times in 4). A reader who has scrolled
  // up keeps the anchoring, so what they read stays put.
  const anchor = () => { list.style.overflowAnchor = following ? 'none' : 'auto'; };
  anchor();
  list.addEventListener('scroll', () => {
    const whereWeLeftIt = ownTop !== null && Math.abs(list.scrollTop - ownTop) < 1;
    following = whereWeLeftIt || list.scrollTop + list.clientHeight >= list.scrollHeight - 4;
    anchor();
  });
  return () => {
    if (!following || scheduled) {
      return;
    }
    scheduled = true;
    requestAnimationFrame(() => {
      scheduled = false;
      if (following) {
        // The newest item's top, when it is taller than the list (a refused socket's hint): its first lines say
        // what happened, and the bottom would show only the end of it.
        const newest = list.lastElementChild;
        const tall = newest && newest.offsetHeight > list.clientHeight;
        list.scrollTop = tall
          ? list.scrollTop + newest.getBoundingClientRect().top - list.getBoundingClientRect().top
          : list.scrollHeight;
        ownTop = list.scrollTop;
      }
    });
  };
}
