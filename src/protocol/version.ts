/** Bumped whenever a message shape changes; the panel refuses a page of another version. */
export const PROTOCOL_VERSION = 1;

/** Tag on every window.postMessage between the MAIN-world hook and the content bridge. */
export const PAGE_TAG = '__wasmLeaks:page';
export const BRIDGE_TAG = '__wasmLeaks:bridge';

/** Upper bounds that keep a hostile or runaway page from flooding the extension. */
export const LIMITS = {
  /** One message (JSON length of the payload), bytes. */
  maxMessageChars: 64 * 1024 * 1024,
  /** Strings from the page (names, URLs, stack text). */
  maxStringChars: 4096,
  /** Blocks listed in one diff reply; the counts stay exact beyond it. */
  maxDiffBlocks: 1_000_000,
  /** Bytes readable from linear memory in one request. */
  maxReadBytes: 4096,
  /** Sites / stack frames per message. */
  maxSites: 100_000,
  maxFrames: 64,
  /** Modules listed in one `pending` message. */
  maxPending: 64,
} as const;
