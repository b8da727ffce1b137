// The DevTools page only creates the panel; the panel page does the work.
// chrome.devtools.* directly: webextension-polyfill 0.12 promisifies only
// inspectedWindow.eval and panels.create of it, so the polyfill buys nothing here.
chrome.devtools.panels.create('WASM Leaks', 'icons/icon-16.png', 'extension/panel/index.html');
