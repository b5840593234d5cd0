const { SSMClient, GetParametersByPathCommand } = require('@aws-sdk/client-ssm');
const { getItem } = require('../lib/ddb');

const ssm = new SSMClient({});

async function loadSettings() {
  const { Parameters } = await ssm.send(new GetParametersByPathCommand({ Path: '/orders/', Recursive: true }));
  return Object.fromEntries((Parameters ?? []).map((p) => [p.Name.split('/').pop(), p.Value]));
}

exports.handler = async (event) => {
  const settings = loadSettings();
  // Mark the rejection as handled while we do other work; it is awaited below.
  settings.catch(() => {});
  const order = await getItem(`ORDER#${event.id}`);
  if (!order) {
    return { statusCode: 404 };
  }
  const { currency = 'EUR' } = await settings;
  return { statusCode: 200, body: JSON.stringify({ ...order, currency }) };
};
