const AWSXRay = require('aws-xray-sdk-core');
const https = AWSXRay.captureHTTPs(require('https'));
const sleep = require('util').promisify(setTimeout);

exports.handler = async (event) => {
  const status = await new Promise((resolve, reject) => {
    AWSXRay.captureAsyncFunc('remote', (subsegment) => {
      https
        .get(event.url, (res) => {
          res.resume();
          res.on('end', () => {
            subsegment.close();
            resolve(res.statusCode);
          });
        })
        .on('error', (err) => {
          subsegment.close(err);
          reject(err);
        });
    });
  });
  await sleep(10);
  return status;
};
