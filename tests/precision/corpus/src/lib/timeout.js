class TimeoutError extends Error {
  constructor(ms) {
    super(`operation timed out after ${ms} ms`);
    this.name = 'TimeoutError';
  }
}

async function withTimeout(promise, ms) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(ms)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

module.exports = { withTimeout, TimeoutError };
