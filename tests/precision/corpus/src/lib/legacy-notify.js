// A callback-style client kept from the Node 8 days; callers wrap it in a promise.
const https = require('https');

function notify(url, message, callback, attempt = 0) {
  const req = https.request(url, { method: 'POST', headers: { 'content-type': 'text/plain' } }, (res) => {
    res.resume();
    if (res.statusCode >= 500 && attempt < 3) {
      setTimeout(() => notify(url, message, callback, attempt + 1), 100 * 2 ** attempt);
      return;
    }
    callback(null, res.statusCode);
  });
  req.on('error', callback);
  req.end(message);
}

function later(ms, callback) {
  setTimeout(callback, ms);
}

module.exports = { notify, later };
