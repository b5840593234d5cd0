const middy = require("@middy/core");
const { withReporting } = require("./reporting");
const { issueInvoice } = require("./invoice-work");

exports.handler = middy(withReporting(issueInvoice));
