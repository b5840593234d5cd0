const fs = require('fs');
const zlib = require('zlib');
const crypto = require('crypto');
const { pipeline } = require('stream');

function gzipFile(source, target) {
  return new Promise((resolve, reject) => {
    pipeline(fs.createReadStream(source), zlib.createGzip(), fs.createWriteStream(target), (err) =>
      err ? reject(err) : resolve(target),
    );
  });
}

exports.handler = async (event) => {
  const token = await new Promise((resolve, reject) => {
    crypto.randomBytes(16, (err, buffer) => {
      if (err) {
        reject(err);
        return;
      }
      resolve(buffer.toString('hex'));
    });
  });
  await new Promise((resolve, reject) => {
    fs.writeFile(`/tmp/${token}.json`, JSON.stringify(event), (error) => (error ? reject(error) : resolve()));
  });
  const archive = await gzipFile(`/tmp/${token}.json`, `/tmp/${token}.json.gz`);
  const stat = await fs.promises.stat(archive);
  return { token, size: stat.size };
};
