import UAParser from 'ua-parser-js';
import { BoundedMemo } from '../util/bounded-memo.js';

/** What a device list shows of a User-Agent: browser and OS families, for people, never for decisions. */
export interface UserAgentSummary {
  /** e.g. `Firefox 128`, `Chrome 126`, `Safari 17`, `Edge 126`, `Chrome Headless 126`. */
  browser?: string;
  /** e.g. `Windows`, `macOS`, `iOS`, `iPadOS`, `Android 14`, `Linux`, `ChromeOS`. */
  os?: string;
}

/** ua-parser-js names that read differently from what people (and this module's callers) expect. */
const BROWSER_NAMES: Readonly<Record<string, string>> = {
  'Mobile Safari': 'Safari',
  'Mobile Firefox': 'Firefox',
  'Mobile Chrome': 'Chrome',
  'Android Browser': 'Android Browser',
};
const OS_NAMES: Readonly<Record<string, string>> = {
  'Mac OS': 'macOS',
  'Chromium OS': 'ChromeOS',
  'Chrome OS': 'ChromeOS',
};

/** Longer strings are cut before parsing: a User-Agent only describes a device. */
const MAX_PARSED_LENGTH = 512;

/**
 * Browser family with its major version and OS family, parsed by ua-parser-js (1.x, MIT).
 * Unknown agents give empty fields; the raw string stays available for anything finer. Only
 * Android keeps a version in `os`: its major version says much about a phone's updates.
 */
export function summarizeUserAgent(userAgent: string | undefined): UserAgentSummary {
  if (!userAgent) return {};
  const text = userAgent.slice(0, MAX_PARSED_LENGTH);
  // A parse costs tens of µs and a user's devices repeat: device lists and the activity log reuse them.
  const known = parsed.get(text);
  if (known) return { ...known };
  const summary = parse(text);
  parsed.set(text, summary);
  return { ...summary };
}

const parsed = new BoundedMemo<string, UserAgentSummary>(1_000);

function parse(userAgent: string): UserAgentSummary {
  const { browser, os, device } = new UAParser(userAgent).getResult();
  const summary: UserAgentSummary = {};
  if (browser.name) {
    const name = BROWSER_NAMES[browser.name] ?? browser.name;
    summary.browser = browser.major ? `${name} ${browser.major}` : name;
  }
  if (os.name) {
    let name = OS_NAMES[os.name] ?? os.name;
    if (name === 'iOS' && device.model === 'iPad') name = 'iPadOS';
    const major = os.version?.split('.')[0];
    summary.os = name === 'Android' && major ? `${name} ${major}` : name;
  }
  return summary;
}

/**
 * The device family a login came from, for the new-device rule: browser and OS names without
 * versions (a browser update is the same device), or undefined when neither is known.
 */
export function deviceFamily(summary: UserAgentSummary): string | undefined {
  const strip = (value: string | undefined) => value?.replace(/ \d+$/, '');
  const browser = strip(summary.browser);
  const os = strip(summary.os);
  if (!browser && !os) return undefined;
  return `${browser ?? '?'} on ${os ?? '?'}`;
}
