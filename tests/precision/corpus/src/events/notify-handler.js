const { notify, later } = require('../lib/legacy-notify');

exports.handler = async (event) => {
  const delay = Number(process.env.NOTIFY_DELAY_MS || 0);
  if (delay > 0) {
    await new Promise((resolve) => later(delay, resolve));
  }
  const status = await new Promise((resolve, reject) => {
    notify(process.env.HOOK_URL, `alarm ${event.detail.alarmName}`, (err, code) => (err ? reject(err) : resolve(code)));
  });
  return { status };
};
