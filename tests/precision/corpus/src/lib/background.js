// Work the handler starts early and waits for before it returns (like waitUntil()).
const inflight = new Set();

function track(promise) {
  inflight.add(promise);
  promise.finally(() => inflight.delete(promise));
  return promise;
}

async function drain() {
  await Promise.allSettled([...inflight]);
}

module.exports = { track, drain };
