// floating-promise: an axios call nothing awaits. The .then callback can run in another invocation.
const axios = require("axios");

exports.handler = async (event, context) => {
  axios
    .post("/someApi", {
      firstName: "Dori",
      lastName: "Aviram",
    })
    .then(function (response) {
      // this function of code can be run in other invocation
      console.log(response.status);
    });
  return "OK";
};
