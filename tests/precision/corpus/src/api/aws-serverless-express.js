'use strict';
// The legacy aws-serverless-express example: the library ends the invocation through context.
const awsServerlessExpress = require('aws-serverless-express');
const app = require('./app');

const binaryMimeTypes = ['application/octet-stream', 'image/png', 'image/jpeg'];
const server = awsServerlessExpress.createServer(app, null, binaryMimeTypes);

exports.handler = (event, context) => awsServerlessExpress.proxy(server, event, context);

exports.promiseHandler = (event, context) => awsServerlessExpress.proxy(server, event, context, 'PROMISE').promise;
