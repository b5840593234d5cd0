const jwt = require('jsonwebtoken');
const jwksClient = require('jwks-rsa');

const client = jwksClient({ jwksUri: process.env.JWKS_URI, cache: true, rateLimit: true });

function getKey(header, callback) {
  client.getSigningKey(header.kid, (err, key) => {
    if (err) return callback(err);
    return callback(null, key.getPublicKey());
  });
}

function verify(token) {
  return new Promise((resolve, reject) => {
    jwt.verify(token, getKey, { algorithms: ['RS256'], audience: process.env.AUDIENCE }, (err, decoded) =>
      err ? reject(err) : resolve(decoded),
    );
  });
}

const policy = (principalId, effect, resource, context = {}) => ({
  principalId,
  policyDocument: {
    Version: '2012-10-17',
    Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: resource }],
  },
  context,
});

exports.handler = async (event) => {
  const token = (event.authorizationToken || '').replace(/^Bearer /, '');
  try {
    const claims = await verify(token);
    return policy(claims.sub, 'Allow', event.methodArn, { scope: claims.scope });
  } catch (e) {
    console.warn('denied', e.message);
    throw new Error('Unauthorized');
  }
};
