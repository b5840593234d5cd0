import type { AWS } from "@serverless/typescript";

import hello from "@functions/hello";

const serverlessConfiguration: AWS = {
  service: "aws-nodejs-typescript",
  frameworkVersion: "3",
  plugins: ["serverless-esbuild"],
  provider: {
    name: "aws",
    runtime: "nodejs18.x",
    apiGateway: { minimumCompressionSize: 1024, shouldStartNameWithService: true },
    environment: { AWS_NODEJS_CONNECTION_REUSE_ENABLED: "1" },
  },
  functions: { hello },
  package: { individually: true },
  custom: {
    esbuild: { bundle: true, minify: false, sourcemap: true, exclude: ["aws-sdk"], target: "node18", platform: "node" },
  },
};

module.exports = serverlessConfiguration;
