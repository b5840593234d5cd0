'use strict';

// Lambda@Edge viewer request.
exports.handler = async (event) => {
  const request = event.Records[0].cf.request;
  if (!request.headers['x-auth']) {
    return {
      status: '401',
      statusDescription: 'Unauthorized',
      headers: { 'www-authenticate': [{ key: 'WWW-Authenticate', value: 'Basic' }] },
    };
  }
  request.uri = request.uri.replace(/\/$/, '/index.html');
  return request;
};

// Cognito pre sign-up trigger.
exports.preSignUpHandler = async (event) => {
  event.response.autoConfirmUser = event.request.userAttributes.email.endsWith('@example.com');
  return event;
};

// AppSync direct resolver.
exports.resolverHandler = async (event) => {
  switch (event.info.fieldName) {
    case 'getPost':
      return { id: event.arguments.id, title: 'hello' };
    default:
      throw new Error(`unknown field ${event.info.fieldName}`);
  }
};
