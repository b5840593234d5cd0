const { SSMClient, GetParameterCommand } = require('@aws-sdk/client-ssm');
const { getItem } = require('../lib/ddb');

const ssm = new SSMClient({});

async function featureFlags() {
  const { Parameter } = await ssm.send(new GetParameterCommand({ Name: '/orders/flags' }));
  return JSON.parse(Parameter.Value);
}

exports.handler = async (event) => {
  // Start both lookups, then wait for both: neither outlives the invocation.
  const flagsPromise = featureFlags();
  const orderPromise = getItem(`ORDER#${event.id}`);
  const [flags, order] = await Promise.all([flagsPromise, orderPromise]);
  if (!order) return null;
  const pending = [];
  if (flags.enrich) pending.push(getItem(`CUSTOMER#${order.customerId}`));
  if (flags.audit) pending.push(getItem(`AUDIT#${order.pk}`));
  const [customer] = await Promise.all(pending);
  const result = flags.slow ? await getItem(`SLOW#${order.pk}`) : order;
  let next;
  if (event.refresh) {
    next = featureFlags();
  } else {
    next = Promise.resolve(flags);
  }
  return { order: result, customer, flags: await next };
};
