// A dedicated worker running the seed leak module (../workers/seed.js), and a
// long task on demand: { busy: ms } spins that long before it answers.
importScripts('../workers/seed.js');
self.onmessage = function (event) {
  const command = event.data;
  if (command && typeof command.busy === 'number') {
    const end = Date.now() + command.busy;
    while (Date.now() < end) {
      /* one long task: no message, the agent's included, is handled meanwhile */
    }
    self.postMessage('done');
    return;
  }
  self.seed.answer(command, function (r) {
    self.postMessage(r);
  });
};
