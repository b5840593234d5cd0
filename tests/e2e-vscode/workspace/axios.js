// An axios request nothing awaits: its .then runs in another invocation.
const axios = require("axios");

exports.handler = async (event, context) => {
  axios.post("/someApi", {
    firstName: "Dori",
    lastName: "Aviram",
  }).then(function (response) {
    // this code can run in another invocation
    console.log(response.status);
  });
  return "OK";
};
