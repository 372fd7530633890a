/** What a device list shows of a User-Agent: browser and OS families, for people, never for decisions. */
export interface UserAgentSummary {
  /** e.g. `Firefox 128`, `Chrome 126`, `Safari 17`, `Edge 126`. */
  browser?: string;
  /** e.g. `Windows`, `macOS`, `iOS`, `Android 14`, `Linux`, `ChromeOS`. */
  os?: string;
}

/** Checked in order: the first match wins, so browsers that also say "Chrome" or "Safari" come first. */
const BROWSERS: ReadonlyArray<[name: string, pattern: RegExp]> = [
  ['Edge', /\bEdg(?:e|A|iOS)?\/(\d+)/],
  ['Opera', /\b(?:OPR|OPiOS)\/(\d+)/],
  ['Samsung Internet', /\bSamsungBrowser\/(\d+)/],
  ['Firefox', /\b(?:Firefox|FxiOS)\/(\d+)/],
  ['Chrome', /\b(?:Chrome|CriOS)\/(\d+)/],
  ['Safari', /\bVersion\/(\d+)(?:[.\d]*)? (?:Mobile\/\S+ )?Safari\//],
];

const OPERATING_SYSTEMS: ReadonlyArray<[name: string, pattern: RegExp]> = [
  ['iPadOS', /\biPad\b/],
  ['iOS', /\b(?:iPhone|iPod)\b/],
  ['Android', /\bAndroid(?: (\d+))?/],
  ['ChromeOS', /\bCrOS\b/],
  ['Windows', /\bWindows\b/],
  ['macOS', /\bMac OS X\b|\bMacintosh\b/],
  ['Linux', /\bLinux\b/],
];

/**
 * A small, dependency-free summary of the common browsers and systems. Unknown agents give
 * empty fields; the raw string stays available for anything finer.
 */
export function summarizeUserAgent(userAgent: string | undefined): UserAgentSummary {
  if (!userAgent) return {};
  const summary: UserAgentSummary = {};
  for (const [name, pattern] of BROWSERS) {
    const match = pattern.exec(userAgent);
    if (match) {
      summary.browser = `${name} ${match[1]}`;
      break;
    }
  }
  for (const [name, pattern] of OPERATING_SYSTEMS) {
    const match = pattern.exec(userAgent);
    if (match) {
      summary.os = match[1] ? `${name} ${match[1]}` : name;
      break;
    }
  }
  return summary;
}
