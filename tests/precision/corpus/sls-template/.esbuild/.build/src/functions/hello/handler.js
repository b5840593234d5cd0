"use strict";
var __defProp = Object.defineProperty;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __hasOwnProp = Object.prototype.hasOwnProperty;
var __export = (target, all) => {
  for (var name in all)
    __defProp(target, name, { get: all[name], enumerable: true });
};
var __copyProps = (to, from, except, desc) => {
  if (from && typeof from === "object" || typeof from === "function") {
    for (let key of __getOwnPropNames(from))
      if (!__hasOwnProp.call(to, key) && key !== except)
        __defProp(to, key, { get: () => from[key], enumerable: true });
  }
  return to;
};
var __toCommonJS = (mod) => __copyProps(__defProp({}, "__esModule", { value: true }), mod);

// src/functions/hello/handler.ts
var handler_exports = {};
__export(handler_exports, {
  main: () => main
});
module.exports = __toCommonJS(handler_exports);

// node_modules/@middy/core/index.js
var middy = (baseHandler = () => {}, plugin = {}) => {
  const beforeMiddlewares = [];
  const instance = (event = {}, context = {}) => {
    const request = { event, context, response: void 0, error: void 0, internal: plugin.internal ?? {} };
    plugin.beforeRequest?.();
    setTimeout(() => plugin.timeoutEarlyResponse?.(), Math.max(0, (context.getRemainingTimeInMillis?.() ?? 0) - 5));
    return runRequest(request, [...beforeMiddlewares], baseHandler);
  };
  instance.use = (middleware) => {
    beforeMiddlewares.push(middleware.before);
    return instance;
  };
  return instance;
};
var runRequest = async (request, beforeMiddlewares, baseHandler) => {
  for (const before of beforeMiddlewares) {
    if (before) before(request);
  }
  request.response = await baseHandler(request.event, request.context);
  return request.response;
};

// src/libs/lambda.ts
var middyfy = (handler) => {
  return middy(handler);
};

// src/functions/hello/handler.ts
var hello = async (event) => {
  return { statusCode: 200, body: JSON.stringify({ message: `Hello ${event.body.name}` }) };
};
var main = middyfy(hello);
exports.main = main;
//# sourceMappingURL=handler.js.map
