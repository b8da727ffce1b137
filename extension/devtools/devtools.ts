// The DevTools page only creates the panel; the panel page does the work.
// chrome.devtools.* is not wrapped by webextension-polyfill (FIELD-NOTES).
chrome.devtools.panels.create('WASM Leaks', 'icons/icon-16.png', 'extension/panel/index.html');
