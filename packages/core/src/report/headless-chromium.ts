/**
 * How convlab starts Chromium headless (the lab report's PDF; the browser tests): no sandbox (root, and
 * containers), no GPU, and none of the background traffic a machine without internet would wait on.
 */
export const HEADLESS_CHROMIUM_FLAGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
