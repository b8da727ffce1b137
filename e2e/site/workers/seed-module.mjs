// The seed leak module for module workers: its URL from import.meta.url.
const ready = WebAssembly.instantiateStreaming(fetch(new URL('../wasm/leak-wasi-O0.wasm', import.meta.url)), {}).then(({ instance }) => {
  instance.exports._initialize();
  return instance.exports;
});
export function answer(command, reply) {
  ready.then(
    (e) => {
      if (command === 'leak') {
        e.simulate_memory_leak();
        reply('leaked');
      } else if (command === 'where') reply(self.location.href);
    },
    (error) => reply('error: ' + error.message),
  );
}
